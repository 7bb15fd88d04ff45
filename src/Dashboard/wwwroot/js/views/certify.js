// 待认证: a district's finished visits waiting for a coordinator, oldest first, certified or rejected one by one or
// many at once, each visit's service record one click away. The count follows the hub's pendingChanged events.
import { workspace } from '../api.js';
import { clear, coalesce, h } from '../dom.js';
import { formatDateTime, formatHours, formatNumber } from '../format.js';
import { field, formError, input, problemErrors, Rules, select, showErrors } from '../forms.js';
import { formValues } from '../form-values.js';
import { onLangChange, t, tValue } from '../i18n.js';
import { districtName, itemName } from '../labels.js';
import { getState, subscribe } from '../store.js';
import { toast, toastError } from './toast.js';

const PAGE = 50;

export function initCertify() {
  const panel = h('section.panel', { 'aria-labelledby': 'certify-title', 'data-testid': 'certify-panel' });
  const anchor = document.querySelector('.layout-main section[aria-labelledby="uncovered-title"]');
  anchor.after(panel);
  // The queue is built again on every change; the back-fill form has a place of its own that a change of the queue
  // leaves alone, so a click on it is never lost to a live reload (a button removed between press and release, even
  // when put back, takes no click) and what is typed stays.
  const queue = h('div');
  const backfillHost = h('div');
  panel.append(queue, backfillHost);
  const recordDialog = h('dialog.dialog', { 'data-testid': 'visit-record-dialog', 'aria-labelledby': 'visit-record-title' });
  document.body.append(recordDialog);

  let districtId = null;
  let data = null; // { total, items }
  const selected = new Set();
  let busy = false;

  function render() {
    const districts = [...getState().districts.keys()];
    if (!districtId || !districts.includes(districtId)) districtId = districts[0] ?? null;
    const pick = h(
      'select',
      { 'data-testid': 'certify-district', onchange: (event) => choose(event.target.value) },
      districts.map((id) => h('option', { value: id, selected: id === districtId }, districtName(id))),
    );
    const items = data?.items ?? [];
    const allChecked = items.length > 0 && items.every((v) => selected.has(v.visitId));
    const reason = input({ 'data-testid': 'certify-reason', placeholder: t('certify.reasonPlaceholder'), value: reasonText });
    reason.addEventListener('input', () => {
      reasonText = reason.value;
    });
    const decisionForm = h(
      'form.filters',
      { 'data-testid': 'certify-actions', novalidate: true, onsubmit: (event) => event.preventDefault() },
      h('label.filter', {}, h('span', {}, t('certify.district')), pick),
      h('button.btn.btn-primary.btn-small', { type: 'button', 'data-testid': 'certify-selected', disabled: busy || selected.size === 0, onclick: () => decide('certify') }, t('certify.certifySelected', { count: selected.size })),
      field('reason', t('certify.reason'), reason),
      h('button.btn.btn-secondary.btn-small', { type: 'button', 'data-testid': 'reject-selected', disabled: busy || selected.size === 0, onclick: (event) => decide('reject', event.currentTarget.form) }, t('certify.rejectSelected', { count: selected.size })),
      formError(),
    );
    // Through h(), which skips absent parts (a plain append would write "null").
    clear(queue).append(
      ...[
      h('div.section-head', {}, h('h2', { id: 'certify-title' }, h('span', {}, t('certify.title')), ' ', h('span.count-badge', { 'data-testid': 'certify-count' }, data ? formatNumber(data.total) : ''))),
      h('p.muted.small', {}, t('certify.hint')),
      decisionForm,
      items.length === 0
        ? h('p.empty', {}, data ? t('certify.empty') : t('app.loading'))
        : h(
            'div.table-wrap',
            {},
            h(
              'table.table',
              { 'data-testid': 'certify-table' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  h('th', { scope: 'col' }, h('input', { type: 'checkbox', checked: allChecked, 'aria-label': t('certify.selectAll'), 'data-testid': 'certify-select-all', onchange: (event) => selectAll(event.target.checked) })),
                  ['certify.col.when', 'certify.col.volunteer', 'certify.col.household', 'certify.col.hours', 'certify.col.flags', 'uncovered.col.actions'].map((key) => h('th', { scope: 'col' }, t(key))),
                ),
              ),
              h('tbody', {}, items.map(row)),
            ),
          ),
      data && data.total > items.length
        ? h('button.btn.btn-quiet.btn-small', { type: 'button', 'data-testid': 'certify-more', onclick: more }, t('certify.more', { shown: items.length, total: data.total }))
        : null,
      ].filter(Boolean),
    );
    const backfill = backfillForm();
    if (backfillHost.firstChild !== backfill) backfillHost.replaceChildren(backfill);
  }

  function row(visit) {
    return h(
      'tr',
      { 'data-testid': 'pending-visit', 'data-visit-id': visit.visitId, 'data-volunteer-id': visit.volunteerId },
      h('td', {}, h('input', { type: 'checkbox', checked: selected.has(visit.visitId), 'aria-label': t('certify.select', { id: visit.visitId }), 'data-testid': 'pending-select', onchange: (event) => toggle(visit.visitId, event.target.checked) })),
      h('td', { 'data-label': t('certify.col.when') }, formatDateTime(visit.checkedInAt)),
      h('td', { 'data-label': t('certify.col.volunteer') }, visit.volunteerName || visit.volunteerId),
      h('td', { 'data-label': t('certify.col.household') }, h('code', {}, visit.householdId), visit.community ? ` · ${visit.community}` : ''),
      h('td.num', { 'data-label': t('certify.col.hours') }, formatHours(visit.hours)),
      h(
        'td',
        { 'data-label': t('certify.col.flags') },
        h('span.chips', {}, visit.flags.map((flag) => h('span.chip.chip-alert', { 'data-flag': flag }, tValue('flag', flag))), visit.backfilled ? h('span.chip', {}, t('certify.backfilled')) : null,
          visit.needsSecondApproval
            ? h('span.chip.chip-sentence', { 'data-testid': 'second-approval' }, visit.firstApprovedBy ? t('certify.awaitingSecond', { by: visit.firstApprovedBy }) : t('certify.needsTwo'))
            : null),
      ),
      h(
        'td.cell-actions',
        {},
        visit.photos > 0
          ? h('button.btn.btn-quiet.btn-small', { type: 'button', 'data-testid': 'open-photos', 'data-photos': visit.photos, onclick: () => openRecord(visit) }, t('certify.photoCount', { count: visit.photos }))
          : null,
        h('button.btn.btn-quiet.btn-small', { type: 'button', 'data-testid': 'open-record', onclick: () => openRecord(visit) }, t('certify.openRecord')),
      ),
    );
  }

  let pairings = null; // the shown district's pairings, for the back-fill form
  let backfillOpen = false;
  let backfillNode = null; // kept across renders, so a live update never wipes what is being typed
  let reasonText = '';

  function backfillForm() {
    backfillNode ??= buildBackfill();
    return backfillNode;
  }

  /** 补录: a visit a coordinator records after the fact for one of the district's pairings, with the reason. */
  function buildBackfill() {
    const details = h('details.backfill', { open: backfillOpen, 'data-testid': 'backfill' }, h('summary', {}, t('backfill.title')));
    details.addEventListener('toggle', () => {
      backfillOpen = details.open;
      if (details.open && pairings === null) loadPairings();
      else if (details.open && !details.querySelector('form')) {
        backfillNode = null;
        render();
      }
    });
    if (!backfillOpen) return details;
    if (pairings === null) {
      details.append(h('p.muted', {}, t('app.loading')));
      return details;
    }
    const items = [...getState().catalogue.values()];
    const form = h(
      'form.form.form-inline',
      { 'data-testid': 'backfill-form', novalidate: true, onsubmit: submitBackfill },
      field('pairing', t('backfill.pairing'), select(pairings.map((p) => [p.pairingId, `${p.householdId} · ${p.community} · ${itemName(p)} · ${p.volunteerName}`]), pairings[0]?.pairingId, { 'data-testid': 'backfill-pairing' }), { wide: true }),
      field('checkedInAt', t('backfill.checkedInAt'), input({ type: 'datetime-local', 'data-testid': 'backfill-in' })),
      field('checkedOutAt', t('backfill.checkedOutAt'), input({ type: 'datetime-local', 'data-testid': 'backfill-out' })),
      field('services[0]', t('backfill.service'), select(items.map((i) => [i.itemId, itemName(i)]), pairings[0]?.itemId)),
      field('notes', t('backfill.notes'), input({})),
      field('reason', t('backfill.reason'), input({ 'data-testid': 'backfill-reason' }), { wide: true }),
      formError(),
      h('div.form-actions', {}, h('button.btn.btn-primary.btn-small', { type: 'submit', 'data-testid': 'backfill-submit' }, t('backfill.submit'))),
    );
    details.append(pairings.length ? form : h('p.empty', {}, t('backfill.noPairings')));
    return details;
  }

  async function loadPairings() {
    const asked = districtId;
    try {
      const list = await workspace.pairings(asked);
      if (asked === districtId) pairings = list ?? [];
    } catch (error) {
      toastError(error);
      pairings = [];
    }
    backfillNode = null;
    render();
  }

  async function submitBackfill(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const value = formValues(form).text;
    const pairing = pairings.find((p) => p.pairingId === value('pairing'));
    const local = (text) => (text ? new Date(text).toISOString() : null);
    const body = {
      volunteerId: pairing?.volunteerId,
      householdId: pairing?.householdId,
      needId: pairing?.needId,
      checkedInAt: local(value('checkedInAt')),
      checkedOutAt: local(value('checkedOutAt')),
      services: [value('services[0]')],
      notes: value('notes') || null,
      reason: value('reason'),
    };
    // POST /visits/{id}/backfill's rules.
    const rules = new Rules();
    if (!body.checkedInAt) rules.add('checkedInAt', 'form.required');
    if (!body.checkedOutAt) rules.add('checkedOutAt', 'form.required');
    if (body.checkedInAt && body.checkedOutAt && body.checkedOutAt <= body.checkedInAt) rules.add('checkedOutAt', 'form.endAfterStart');
    rules.text('notes', body.notes, 2000, false);
    rules.text('reason', body.reason, 500);
    if (!rules.valid) {
      showErrors(form, rules.errors);
      return;
    }
    try {
      const visit = await workspace.backfill(`bf-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`, body);
      // Over the limits (flags overCap / late) a back-fill waits for a second coordinator or an operator.
      toast(t(visit.status === 'certified' ? 'backfill.done' : 'backfill.pending', { hours: formatHours(visit.hours) }), 'success');
      backfillOpen = false;
      backfillNode = null;
      render();
    } catch (error) {
      showErrors(form, problemErrors(error));
      return;
    }
    // A back-fill that waits for a second person joins the queue.
    await load();
  }

  function toggle(visitId, on) {
    if (on) selected.add(visitId);
    else selected.delete(visitId);
    render();
  }

  function selectAll(on) {
    for (const visit of data?.items ?? []) {
      if (on) selected.add(visit.visitId);
      else selected.delete(visit.visitId);
    }
    render();
  }

  async function load() {
    if (!districtId) {
      render();
      return;
    }
    const asked = districtId;
    try {
      const page = await workspace.pendingVisits(asked, 0, Math.max(PAGE, data?.items?.length ?? 0));
      if (asked !== districtId) return;
      data = page;
      const present = new Set(page.items.map((v) => v.visitId));
      for (const id of [...selected]) if (!present.has(id)) selected.delete(id);
    } catch (error) {
      toastError(error);
    }
    render();
  }

  async function more() {
    try {
      const page = await workspace.pendingVisits(districtId, data.items.length, PAGE);
      data = { ...page, items: [...data.items, ...page.items] };
    } catch (error) {
      toastError(error);
    }
    render();
  }

  function choose(next) {
    districtId = next;
    pairings = null;
    backfillNode = null;
    data = null;
    selected.clear();
    render();
    load();
  }

  async function decide(decision, form) {
    const root = panel.querySelector('[data-testid="certify-actions"]');
    const reason = formValues(root).text('reason');
    if (decision === 'reject') {
      const rules = new Rules();
      rules.text('reason', reason, 500);
      if (!rules.valid) {
        showErrors(root, rules.errors);
        return;
      }
    }
    busy = true;
    render();
    try {
      // Visit ids are the phones' and unique per volunteer: each goes with its volunteer.
      const chosen = (data?.items ?? []).filter((v) => selected.has(v.visitId));
      const answer = await workspace.decide(districtId, {
        visitIds: chosen.map((v) => v.visitId),
        volunteerIds: chosen.map((v) => v.volunteerId),
        decision,
        reason: reason || null,
      });
      const refused = answer.results.filter((r) => r.status !== 200 && r.status !== 202);
      const held = answer.results.filter((r) => r.status === 202).length;
      toast(t(decision === 'certify' ? 'certify.certified' : 'certify.rejected', { count: answer.decided - held }), answer.refused ? 'error' : 'success');
      if (held) toast(t('certify.held', { count: held }), 'success');
      for (const r of refused) toast(`${r.visitId}: ${r.title}`, 'error');
      selected.clear();
      reasonText = '';
    } catch (error) {
      busy = false;
      render();
      showErrors(panel.querySelector('[data-testid="certify-actions"]'), problemErrors(error));
      return;
    }
    busy = false;
    await load();
  }

  async function openRecord(pending) {
    let visit = null;
    try {
      visit = await workspace.visit(pending.visitId, pending.volunteerId);
    } catch (error) {
      toastError(error);
    }
    const shown = visit ?? pending;
    const services = (shown.services ?? []).map((itemId) => itemName({ itemId }));
    const rows = [
      ['certify.record.volunteer', pending.volunteerName || pending.volunteerId],
      ['certify.record.household', `${pending.householdId}${pending.community ? ` · ${pending.community}` : ''}`],
      ['certify.record.checkedIn', formatDateTime(shown.checkedInAt)],
      ['certify.record.checkedOut', formatDateTime(shown.checkedOutAt)],
      ['certify.record.duration', t('certify.minutes', { minutes: shown.durationMinutes ?? 0, hours: formatHours(shown.hours) })],
      ['certify.record.flags', (shown.flags ?? []).map((f) => tValue('flag', f)).join('、') || t('common.none')],
      ['certify.record.services', services.join('、') || t('common.none')],
      ['certify.record.notes', shown.notes || t('common.none')],
      ['certify.record.photos', formatNumber(pending.photos ?? 0)],
      ['certify.record.backfill', pending.backfilled ? pending.backfillReason ?? '' : t('common.none')],
    ];
    clear(recordDialog).append(
      h(
        'div.dialog-head',
        {},
        h('div', {}, h('h2', { id: 'visit-record-title' }, t('certify.record.title')), h('p.muted.small', {}, h('code', {}, pending.visitId))),
        h('button.btn.btn-icon', { type: 'button', 'aria-label': t('common.close'), onclick: () => recordDialog.close() }, '×'),
      ),
      h(
        'div.dialog-body',
        {},
        h('dl.record', { 'data-testid': 'visit-record' }, rows.map(([key, value]) => h('div', {}, h('dt', {}, t(key)), h('dd', {}, value)))),
        photoStrip(pending),
      ),
    );
    if (!recordDialog.open) recordDialog.showModal();
  }

  let photoUrls = [];
  recordDialog.addEventListener('close', () => {
    for (const url of photoUrls) URL.revokeObjectURL(url);
    photoUrls = [];
  });

  /** The visit's photos from the phone app, each read with the bearer header; a photo that fails says so in its place. */
  function photoStrip(pending) {
    const ids = pending.photoIds ?? [];
    if (ids.length === 0) return null;
    const strip = h('div.photo-strip', { 'data-testid': 'visit-photos' });
    for (const photoId of ids) {
      const frame = h('a.photo', { 'data-photo-id': photoId, target: '_blank', rel: 'noopener' }, h('span.muted.small', {}, t('app.loading')));
      strip.append(frame);
      workspace.photoUrl(pending.visitId, photoId, pending.volunteerId).then(
        (url) => {
          photoUrls.push(url);
          frame.href = url;
          clear(frame).append(h('img', { src: url, alt: t('certify.photoAlt', { id: photoId }), 'data-testid': 'visit-photo' }));
        },
        (error) => clear(frame).append(h('span.muted.small', {}, error?.status === 403 ? t('certify.photoForbidden') : t('certify.photoFailed'))),
      );
    }
    return strip;
  }

  const reloadSoon = coalesce(load, 800);
  subscribe('districts', () => {
    if (!districtId && getState().districts.size) {
      render();
      load();
    }
  });
  subscribe('user', () => {
    districtId = null;
    pairings = null;
    backfillNode = null;
    reasonText = '';
    data = null;
    selected.clear();
    render();
  });
  onLangChange(() => {
    backfillNode = null;
    render();
  });
  render();

  return {
    /**
     * The shown district's queue changed (a check-out landed pending, another coordinator decided, a back-fill, the
     * window moved): the count follows at once, and the list is read again.
     */
    onPendingChanged(event) {
      if (event.districtId !== districtId || !data) return;
      if (data.total !== event.pending) {
        data = { ...data, total: event.pending };
        render();
      }
      reloadSoon();
    },
    refresh: load,
  };
}
