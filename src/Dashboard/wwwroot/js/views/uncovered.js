import { api } from '../api.js';
import { coalesce, h, keyedList, setText } from '../dom.js';
import { ageBand, formatAge, formatDateTime, formatPercent } from '../format.js';
import { onLangChange, t } from '../i18n.js';
import { categoryLabel, categoryOf, districtName, itemName, reasonLabel } from '../labels.js';
import { getState, removeNeed, subscribe } from '../store.js';
import { toast, toastError } from './toast.js';

export const REASONS = ['noActivePairing', 'volunteerLeft', 'volunteerPaused', 'overdue', 'majorChangeNotVisited', 'orderUnclaimed'];
// Enough to act on; the rest are older-first behind them and reachable through the filters.
const MAX_ROWS = 200;
const ALL = '';

function sinceTime(need) {
  const time = new Date(need.since).getTime();
  return Number.isNaN(time) ? Number.POSITIVE_INFINITY : time;
}

function oldestFirst(a, b) {
  return sinceTime(a) - sinceTime(b) || String(a.needId).localeCompare(String(b.needId));
}

export function initUncovered({ onSuggest, onPlan }) {
  const form = document.getElementById('uncovered-filters');
  const body = document.getElementById('uncovered-body');
  const count = document.getElementById('uncovered-count');
  const empty = document.getElementById('uncovered-empty');
  const truncated = document.getElementById('uncovered-truncated');
  const exportButton = document.getElementById('uncovered-export');
  const selects = {
    district: form.elements.namedItem('district'),
    category: form.elements.namedItem('category'),
    reason: form.elements.namedItem('reason'),
  };

  function filters() {
    return { district: selects.district.value, category: selects.category.value, reason: selects.reason.value };
  }

  function fillSelect(select, options) {
    const chosen = select.value;
    const values = [ALL, ...options.map((option) => option.value)];
    keyedList(
      select,
      [{ value: ALL, label: t('uncovered.all') }, ...options],
      (option) => option.value,
      (option) => h('option', { value: option.value }),
      (element, option) => setText(element, option.label),
    );
    select.value = values.includes(chosen) ? chosen : ALL;
  }

  function renderFilters() {
    const { districts, catalogue, uncovered } = getState();
    fillSelect(selects.district, [...districts.keys()].map((id) => ({ value: id, label: districtName(id) })));
    const categories = new Set([...catalogue.values()].map((item) => item.category).filter(Boolean));
    for (const need of uncovered.values()) {
      const category = categoryOf(need);
      if (category) categories.add(category);
    }
    fillSelect(selects.category, [...categories].sort().map((value) => ({ value, label: categoryLabel(value) })));
    fillSelect(selects.reason, REASONS.map((value) => ({ value, label: reasonLabel(value) })));
    exportButton.hidden = selects.district.value === ALL;
  }

  function matches(need, chosen) {
    return (
      (chosen.district === ALL || need.districtId === chosen.district) &&
      (chosen.category === ALL || categoryOf(need) === chosen.category) &&
      (chosen.reason === ALL || need.reason === chosen.reason)
    );
  }

  function create(need) {
    // An unclaimed order is offered to volunteers by itself (order board); there is no pairing to suggest for it.
    const suggest =
      need.reason === 'orderUnclaimed'
        ? null
        : h('button.btn.btn-small.btn-secondary', { type: 'button', 'data-testid': 'suggest-button', onclick: () => onSuggest(need.needId) });
    return h(
      'tr',
      { 'data-testid': 'uncovered-row', 'data-need-id': need.needId },
      h('td.cell-age', { 'data-col': 'age' }, h('span.age', { 'data-field': 'age' })),
      h('td', { 'data-col': 'district', 'data-field': 'district' }),
      h('td', { 'data-col': 'household' }, h('code', { 'data-field': 'householdId' })),
      h('td', { 'data-col': 'item' }, h('span.item-name', { 'data-field': 'item' }), h('span.chip', { 'data-field': 'category' })),
      h('td', { 'data-col': 'reason' }, h('span.reason', { 'data-field': 'reason' })),
      h('td.cell-actions', { 'data-col': 'actions' }, readySuggestion(need), suggest),
    );
  }

  // The best of the suggestions the district prepared unasked (volunteer left or paused), paired in one click.
  function readySuggestion(need) {
    const pair = h('button.btn.btn-primary.btn-small', { type: 'button', 'data-testid': 'ready-pair' });
    pair.addEventListener('click', async () => {
      const best = getState().uncovered.get(need.needId)?.suggestions?.[0];
      if (!best) return;
      pair.disabled = true;
      try {
        await api.createPairing({ volunteerId: best.volunteerId, householdId: need.householdId, needId: need.needId });
        removeNeed(need.needId);
        toast(t('suggest.accepted', { volunteer: best.maskedName || best.volunteerId }), 'success');
      } catch (error) {
        pair.disabled = false;
        toastError(error);
      }
    });
    return h('div.ready-suggestion', { 'data-testid': 'ready-suggestion', hidden: true }, h('span.ready-name', { 'data-field': 'readyName' }), ' ', h('span.muted.small', { 'data-field': 'readyScore' }), ' ', pair);
  }

  function updateReady(row, need) {
    const box = row.querySelector('[data-testid="ready-suggestion"]');
    const best = need.suggestions?.[0];
    box.hidden = !best;
    if (!best) return;
    box.dataset.volunteerId = best.volunteerId;
    setText(box.querySelector('[data-field="readyName"]'), t('uncovered.readyBest', { volunteer: best.maskedName || best.volunteerId }));
    setText(box.querySelector('[data-field="readyScore"]'), formatPercent(best.score / 100));
    const pair = box.querySelector('[data-testid="ready-pair"]');
    setText(pair, t('suggest.accept'));
    pair.setAttribute('aria-label', t('suggest.acceptLabel', { volunteer: best.maskedName || best.volunteerId }));
  }

  function update(row, need) {
    row.dataset.districtId = need.districtId ?? '';
    row.dataset.reason = need.reason ?? '';
    const category = categoryOf(need);
    row.dataset.category = category ?? '';
    for (const cell of row.cells) {
      const label = cell.dataset.col === 'actions' ? '' : t(`uncovered.col.${cell.dataset.col}`);
      cell.dataset.label = label;
    }
    const age = row.querySelector('.age');
    age.dataset.since = need.since ?? '';
    age.title = t('uncovered.since', { time: formatDateTime(need.since) });
    tickAge(age);
    setText(row.querySelector('[data-field="district"]'), districtName(need.districtId));
    setText(row.querySelector('[data-field="householdId"]'), need.householdId ?? t('common.none'));
    const item = row.querySelector('[data-field="item"]');
    setText(item, itemName(need));
    item.classList.toggle('muted', !need.itemId && !need.itemName);
    const chip = row.querySelector('[data-field="category"]');
    chip.hidden = !category;
    setText(chip, category ? categoryLabel(category) : '');
    const reason = row.querySelector('[data-field="reason"]');
    reason.dataset.reason = need.reason ?? '';
    setText(reason, reasonLabel(need.reason));
    const suggest = row.querySelector('[data-testid="suggest-button"]');
    setText(suggest, t('uncovered.suggest'));
    suggest.setAttribute('aria-label', t('uncovered.suggestFor', { need: `${itemName(need)} · ${need.householdId ?? ''}` }));
    updateReady(row, need);
  }

  function tickAge(element, now = Date.now()) {
    const since = element.dataset.since;
    setText(element, formatAge(since, now));
    element.dataset.band = ageBand(since, now);
  }

  function render() {
    renderFilters();
    const all = [...getState().uncovered.values()];
    const chosen = filters();
    const visible = all.filter((need) => matches(need, chosen)).sort(oldestFirst);
    const shown = visible.slice(0, MAX_ROWS);
    keyedList(body, shown, (need) => need.needId, create, update);
    count.textContent = t('uncovered.count', { count: visible.length });
    count.dataset.value = String(visible.length);
    empty.hidden = visible.length > 0 || getState().lastSync === null;
    empty.textContent = all.length === 0 ? t('uncovered.empty') : t('uncovered.emptyFiltered');
    truncated.hidden = visible.length <= MAX_ROWS;
    truncated.textContent = t('uncovered.truncated', { shown: shown.length, total: visible.length });
  }

  form.addEventListener('change', render);
  document.getElementById('plan-open')?.addEventListener('click', () => onPlan?.(selects.district.value || [...getState().districts.keys()][0]));
  exportButton.addEventListener('click', async () => {
    const districtId = selects.district.value;
    if (districtId === ALL) return;
    try {
      await api.downloadCsv(api.uncoveredCsvPath(districtId), `uncovered-${districtId}.csv`);
    } catch (error) {
      toastError(error);
    }
  });

  setInterval(() => {
    const now = Date.now();
    for (const age of body.querySelectorAll('.age')) tickAge(age, now);
  }, 1000);

  const schedule = coalesce(render);
  for (const topic of ['uncovered', 'districts', 'catalogue', 'sync']) subscribe(topic, schedule);
  onLangChange(render);
  render();
}
