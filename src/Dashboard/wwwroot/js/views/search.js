// Search within the caller's districts: households and volunteers by name, phone tail, community or address,
// masked as lists are; each hit opens its file or record.
import { searchApi } from '../api.js';
import { clear, h } from '../dom.js';
import { problemErrors, showErrors } from '../forms.js';
import { onLangChange, t, tValue } from '../i18n.js';
import { districtName } from '../labels.js';

export function initSearch({ onOpenHousehold, onOpenVolunteer }) {
  const bar = document.querySelector('[data-testid=workspace-bar]');
  const dialog = h('dialog.dialog', { 'data-testid': 'search-dialog', 'aria-labelledby': 'search-title' });
  document.body.append(dialog);
  let last = null;

  const box = h('input', { type: 'search', name: 'q', 'data-path': 'q', autocomplete: 'off', 'data-testid': 'search-input' });
  const error = h('span.field-error', { 'data-error-for': 'q', role: 'alert', hidden: true });
  const button = h('button.btn.btn-quiet.btn-small', { type: 'submit', 'data-testid': 'search-submit' });
  const form = h('form.search-form', { role: 'search', novalidate: true }, box, button, error);
  bar.prepend(form);

  function labels() {
    box.placeholder = t('search.placeholder');
    box.setAttribute('aria-label', t('search.placeholder'));
    button.textContent = t('search.submit');
  }

  function render() {
    if (!last) return;
    const { households, volunteers, query } = last;
    clear(dialog).append(
      h(
        'div.dialog-head',
        {},
        h('div', {}, h('h2', { id: 'search-title' }, t('search.title', { q: query })), h('p.muted.small', {}, t('search.hint'))),
        h('button.btn.btn-icon', { type: 'button', 'aria-label': t('common.close'), onclick: () => dialog.close() }, '×'),
      ),
      h(
        'div.dialog-body',
        {},
        h('h3.form-section', {}, t('search.households', { count: households.length })),
        households.length
          ? h(
              'ul.plain-list.search-hits',
              {},
              households.map((hit) =>
                h(
                  'li',
                  { 'data-testid': 'search-household', 'data-id': hit.householdId },
                  h('code', {}, hit.householdId),
                  ` ${hit.name} · ${hit.community} · ${districtName(hit.districtId)} · ${tValue('risk', hit.riskLevel)} · ${tValue('search.matched', hit.matched)} `,
                  h('button.btn.btn-quiet.btn-small', { type: 'button', onclick: () => { dialog.close(); onOpenHousehold(hit.householdId); } }, t('household.openFile')),
                ),
              ),
            )
          : h('p.empty', {}, t('search.none')),
        h('h3.form-section', {}, t('search.volunteers', { count: volunteers.length })),
        volunteers.length
          ? h(
              'ul.plain-list.search-hits',
              {},
              volunteers.map((hit) =>
                h(
                  'li',
                  { 'data-testid': 'search-volunteer', 'data-id': hit.volunteerId },
                  h('code', {}, hit.volunteerId),
                  ` ${hit.name} · ${hit.phone} · ${districtName(hit.districtId)} · ${tValue('volunteer.status', hit.status)} · ${tValue('search.matched', hit.matched)} `,
                  h('button.btn.btn-quiet.btn-small', { type: 'button', onclick: () => { dialog.close(); onOpenVolunteer(hit.volunteerId); } }, t('volunteer.openRecord')),
                ),
              ),
            )
          : h('p.empty', {}, t('search.none')),
      ),
    );
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const q = box.value.trim();
    if (!q || q.length > 50) {
      showErrors(form, { q: [t(q ? 'form.maxLength' : 'form.required', { max: 50 })] });
      return;
    }
    try {
      last = await searchApi(q);
      showErrors(form, {});
      render();
      if (!dialog.open) dialog.showModal();
    } catch (failure) {
      showErrors(form, problemErrors(failure));
    }
  });

  onLangChange(() => {
    labels();
    if (dialog.open) render();
  });
  labels();
}
