import { api, teamsApi, workspace } from '../api.js';
import { getState } from '../store.js';
import { renderTeams } from './teams.js';
import { clear, h } from '../dom.js';
import { formatDateTime, formatHours, formatNumber } from '../format.js';
import { onLangChange, t, tValue } from '../i18n.js';
import { districtName, itemName, skillLabel } from '../labels.js';
import { RISK_LEVELS } from '../live-events.js';
import { toast, toastError } from './toast.js';

const MAX_ROWS = 300;
const RISK_ORDER = Object.fromEntries(RISK_LEVELS.map((level, index) => [level, index]));
const STATUS_ORDER = { active: 0, paused: 1, left: 2 };
// Late first: what a coordinator must act on.
const DUE_ORDER = { late: 0, due: 1, started: 2, done: 3 };

// What the rows' buttons do: set by initDrilldown (open a household's file, a volunteer's record; pairings).
const actions = { openHousehold: () => {}, openVolunteer: () => {}, endPairing: () => {}, setSlot: () => {} };
const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

function slotText(slot) {
  return slot ? `${tValue('day', slot.day)} ${slot.start}–${slot.end}` : t('common.none');
}

function slotEditor(row) {
  const day = h('select', { 'aria-label': t('pairing.day'), 'data-testid': 'slot-day' }, DAYS.map((d) => h('option', { value: d, selected: row.slot?.day === d }, tValue('day', d))));
  const start = h('input', { type: 'time', value: row.slot?.start ?? '09:00', 'aria-label': t('pairing.start'), 'data-testid': 'slot-start' });
  const end = h('input', { type: 'time', value: row.slot?.end ?? '10:00', 'aria-label': t('pairing.end'), 'data-testid': 'slot-end' });
  const error = h('span.field-error', { role: 'alert', hidden: true });
  return h(
    'details.slot-editor',
    {},
    h('summary', { 'data-testid': 'slot-edit' }, t('pairing.setSlot')),
    h(
      'div.slot-form',
      {},
      day,
      start,
      end,
      h('button.btn.btn-primary.btn-small', { type: 'button', 'data-testid': 'slot-save', onclick: () => actions.setSlot(row, { day: day.value, start: start.value, end: end.value }, error) }, t('pairing.saveSlot')),
      error,
    ),
  );
}

function byId(key) {
  return (a, b) => String(a[key]).localeCompare(String(b[key]), undefined, { numeric: true });
}

