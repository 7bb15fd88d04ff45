import { api } from '../api.js';
import { clear, h } from '../dom.js';
import { formatPercent } from '../format.js';
import { isEnglish, onLangChange, t, tValue } from '../i18n.js';
import { districtName, itemName, reasonLabel } from '../labels.js';
import { getState, removeNeed, subscribe } from '../store.js';
import { toast, toastError } from './toast.js';

/**
 * The whole-district plan (服务匹配): the server's min-cost max-flow assignment of the district's uncovered needs,
 * each proposal explained, the needs it leaves out with why, and one button that accepts every proposal shown.
 */
export function initPlan() {
  const dialog = document.getElementById('plan-dialog');
  const select = document.getElementById('plan-district');
  const summary = document.getElementById('plan-summary');
  const body = document.getElementById('plan-body');
  const acceptAll = document.getElementById('plan-accept-all');
  const reload = document.getElementById('plan-reload');

  let current = null; // { districtId, plan, loading, busy, results: Map(needId -> result) }

  function fillDistricts() {
    const chosen = select.value;
    const ids = [...getState().districts.keys()];
    clear(select);
    for (const id of ids) select.append(h('option', { value: id }, districtName(id)));
    if (ids.includes(chosen)) select.value = chosen;
  }

  function factorText(factor) {
    return (isEnglish() ? factor?.en : factor?.zhCn) ?? factor?.zhCn ?? factor?.en ?? '';
  }

  function resultText(result) {
    if (!result) return null;
    if (result.status === 'created') return h('span.plan-result.plan-result-created', { 'data-field': 'result', 'data-status': 'created' }, t('plan.result.created'));
    return h('span.plan-result.plan-result-skipped', { 'data-field': 'result', 'data-status': 'skipped', 'data-reason': result.reason ?? '' }, tValue('plan.skip', result.reason));
  }

  function proposalRow(proposal) {
    const factors = Object.entries(proposal.factors ?? {});
    return h(
      'tr',
      { 'data-testid': 'plan-proposal', 'data-need-id': proposal.needId, 'data-volunteer-id': proposal.volunteerId },
      h('td', { 'data-label': t('plan.col.need') }, h('span.item-name', {}, itemName(proposal)), h('br'), h('code.muted', {}, proposal.householdId)),
      h('td', { 'data-label': t('plan.col.reason') }, h('span.reason', { 'data-reason': proposal.reason }, reasonLabel(proposal.reason))),
      h('td', { 'data-label': t('plan.col.volunteer') }, h('strong', {}, proposal.maskedName || proposal.volunteerId), h('br'), h('code.muted', {}, proposal.volunteerId)),
      h('td', { 'data-label': t('plan.col.score') }, h('strong', { 'data-field': 'score', 'data-value': proposal.score }, formatPercent(proposal.score / 100))),
      h(
        'td.plan-factors',
        { 'data-label': t('plan.col.why') },
        h('details', {}, h('summary', {}, t('plan.showFactors')), h('ul.plan-factor-list', {}, factors.map(([name, factor]) => h('li', { 'data-factor': name }, h('span.factor-name', {}, tValue('factor', name)), ' ', factorText(factor))))),
      ),
      h('td', { 'data-label': t('plan.col.result') }, resultText(current.results.get(proposal.needId))),
    );
  }

  function unassignedItem(need) {
    return h(
      'li',
      { 'data-testid': 'plan-unassigned', 'data-need-id': need.needId, 'data-why': need.why },
      h('span.item-name', {}, itemName(need)),
      ' · ',
      h('code', {}, need.householdId),
      ' · ',
      h('span.muted', {}, tValue('plan.why', need.why)),
    );
  }

  function render() {
    if (!current) return;
    clear(body);
    const { plan } = current;
    const allAnswered = plan?.proposals?.every((p) => current.results.has(p.needId));
    acceptAll.disabled = current.loading || current.busy || !plan?.proposals?.length || allAnswered;
    setAcceptLabel();
    if (current.loading) {
      summary.textContent = t('plan.loading');
      return;
    }
    if (!plan) {
      summary.textContent = '';
      return;
    }
    summary.textContent = t('plan.summary', {
      proposals: plan.proposals.length,
      uncovered: plan.uncoveredNeeds,
      capacity: plan.maxPairingsPerVolunteer,
    });
    summary.dataset.proposals = String(plan.proposals.length);
    if (!plan.proposals.length) {
      body.append(h('p.empty', { 'data-testid': 'plan-empty' }, t('plan.empty')));
    } else {
      body.append(
        h(
          'div.table-wrap',
          {},
          h(
            'table.table.plan-table',
            { 'data-testid': 'plan-table' },
            h('thead', {}, h('tr', {}, ['need', 'reason', 'volunteer', 'score', 'why', 'result'].map((col) => h('th', { scope: 'col' }, t(`plan.col.${col}`))))),
            h('tbody', {}, plan.proposals.map(proposalRow)),
          ),
        ),
      );
    }
    if (plan.unassigned?.length) {
      body.append(h('h3.plan-subtitle', {}, t('plan.unassigned', { count: plan.unassigned.length })), h('ul.plan-unassigned', {}, plan.unassigned.map(unassignedItem)));
    }
    body.append(h('p.muted.small', {}, t('plan.algorithm', { capacity: plan.maxPairingsPerVolunteer })));
  }

  function setAcceptLabel() {
    acceptAll.textContent = current?.busy ? t('plan.accepting') : t('plan.acceptAll', { count: current?.plan?.proposals?.length ?? 0 });
  }

  async function load() {
    const districtId = select.value;
    if (!districtId) return;
    current = { districtId, plan: null, loading: true, busy: false, results: new Map() };
    render();
    const asked = current;
    try {
      const plan = await api.plan(districtId);
      if (current !== asked) return;
      current.plan = plan;
    } catch (error) {
      if (current !== asked) return;
      toastError(error);
    }
    current.loading = false;
    render();
  }

  async function accept() {
    const { plan, districtId } = current ?? {};
    if (!plan?.proposals?.length) return;
    current.busy = true;
    render();
    const asked = current;
    try {
      // Exactly the proposals on screen, even if the district changed since.
      const result = await api.acceptPlan(districtId, { proposals: plan.proposals.map((p) => ({ needId: p.needId, volunteerId: p.volunteerId })) });
      for (const item of result.results ?? []) {
        asked.results.set(item.needId, item);
        if (item.status === 'created') removeNeed(item.needId);
      }
      toast(t('plan.accepted', { created: result.created, skipped: result.skipped }), result.skipped ? 'info' : 'success');
    } catch (error) {
      toastError(error);
    }
    if (current === asked) {
      current.busy = false;
      render();
    }
  }

  async function open(districtId) {
    fillDistricts();
    if (districtId && getState().districts.has(districtId)) select.value = districtId;
    if (!dialog.open) dialog.showModal();
    await load();
  }

  select.addEventListener('change', load);
  reload.addEventListener('click', load);
  acceptAll.addEventListener('click', accept);
  dialog.addEventListener('close', () => {
    current = null;
    clear(body);
  });
  dialog.querySelector('[data-close]').addEventListener('click', () => dialog.close());
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
  subscribe('districts', () => {
    if (dialog.open) fillDistricts();
  });
  onLangChange(() => {
    if (!dialog.open) return;
    fillDistricts();
    render();
  });

  return { open };
}
