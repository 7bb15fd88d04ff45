// 我的: hours (certified and pending), stars and the hours to the next one, recent visits with their state, the service
// certificate, and the volunteer's own weekly availability, which they may edit.
import { api, ApiError, readToken } from './api.js';
import { lang, t } from './i18n.js';
import { showBanner } from './notify.js';
import { clear, dateTime, h } from './dom.js';

const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

export async function renderMe(main, { onExpired, problemText }) {
  const me = readToken();
  clear(main).append(h('p', { className: 'muted' }, t('today.loading')));
  let data;
  try {
    data = await api.me(me.sub);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return onExpired();
    return clear(main).append(h('p', { className: 'warn' }, problemText(error)));
  }
  const stars = '★'.repeat(data.hours.starLevel) + '☆'.repeat(Math.max(0, 5 - data.hours.starLevel));
  const slots = h('div', { className: 'stack', dataset: { testid: 'availability' } });
  const addSlot = (slot = { day: 'monday', start: '09:00', end: '11:00' }) => slots.append(h('div', { className: 'slot', dataset: { testid: 'slot' } },
    h('select', { name: 'day', ariaLabel: t('me.day') }, ...DAYS.map((d) => h('option', { value: d, selected: d === slot.day }, t(`day.${d}`)))),
    h('input', { type: 'time', name: 'start', value: slot.start, ariaLabel: t('me.start') }),
    h('input', { type: 'time', name: 'end', value: slot.end, ariaLabel: t('me.end') }),
    h('button', { type: 'button', className: 'btn-quiet', onclick: (event) => event.target.closest('.slot').remove() }, t('me.removeSlot'))));
  data.availability.forEach(addSlot);

  const save = async () => {
    const availability = [...slots.querySelectorAll('.slot')].map((row) => ({
      day: row.querySelector('[name=day]').value, start: row.querySelector('[name=start]').value, end: row.querySelector('[name=end]').value,
    }));
    try {
      await api.setAvailability(me.sub, availability);
      showBanner(t('me.saved'), 'ok');
    } catch (error) {
      showBanner(problemText(error), 'error');
    }
  };
  const certificate = async () => {
    try {
      const response = await api.certificate(me.sub);
      window.open(URL.createObjectURL(await response.blob()), '_blank');
    } catch (error) {
      showBanner(problemText(error), 'error');
    }
  };

  clear(main).append(h('section', { className: 'stack', dataset: { testid: 'me' } },
    h('h2', {}, t('me.title')),
    h('article', { className: 'card figures' },
      h('p', {}, h('span', { className: 'figure', dataset: { testid: 'certified-hours' } }, data.hours.certifiedHours), ' ', t('me.certified')),
      h('p', {}, h('span', { className: 'figure', dataset: { testid: 'pending-hours' } }, data.hours.pendingHours), ' ', t('me.pending')),
      h('p', { className: 'stars', ariaLabel: t('me.stars', { n: data.hours.starLevel }) }, stars),
      h('p', { dataset: { testid: 'next-star' } }, data.nextStar ? t('me.nextStar', { n: data.nextStar.level, hours: data.nextStar.hoursToGo }) : t('me.topStar')),
      data.averageRating ? h('p', {}, t('me.rating', { n: data.averageRating.toFixed(1) })) : null,
      h('button', { type: 'button', className: 'btn btn-alt', dataset: { testid: 'certificate' }, onclick: certificate }, t('me.certificate'))),
    h('h3', {}, t('me.recent')),
    data.recentVisits.length === 0 ? h('p', { className: 'muted' }, t('me.noVisits')) : null,
    ...data.recentVisits.map((v) => h('article', { className: 'card', dataset: { testid: 'recent-visit', visitId: v.visitId, status: v.status } },
      h('p', { className: 'strong' }, dateTime(v.checkedInAt, lang()), v.hours != null ? ` · ${t('me.hours', { n: v.hours })}` : ''),
      h('p', {}, h('span', { className: `state state-${v.status}` }, t(`visit.status.${v.status}`)),
        v.flags.length ? ` · ${v.flags.map((f) => t(`flag.${f}`)).join('、')}` : ''),
      v.status === 'rejected' && v.reason ? h('p', { className: 'warn' }, t('me.rejectedBecause', { reason: v.reason })) : null)),
    h('h3', {}, t('me.availability')),
    slots,
    h('div', { className: 'row' },
      h('button', { type: 'button', className: 'btn-quiet', dataset: { testid: 'add-slot' }, onclick: () => addSlot() }, t('me.addSlot')),
      h('button', { type: 'button', className: 'btn', dataset: { testid: 'save-availability' }, onclick: save }, t('me.save')))));
}
