import { api } from '../api.js';
import { clear, h } from '../dom.js';
import { formatDateTime } from '../format.js';
import { onLangChange, t, tValue } from '../i18n.js';
import { getState, subscribe } from '../store.js';
import { toastError } from './toast.js';

/**
 * The operators' search of the audit log (审计日志): "who read household X" (by object id), "what did user Y read"
 * (by user). Builds its own panel at the end of the main column; shown to operators only, as the route allows.
 */
export function initAudit() {
  const results = h('tbody', { 'data-testid': 'audit-body' });
  const empty = h('p.empty', { hidden: true, 'data-testid': 'audit-empty' });
  const form = h('form.filters.audit-filters', { 'data-testid': 'audit-form', novalidate: true });
  const objectInput = h('input', { name: 'objectId', autocomplete: 'off', 'data-testid': 'audit-object' });
  const subInput = h('input', { name: 'sub', autocomplete: 'off', 'data-testid': 'audit-sub' });
  const actionSelect = h('select', { name: 'action', 'data-testid': 'audit-action' });
  const fromInput = h('input', { type: 'date', name: 'from', 'data-testid': 'audit-from' });
  const toInput = h('input', { type: 'date', name: 'to', 'data-testid': 'audit-to' });
  const submit = h('button.btn.btn-primary.btn-small', { type: 'submit', 'data-testid': 'audit-submit' });
  const labels = {};
  const label = (key, control) => h('label.filter', {}, (labels[key] = h('span')), control);
  form.append(
    label('audit.objectId', objectInput),
    label('audit.sub', subInput),
    label('audit.action', actionSelect),
    label('audit.from', fromInput),
    label('audit.to', toInput),
    submit,
  );
  const title = h('span');
  const hint = h('p.muted.small');
  const headers = ['audit.col.at', 'audit.col.user', 'audit.col.action', 'audit.col.route', 'audit.col.object', 'audit.col.status'].map(() => h('th', { scope: 'col' }));
  const panel = h('section.panel', { 'aria-labelledby': 'audit-title', 'data-testid': 'audit-panel', hidden: true },
    h('div.section-head', {}, h('h2', { id: 'audit-title' }, title)),
    hint,
    form,
    h('div.table-wrap', {}, h('table.table', { 'data-testid': 'audit-table' }, h('thead', {}, h('tr', {}, headers)), results)),
    empty,
  );
  document.querySelector('.layout-main')?.append(panel);

  let entries = null;

  function renderTexts() {
    title.textContent = t('audit.title');
    hint.textContent = t('audit.hint');
    for (const [key, span] of Object.entries(labels)) span.textContent = t(key);
    submit.textContent = t('audit.search');
    headers.forEach((th, i) => { th.textContent = t(['audit.col.at', 'audit.col.user', 'audit.col.action', 'audit.col.route', 'audit.col.object', 'audit.col.status'][i]); });
    const chosen = actionSelect.value;
    clear(actionSelect);
    for (const value of ['', 'read', 'change', 'denied']) {
      actionSelect.append(h('option', { value }, value ? tValue('audit.actionName', value) : t('audit.anyAction')));
    }
    actionSelect.value = chosen;
    render();
  }

  function render() {
    clear(results);
    empty.hidden = entries === null || entries.length > 0;
    empty.textContent = t('audit.empty');
    for (const e of entries ?? []) {
      results.append(h('tr', { 'data-testid': 'audit-row' },
        h('td', {}, formatDateTime(e.at)),
        h('td', {}, `${e.sub} (${tValue('user.role', e.role)})`),
        h('td', {}, tValue('audit.actionName', e.action)),
        h('td', {}, `${e.method} ${e.route}`),
        h('td', {}, h('code', {}, e.objectId)),
        h('td.num', {}, String(e.status))));
    }
  }

  function showFor(user) {
    panel.hidden = user?.role !== 'operator';
    if (panel.hidden) {
      entries = null;
      render();
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const query = {};
    for (const input of [objectInput, subInput, actionSelect, fromInput, toInput]) {
      if (input.value.trim()) query[input.name] = input.value.trim();
    }
    try {
      entries = await api.auditSearch(query);
      render();
    } catch (failure) {
      toastError(failure);
    }
  });

  subscribe('user', (state) => showFor(state.user));
  onLangChange(renderTexts);
  renderTexts();
  showFor(getState().user);
}