const TABS = {
  households: {
    load: (districtId) => api.households(districtId),
    key: 'householdId',
    sort: (a, b) =>
      (b.uncoveredNeeds ?? 0) - (a.uncoveredNeeds ?? 0) ||
      (RISK_ORDER[a.riskLevel] ?? 3) - (RISK_ORDER[b.riskLevel] ?? 3) ||
      byId('householdId')(a, b),
    searchable: (row) => [row.householdId, row.community, row.category, tValue('householdCategory', row.category)],
    columns: [
      { label: 'household.col.id', cell: (row) => h('code', {}, row.householdId) },
      { label: 'household.col.community', cell: (row) => row.community ?? t('common.none') },
      { label: 'household.col.category', cell: (row) => tValue('householdCategory', row.category) },
      { label: 'household.col.risk', cell: (row) => h(`span.risk.risk-${row.riskLevel ?? 'unknown'}`, {}, tValue('risk', row.riskLevel)) },
      { label: 'household.col.openNeeds', numeric: true, cell: (row) => formatNumber(row.openNeeds) },
      {
        label: 'household.col.uncoveredNeeds',
        numeric: true,
        cell: (row) => h(row.uncoveredNeeds > 0 ? 'strong.text-alert' : 'span', {}, formatNumber(row.uncoveredNeeds)),
      },
      {
        label: 'uncovered.col.actions',
        cell: (row) => h('button.btn.btn-quiet.btn-small', { type: 'button', 'data-testid': 'open-household', onclick: () => actions.openHousehold(row.householdId) }, t('household.openFile')),
      },
    ],
  },
  volunteers: {
    load: (districtId) => api.volunteers(districtId),
    key: 'volunteerId',
    sort: (a, b) => (STATUS_ORDER[a.status] ?? 3) - (STATUS_ORDER[b.status] ?? 3) || byId('volunteerId')(a, b),
    searchable: (row) => [row.volunteerId, row.name, ...(row.skills ?? []), ...(row.skills ?? []).map(skillLabel)],
    columns: [
      { label: 'volunteer.col.id', cell: (row) => h('code', {}, row.volunteerId) },
      // Names arrive masked by the server (陈**).
      { label: 'volunteer.col.name', cell: (row) => row.name ?? t('common.none') },
      { label: 'volunteer.col.status', cell: (row) => h(`span.status.status-${row.status ?? 'unknown'}`, {}, tValue('volunteer.status', row.status)) },
      { label: 'volunteer.col.skills', cell: (row) => h('span.chips', {}, (row.skills ?? []).map((skill) => h('span.chip', {}, skillLabel(skill)))) },
      {
        label: 'volunteer.col.hours',
        numeric: true,
        cell: (row) => `${formatHours(row.certifiedHours)} / ${formatHours(row.pendingHours)}`,
      },
      { label: 'volunteer.col.star', numeric: true, cell: (row) => (row.starLevel ? t('volunteer.stars', { stars: row.starLevel }) : t('common.none')) },
      { label: 'volunteer.col.pairings', numeric: true, cell: (row) => formatNumber(row.activePairings) },
      {
        label: 'uncovered.col.actions',
        cell: (row) => h('button.btn.btn-quiet.btn-small', { type: 'button', 'data-testid': 'open-volunteer', onclick: () => actions.openVolunteer(row.volunteerId) }, t('volunteer.openRecord')),
      },
    ],
  },
  // 结对: every active pairing with its planned slot and last visit; end it, or set or move its slot.
  pairings: {
    load: (districtId) => workspace.pairings(districtId),
    key: 'pairingId',
    sort: (a, b) => byId('householdId')(a, b) || byId('pairingId')(a, b),
    searchable: (row) => [row.householdId, row.community, row.volunteerId, row.volunteerName, row.itemId, itemName(row)],
    columns: [
      { label: 'household.col.id', cell: (row) => h('code', {}, row.householdId) },
      { label: 'household.col.community', cell: (row) => row.community || t('common.none') },
      { label: 'pairing.col.need', cell: (row) => itemName(row) },
      // Names arrive masked by the server (陈**).
      { label: 'pairing.col.volunteer', cell: (row) => row.volunteerName || row.volunteerId },
      { label: 'pairing.col.slot', cell: (row) => h('span', { 'data-testid': 'pairing-slot' }, slotText(row.slot)) },
      { label: 'pairing.col.lastVisit', cell: (row) => (row.lastVisitAt ? formatDateTime(row.lastVisitAt) : t('common.none')) },
      {
        label: 'uncovered.col.actions',
        cell: (row) =>
          h(
            'div.cell-actions',
            {},
            slotEditor(row),
            h('button.btn.btn-quiet.btn-small', { type: 'button', 'data-testid': 'pairing-end', onclick: () => actions.endPairing(row) }, t('pairing.end')),
          ),
      },
    ],
  },
  // 今日应访: visits due today by planned slot; late ones (no check-in by the slot's start plus the grace) first.
  dueToday: {
    load: (districtId) => api.dueToday(districtId),
    key: 'pairingId',
    sort: (a, b) => (DUE_ORDER[a.state] ?? 4) - (DUE_ORDER[b.state] ?? 4) || String(a.slotStart).localeCompare(String(b.slotStart)),
    searchable: (row) => [row.householdId, row.community, row.volunteerId, row.volunteerName, tValue('dueToday.state', row.state)],
    columns: [
      { label: 'dueToday.col.slot', cell: (row) => formatDateTime(row.slotStart) },
      { label: 'household.col.id', cell: (row) => h('code', {}, row.householdId) },
      { label: 'household.col.community', cell: (row) => row.community || t('common.none') },
      // Names arrive masked by the server (陈**).
      { label: 'dueToday.col.volunteer', cell: (row) => row.volunteerName || row.volunteerId },
      {
        label: 'dueToday.col.state',
        cell: (row) => h(`span.status.due-${row.state ?? 'unknown'}${row.state === 'late' ? '.text-alert' : ''}`, { 'data-testid': 'due-state' }, tValue('dueToday.state', row.state)),
      },
      { label: 'dueToday.col.checkedIn', cell: (row) => (row.checkedInAt ? formatDateTime(row.checkedInAt) : t('common.none')) },
    ],
  },
  // 服务队: the district's teams, their matrix and membership (rendered by teams.js, not as a plain table).
  teams: {
    load: (districtId) => teamsApi.list(districtId),
    key: 'teamId',
    custom: true,
  },
};

