import { coalesce, h, keyedList, setText } from '../dom.js';
import { formatCoverage, formatNumber, formatPercent, formatTime } from '../format.js';
import { ACTIVITY_ALERT_AT_OR_BELOW, COVERAGE_ALERT_BELOW, coverageOf, healthOf } from '../health.js';
import { onLangChange, t } from '../i18n.js';
import { districtName } from '../labels.js';
import { getState, subscribe } from '../store.js';

const CARD_FIGURES = [
  { field: 'uncoveredNeeds', label: 'district.uncoveredNeeds', format: formatNumber, alert: (value) => value > 0 },
  { field: 'activeVisits', label: 'district.activeVisits', format: formatNumber },
  { field: 'checkInsToday', label: 'district.checkInsToday', title: 'district.checkInsTodayFull', format: formatNumber },
  {
    field: 'activeVolunteerRate',
    label: 'district.activeVolunteerRate',
    title: 'district.activeVolunteerRateFull',
    format: formatPercent,
    alert: (value) => typeof value === 'number' && value <= ACTIVITY_ALERT_AT_OR_BELOW,
  },
];

const KPIS = [
  { field: 'districts', label: 'summary.districts', format: formatNumber },
  { field: 'coverage', label: 'summary.coverage', format: formatCoverage },
  { field: 'uncoveredNeeds', label: 'summary.uncoveredNeeds', format: formatNumber },
  { field: 'openNeeds', label: 'summary.openNeeds', format: formatNumber },
  { field: 'activeVisits', label: 'summary.activeVisits', format: formatNumber },
  { field: 'checkInsToday', label: 'summary.checkInsToday', format: formatNumber },
];

/** Writes a figure, marking it briefly when an update changed a value it already showed. */
function setFigure(element, value, text) {
  const raw = value === undefined || value === null ? '' : String(value);
  const previous = element.dataset.value;
  if (previous !== undefined && previous !== '' && previous !== raw) {
    element.classList.remove('changed');
    void element.offsetWidth; // restart the highlight animation
    element.classList.add('changed');
  }
  element.dataset.value = raw;
  setText(element, text);
}

function totals(districts) {
  const sum = (field) => districts.reduce((total, district) => total + (district[field] ?? 0), 0);
  const openNeeds = sum('openNeeds');
  const uncoveredNeeds = sum('uncoveredNeeds');
  return {
    districts: districts.length,
    openNeeds,
    uncoveredNeeds,
    coverage: coverageOf({ openNeeds, uncoveredNeeds }),
    activeVisits: sum('activeVisits'),
    checkInsToday: sum('checkInsToday'),
  };
}

export function initDistricts({ onOpen }) {
  const grid = document.getElementById('district-grid');
  const empty = document.getElementById('district-empty');
  const kpis = document.getElementById('kpis');
  const lastSync = document.getElementById('last-sync');

  function createKpi(kpi) {
    return h('div.kpi', { 'data-kpi': kpi.field }, h('dt'), h('dd', { 'data-field': kpi.field }));
  }

  function renderKpis() {
    const districts = [...getState().districts.values()];
    // No districts yet means no figures yet, not zeros.
    const values = districts.length ? totals(districts) : {};
    keyedList(kpis, KPIS, (kpi) => kpi.field, createKpi, (element, kpi) => {
      setText(element.querySelector('dt'), t(kpi.label));
      setFigure(element.querySelector('dd'), values[kpi.field], kpi.format(values[kpi.field]));
      if (kpi.field === 'uncoveredNeeds') element.classList.toggle('kpi-alert', (values.uncoveredNeeds ?? 0) > 0);
    });
  }

  function createCard(district) {
    const open = h('button.card-link', { type: 'button', onclick: () => onOpen(district.districtId) });
    return h(
      'li.district-card',
      { 'data-testid': 'district-card', 'data-district-id': district.districtId },
      h('div.card-head', {}, h('h3.card-title', {}, open), h('span.health-badge')),
      h(
        'div.coverage',
        {},
        h('span.coverage-value', { 'data-field': 'coverage' }),
        h('span.coverage-label'),
        h('div.meter', { 'aria-hidden': 'true' }, h('span.meter-fill')),
      ),
      h(
        'dl.figures',
        {},
        CARD_FIGURES.map((figure) => h('div.figure', { 'data-figure': figure.field }, h('dt'), h('dd', { 'data-field': figure.field }))),
      ),
      h(
        'p.card-foot',
        {},
        h('span', { 'data-field': 'households' }),
        h('span', { 'data-field': 'openNeeds' }),
      ),
    );
  }

  function updateCard(card, district) {
    const name = districtName(district.districtId);
    const health = healthOf(district);
    const coverage = coverageOf(district);
    card.dataset.health = health;
    const link = card.querySelector('.card-link');
    setText(link, name);
    link.setAttribute('aria-label', t('district.openDetails', { name }));
    setText(card.querySelector('.health-badge'), t(`district.status.${health}`));
    const coverageLow = (district.uncoveredNeeds ?? 0) > 0 && coverage < COVERAGE_ALERT_BELOW;
    const coverageValue = card.querySelector('[data-field="coverage"]');
    setFigure(coverageValue, coverage, formatCoverage(coverage));
    coverageValue.dataset.alert = String(coverageLow);
    setText(card.querySelector('.coverage-label'), t('district.coverage'));
    const meter = card.querySelector('.meter-fill');
    meter.style.width = `${Math.floor(coverage * 100 + 1e-9)}%`;
    meter.dataset.band = coverageLow ? 'low' : (district.uncoveredNeeds ?? 0) > 0 ? 'some' : 'full';
    for (const figure of CARD_FIGURES) {
      const wrapper = card.querySelector(`[data-figure="${figure.field}"]`);
      const value = district[figure.field];
      const label = wrapper.querySelector('dt');
      setText(label, t(figure.label));
      if (figure.title) label.title = t(figure.title);
      const figureValue = wrapper.querySelector('dd');
      setFigure(figureValue, value, figure.format(value));
      figureValue.dataset.alert = String(Boolean(figure.alert?.(value)));
    }
    const foot = card.querySelector('.card-foot');
    setFigure(foot.querySelector('[data-field="households"]'), district.households, t('district.householdsCount', { count: formatNumber(district.households) }));
    setFigure(foot.querySelector('[data-field="openNeeds"]'), district.openNeeds, t('district.openNeedsCount', { count: formatNumber(district.openNeeds) }));
  }

  function render() {
    const districts = [...getState().districts.values()];
    keyedList(grid, districts, (district) => district.districtId, createCard, updateCard);
    empty.hidden = districts.length > 0 || getState().lastSync === null;
    renderKpis();
  }

  function renderSync() {
    const { lastSync: at } = getState();
    lastSync.textContent = at ? t('app.lastSync', { time: formatTime(at) }) : '';
    empty.hidden = getState().districts.size > 0 || at === null;
  }

  const schedule = coalesce(render);
  subscribe('districts', schedule);
  subscribe('sync', renderSync);
  onLangChange(() => {
    render();
    renderSync();
  });
  render();
}
