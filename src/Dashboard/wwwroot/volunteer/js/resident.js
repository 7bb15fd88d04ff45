// The resident (群众点单): orders a catalogue item for their own household, sees who is coming and when, and rates
// each finished visit (满意度 1–5 and a comment).
import { api, ApiError } from './api.js';
import { lang, nameOf, t } from './i18n.js';
import { showBanner } from './notify.js';
import { clear, dateTime, h, time } from './dom.js';

const pad = (n) => String(n).padStart(2, '0');
const localInput = (date) => `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;

export async function renderResident(main, { onSignOut, onExpired, problemText }) {
  let home;
  let catalogue;
  try {
    [home, catalogue] = await Promise.all([api.residentHome(), api.catalogue()]);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return onExpired();
    return clear(main).append(h('p', { className: 'warn' }, problemText(error)));
  }
  const rerender = () => renderResident(main, { onSignOut, onExpired, problemText });
  const item = (id) => catalogue.find((c) => c.itemId === id);
  const start = new Date(Date.now() + 3600_000);
  start.setMinutes(0, 0, 0);
  const end = new Date(start.getTime() + 2 * 3600_000);

  const form = h('form', {
    className: 'card stack', dataset: { testid: 'order-form' },
    onsubmit: async (event) => {
      event.preventDefault();
      const data = new FormData(event.target);
      try {
        await api.residentOrder({
          itemId: data.get('itemId'),
          windowStart: new Date(data.get('windowStart')).toISOString(),
          windowEnd: new Date(data.get('windowEnd')).toISOString(),
          notes: data.get('notes') || null,
        });
        showBanner(t('resident.ordered'), 'ok');
        rerender();
      } catch (error) {
        showBanner(problemText(error), 'error');
      }
    },
  },
  h('h3', {}, t('resident.order')),
  h('label', { htmlFor: 'itemId' }, t('resident.item')),
  h('select', { id: 'itemId', name: 'itemId', dataset: { testid: 'order-item' } }, ...catalogue.map((c) => h('option', { value: c.itemId }, nameOf(c)))),
  h('label', { htmlFor: 'windowStart' }, t('resident.from')),
  h('input', { type: 'datetime-local', id: 'windowStart', name: 'windowStart', value: localInput(start), required: true }),
  h('label', { htmlFor: 'windowEnd' }, t('resident.to')),
  h('input', { type: 'datetime-local', id: 'windowEnd', name: 'windowEnd', value: localInput(end), required: true }),
  h('label', { htmlFor: 'order-notes' }, t('resident.notes')),
  h('textarea', { id: 'order-notes', name: 'notes', rows: 2, maxLength: 2000 }),
  h('button', { type: 'submit', className: 'btn btn-big', dataset: { testid: 'place-order' } }, t('resident.place')));

  const rating = (visitId) => {
    let chosen = 0;
    const stars = h('div', { className: 'row', role: 'radiogroup', ariaLabel: t('resident.satisfaction') },
      ...[1, 2, 3, 4, 5].map((n) => h('button', {
        type: 'button', className: 'star', dataset: { testid: `rate-${n}` }, ariaLabel: String(n),
        onclick: (event) => {
          chosen = n;
          for (const b of event.target.parentElement.children) b.classList.toggle('on', Number(b.ariaLabel) <= n);
        },
      }, '★')));
    const comment = h('input', { type: 'text', maxLength: 500, placeholder: t('resident.comment'), dataset: { testid: 'rate-comment' } });
    return h('div', { className: 'stack' }, h('p', {}, t('resident.rateVisit')), stars, comment,
      h('button', {
        type: 'button', className: 'btn', dataset: { testid: 'rate-submit' },
        onclick: async () => {
          if (!chosen) return showBanner(t('resident.pickStars'), 'warn');
          try {
            await api.rate(visitId, { satisfaction: chosen, comment: comment.value || null });
            showBanner(t('resident.thanks'), 'ok');
            rerender();
          } catch (error) {
            showBanner(problemText(error), 'error');
          }
        },
      }, t('resident.submitRating')));
  };

  const visitRated = new Map(home.visits.map((v) => [v.visitId, v]));
  // Visits of an order are rated on the order's card.
  const others = home.visits.filter((v) => !home.orders.some((o) => o.visitId === v.visitId));
  clear(main).append(h('section', { className: 'stack', dataset: { testid: 'resident' } },
    h('h2', {}, t('resident.title', { community: home.community })),
    form,
    h('h3', {}, t('resident.orders')),
    home.orders.length === 0 ? h('p', { className: 'muted' }, t('resident.noOrders')) : null,
    ...home.orders.map((o) => h('article', { className: 'card', dataset: { testid: 'resident-order', orderId: o.orderId, status: o.status } },
      h('p', { className: 'strong' }, nameOf(item(o.itemId)), h('span', { className: `state state-${o.status}` }, t(`order.${o.status}`))),
      h('p', {}, t('resident.window', { from: dateTime(o.windowStart, lang()), to: time(o.windowEnd, lang()) })),
      o.volunteerName ? h('p', { dataset: { testid: 'coming' } }, t('resident.coming', { name: o.volunteerName })) : h('p', { className: 'muted' }, t('resident.waiting')),
      o.visitId && o.satisfaction == null && visitRated.get(o.visitId)?.checkedOutAt ? rating(o.visitId) : null,
      o.satisfaction != null ? h('p', { dataset: { testid: 'rated' } }, t('resident.rated', { n: o.satisfaction })) : null)),
    h('h3', {}, t('resident.visits')),
    others.length === 0 ? h('p', { className: 'muted' }, t('resident.noVisits')) : null,
    ...others.map((v) => h('article', { className: 'card', dataset: { testid: 'resident-visit', visitId: v.visitId } },
      h('p', {}, `${v.volunteerName} · ${dateTime(v.checkedInAt, lang())}`),
      v.satisfaction != null ? h('p', {}, t('resident.rated', { n: v.satisfaction })) : v.checkedOutAt ? rating(v.visitId) : null)),
    h('button', { type: 'button', className: 'btn-quiet', dataset: { testid: 'sign-out' }, onclick: onSignOut }, t('signin.signOut'))));
}