/** A district's households, volunteers and visits due today, with its CSV exports. */
export function initDrilldown({ onOpenHousehold, onOpenVolunteer } = {}) {
  const dialog = document.getElementById('drilldown-dialog');
  const title = document.getElementById('drilldown-title');
  const panel = document.getElementById('drill-panel');
  const filter = document.getElementById('drill-filter');
  const tabButtons = [...dialog.querySelectorAll('[role="tab"]')];

  let current = null; // { districtId, tab, data: { households, volunteers } }

  function renderTabs() {
    for (const button of tabButtons) {
      const tab = button.dataset.tab;
      const rows = current?.data[tab];
      const label = t(`drill.${tab}`);
      button.textContent = Array.isArray(rows) ? t('drill.tabCount', { label, count: formatNumber(rows.length) }) : label;
      const selected = current?.tab === tab;
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
      if (selected) panel.setAttribute('aria-labelledby', button.id);
    }
  }

  function renderTable() {
    clear(panel);
    if (!current) return;
    const definition = TABS[current.tab];
    const rows = current.data[current.tab];
    if (rows === undefined) {
      panel.append(h('p.muted', { role: 'status' }, t('app.loading')));
      return;
    }
    if (definition.custom) {
      const opened = current;
      renderTeams(panel, { districtId: opened.districtId, teams: rows, volunteers: opened.data.volunteers, user: getState().user, reload: () => load(opened, 'teams') });
      return;
    }
    const query = filter.value.trim().toLowerCase();
    const matching = rows
      .filter((row) => !query || definition.searchable(row).some((value) => String(value ?? '').toLowerCase().includes(query)))
      .sort(definition.sort);
    if (matching.length === 0) {
      panel.append(h('p.empty', {}, t('drill.empty')));
      return;
    }
    const shown = matching.slice(0, MAX_ROWS);
    panel.append(
      h(
        'div.table-wrap',
        {},
        h(
          'table.table.drill-table',
          { 'data-testid': `drill-${current.tab}` },
          h('thead', {}, h('tr', {}, definition.columns.map((column) => h(column.numeric ? 'th.num' : 'th', { scope: 'col' }, t(column.label))))),
          h(
            'tbody',
            {},
            shown.map((row) =>
              h(
                'tr',
                { 'data-id': row[definition.key] },
                definition.columns.map((column) => h(column.numeric ? 'td.num' : 'td', { 'data-label': t(column.label) }, column.cell(row))),
              ),
            ),
          ),
        ),
      ),
    );
    if (matching.length > MAX_ROWS) {
      panel.append(h('p.muted.small', {}, t('drill.truncated', { shown: shown.length, total: matching.length })));
    }
  }

  function render() {
    if (!current) return;
    title.textContent = t('drill.title', { name: districtName(current.districtId) });
    renderTabs();
    renderTable();
  }

  async function load(opened, tab) {
    try {
      opened.data[tab] = (await TABS[tab].load(opened.districtId)) ?? [];
    } catch (error) {
      toastError(error);
      opened.data[tab] = [];
    }
    if (current !== opened) return;
    // The tab's count changes; the table is built again only when it shows what arrived (the teams tab also shows the
    // volunteers). Building the shown table again for another tab's rows would replace the row under a coordinator's
    // pointer, and a click pressed on the old row and released on the new one does nothing.
    renderTabs();
    if (tab === current.tab || (current.tab === 'teams' && tab === 'volunteers')) renderTable();
  }

  function open(districtId) {
    current = { districtId, tab: 'households', data: {} };
    filter.value = '';
    render();
    if (!dialog.open) dialog.showModal();
    const opened = current;
    load(opened, 'households');
    load(opened, 'volunteers');
    load(opened, 'dueToday');
    load(opened, 'pairings');
    load(opened, 'teams');
  }

  actions.openHousehold = (householdId) => onOpenHousehold?.(householdId);
  actions.openVolunteer = (volunteerId) => onOpenVolunteer?.(volunteerId);
  actions.endPairing = async (row) => {
    try {
      await workspace.endPairing(row.pairingId);
      toast(t('pairing.ended', { household: row.householdId }), 'success');
    } catch (error) {
      toastError(error);
    }
    if (current) load(current, 'pairings');
  };
  actions.setSlot = async (row, slot, error) => {
    try {
      await api.createPairing({ volunteerId: row.volunteerId, householdId: row.householdId, needId: row.needId, slot });
      toast(t('pairing.slotSet', { household: row.householdId }), 'success');
      if (current) {
        load(current, 'pairings');
        load(current, 'dueToday');
      }
    } catch (failure) {
      error.textContent = Object.values(failure.problem?.errors ?? {}).flat().join(' ') || failure.title || failure.message;
      error.hidden = false;
    }
  };

  function selectTab(tab) {
    if (!current || current.tab === tab) return;
    current.tab = tab;
    render();
  }

  for (const button of tabButtons) {
    button.addEventListener('click', () => selectTab(button.dataset.tab));
    button.addEventListener('keydown', (event) => {
      if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
      const next = tabButtons[(tabButtons.indexOf(button) + 1) % tabButtons.length];
      selectTab(next.dataset.tab);
      next.focus();
    });
  }
  filter.addEventListener('input', renderTable);

  async function exportCsv(pathOf, name) {
    if (!current) return;
    const { districtId } = current;
    try {
      await api.downloadCsv(pathOf(districtId), `${name}-${districtId}.csv`);
    } catch (error) {
      toastError(error);
    }
  }
  document.getElementById('drill-export-uncovered').addEventListener('click', () => exportCsv(api.uncoveredCsvPath, 'uncovered'));
  document.getElementById('drill-export-hours').addEventListener('click', () => exportCsv(api.hoursCsvPath, 'hours'));

  dialog.querySelector('[data-close]').addEventListener('click', () => dialog.close());
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
  dialog.addEventListener('close', () => {
    current = null;
    clear(panel);
  });
  onLangChange(render);

  /** A visit of the open district turned late (hub event visitLate): its due-today list is read again. */
  function onVisitLate(event) {
    if (current?.districtId === event.districtId) load(current, 'dueToday');
  }

  return { open, onVisitLate };
}
