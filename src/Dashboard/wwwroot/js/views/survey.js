// 入户调查: a household's file created or edited from the survey form (members and their flags, risk level and the
// cadence it implies, contacts), then its needs from the catalogue, a major change, closing a need, and pairing an
// uncovered need from the suggestions.
import { ApiError, workspace } from '../api.js';
import { clear, h } from '../dom.js';
import { field, formError, input, newId, problemErrors, Rules, select, showErrors, clearErrors } from '../forms.js';
import { checkLocation, formValues } from '../form-values.js';
import { formatDateTime as formDate } from '../format.js';
import { isEnglish, onLangChange, t, tValue } from '../i18n.js';
import { districtName, itemName } from '../labels.js';
import { RISK_LEVELS } from '../live-events.js';
import { getState, subscribe } from '../store.js';
import { toast, toastError } from './toast.js';

export const MEMBER_FLAGS = ['livesAlone', 'noFamily', 'disability', 'leftBehindChild', 'vulnerableChild'];
const FREQUENCIES = ['weekly', 'fortnightly', 'monthly', 'quarterly', 'once'];

export function initSurvey({ onSuggest }) {
  const dialog = h('dialog.dialog.dialog-wide', { 'data-testid': 'survey-dialog', 'aria-labelledby': 'survey-title' });
  document.body.append(dialog);
  let current = null; // { householdId, file, created, categories }
  let categories = [];

  function close() {
    dialog.close();
  }

  function header() {
    const title = current.file ? t('survey.editTitle', { id: current.householdId }) : t('survey.newTitle');
    return h(
      'div.dialog-head',
      {},
      h('div', {}, h('h2', { id: 'survey-title' }, title), h('p.muted.small', {}, t('survey.subtitle'))),
      h('button.btn.btn-icon', { type: 'button', 'aria-label': t('common.close'), onclick: close }, '×'),
    );
  }

  function memberRow(member, index) {
    const flags = new Set(member.flags ?? []);
    return h(
      'fieldset.form-group',
      { 'data-testid': 'survey-member', 'data-index': index },
      h('legend', {}, t('survey.member', { n: index + 1 })),
      h(
        'div.form-grid',
        {},
        field(`members[${index}].name`, t('survey.memberName'), input({ value: member.name ?? '', 'data-testid': 'member-name' })),
        field(`members[${index}].age`, t('survey.memberAge'), input({ type: 'number', min: 0, max: 130, value: member.age ?? '', 'data-testid': 'member-age' })),
        field(`members[${index}].phone`, t('survey.memberPhone'), input({ type: 'tel', value: member.phone ?? '' })),
        field(`members[${index}].healthNotes`, t('survey.memberHealth'), input({ value: member.healthNotes ?? '' })),
      ),
      h(
        'div.checks',
        { role: 'group', 'aria-label': t('survey.memberFlags'), 'data-error-for-group': `members[${index}].flags` },
        MEMBER_FLAGS.map((flag) =>
          h('label.check', {}, h('input', { type: 'checkbox', value: flag, checked: flags.has(flag), 'data-flag': flag, 'data-testid': `member-flag-${flag}` }), ' ', tValue('memberFlag', flag)),
        ),
        h('span.field-error', { 'data-error-for': `members[${index}].flags`, hidden: true }),
      ),
      h('span.field-error', { 'data-error-for': `members[${index}]`, hidden: true }),
      h('button.btn.btn-quiet.btn-small', { type: 'button', onclick: () => removeRow('members', index) }, t('survey.removeMember')),
    );
  }

  function contactRow(contact, index) {
    return h(
      'fieldset.form-group',
      { 'data-testid': 'survey-contact', 'data-index': index },
      h('legend', {}, t('survey.contact', { n: index + 1 })),
      h(
        'div.form-grid',
        {},
        field(`contacts[${index}].name`, t('survey.contactName'), input({ value: contact.name ?? '' })),
        field(`contacts[${index}].relation`, t('survey.contactRelation'), input({ value: contact.relation ?? '' })),
        field(`contacts[${index}].phone`, t('survey.contactPhone'), input({ type: 'tel', value: contact.phone ?? '' })),
      ),
      h('button.btn.btn-quiet.btn-small', { type: 'button', onclick: () => removeRow('contacts', index) }, t('survey.removeContact')),
    );
  }

  /** What the form holds now, in the API's shape. */
  function read(form) {
    const value = formValues(form);
    const members = [...form.querySelectorAll('[data-testid="survey-member"]')].map((row, i) => ({
      name: value.text(`members[${i}].name`),
      age: value.number(`members[${i}].age`),
      phone: value.optional(`members[${i}].phone`),
      healthNotes: value.optional(`members[${i}].healthNotes`),
      flags: [...row.querySelectorAll('[data-flag]:checked')].map((box) => box.value),
    }));
    const contacts = [...form.querySelectorAll('[data-testid="survey-contact"]')].map((row, i) => ({
      name: value.text(`contacts[${i}].name`),
      relation: value.text(`contacts[${i}].relation`),
      phone: value.text(`contacts[${i}].phone`),
    }));
    return {
      householdId: value.text('householdId').trim(),
      body: {
        districtId: value.text('districtId'),
        community: value.text('community'),
        address: value.text('address'),
        location: value.location('location'),
        category: value.text('category'),
        riskLevel: value.text('riskLevel'),
        members,
        contacts,
      },
    };
  }

  /** The same rules as PUT /api/v1/households/{id}. */
  function validate({ householdId, body }) {
    const rules = new Rules();
    rules.id('householdId', householdId);
    rules.text('community', body.community, 50);
    rules.text('address', body.address, 200);
    rules.text('category', body.category, 40);
    checkLocation(rules, 'location', body.location);
    if (body.members.length === 0) rules.add('members', 'survey.atLeastOneMember');
    body.members.forEach((member, i) => {
      rules.text(`members[${i}].name`, member.name, 50);
      rules.range(`members[${i}].age`, member.age, 0, 130);
      rules.phone(`members[${i}].phone`, member.phone, false);
      rules.text(`members[${i}].healthNotes`, member.healthNotes, 1000, false);
    });
    body.contacts.forEach((contact, i) => {
      rules.text(`contacts[${i}].name`, contact.name, 50);
      rules.text(`contacts[${i}].relation`, contact.relation, 30);
      rules.phone(`contacts[${i}].phone`, contact.phone, true);
    });
    return rules;
  }

  function removeRow(kind, index) {
    const form = dialog.querySelector('form[data-testid="survey-form"]');
    const draft = read(form).body;
    draft[kind].splice(index, 1);
    renderForm({ ...current.draft, ...draft, householdId: read(form).householdId });
  }

  function addRow(kind) {
    const form = dialog.querySelector('form[data-testid="survey-form"]');
    const { householdId, body } = read(form);
    body[kind].push({});
    renderForm({ ...body, householdId });
  }

  function riskHint(level) {
    return t(`survey.cadence.${level}`);
  }

  function renderForm(draft) {
    current.draft = draft;
    const districts = [...getState().districts.values()].map((d) => [d.districtId, districtName(d.districtId)]);
    const editing = Boolean(current.file);
    const risk = select(RISK_LEVELS.map((level) => [level, tValue('risk', level)]), draft.riskLevel ?? 'general', { 'data-testid': 'survey-risk' });
    const hint = h('p.muted.small', { 'data-testid': 'survey-cadence' }, riskHint(risk.value));
    risk.addEventListener('change', () => {
      hint.textContent = riskHint(risk.value);
    });
    const form = h(
      'form.form',
      { 'data-testid': 'survey-form', novalidate: true, onsubmit: (event) => save(event) },
      h(
        'div.form-grid',
        {},
        field('householdId', t('survey.householdId'), input({ value: draft.householdId ?? '', readonly: editing, 'data-testid': 'survey-id' })),
        field('districtId', t('survey.district'), select(districts, draft.districtId, { 'data-testid': 'survey-district' })),
        field('community', t('survey.community'), input({ value: draft.community ?? '', 'data-testid': 'survey-community' })),
        field('address', t('survey.address'), input({ value: draft.address ?? '', 'data-testid': 'survey-address' }), { wide: true }),
        field('location.lat', t('survey.lat'), input({ type: 'number', step: 'any', value: draft.location?.lat ?? '' })),
        field('location.lng', t('survey.lng'), input({ type: 'number', step: 'any', value: draft.location?.lng ?? '' })),
        field(
          'category',
          t('survey.category'),
          select([['', t('survey.choose')], ...categories.map((c) => [c.category, (isEnglish() && c.nameEn) || c.name])], draft.category ?? '', { 'data-testid': 'survey-category' }),
        ),
        h('div', {}, field('riskLevel', t('survey.risk'), risk), hint),
      ),
      h('h3.form-section', {}, t('survey.members')),
      h('span.field-error', { 'data-error-for': 'members', hidden: true }),
      (draft.members?.length ? draft.members : [{}]).map(memberRow),
      h('button.btn.btn-secondary.btn-small', { type: 'button', 'data-testid': 'survey-add-member', onclick: () => addRow('members') }, t('survey.addMember')),
      h('h3.form-section', {}, t('survey.contacts')),
      h('span.field-error', { 'data-error-for': 'contacts', hidden: true }),
      (draft.contacts ?? []).map(contactRow),
      h('button.btn.btn-secondary.btn-small', { type: 'button', 'data-testid': 'survey-add-contact', onclick: () => addRow('contacts') }, t('survey.addContact')),
      formError(),
      h('div.form-actions', {}, h('button.btn.btn-primary', { type: 'submit', 'data-testid': 'survey-save' }, editing ? t('survey.saveChanges') : t('survey.create'))),
    );
    const body = dialog.querySelector('[data-part="form"]');
    clear(body).append(form);
  }

  async function save(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const request = read(form);
    const rules = validate(request);
    if (!rules.valid) {
      showErrors(form, rules.errors);
      return;
    }
    clearErrors(form);
    const button = form.querySelector('[data-testid="survey-save"]');
    button.disabled = true;
    try {
      const file = await workspace.putHousehold(request.householdId, request.body);
      toast(t(current.file ? 'survey.saved' : 'survey.created', { id: file.householdId }), 'success');
      current.householdId = file.householdId;
      current.file = file;
      render();
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) showErrors(form, problemErrors(error));
      else {
        showErrors(form, problemErrors(error));
        toastError(error);
      }
    } finally {
      button.disabled = false;
    }
  }

  function needRow(need) {
    const uncovered = need.open && !need.coverage?.covered;
    return h(
      'tr',
      { 'data-testid': 'survey-need', 'data-need-id': need.needId, 'data-covered': String(Boolean(need.coverage?.covered)) },
      h('td', {}, itemName(need)),
      h('td', {}, tValue('frequency', need.frequency)),
      h('td.num', {}, String(need.priority)),
      h('td', {}, need.open ? (need.coverage?.covered ? h('span.status.status-active', {}, t('survey.covered')) : h('span.text-alert', {}, tValue('reason', need.coverage?.reason))) : t('survey.closed')),
      h('td', {}, need.lastVisitAt ? formDate(need.lastVisitAt) : t('common.none')),
      h(
        'td.cell-actions',
        {},
        uncovered
          ? h('button.btn.btn-primary.btn-small', { type: 'button', 'data-testid': 'survey-pair', onclick: () => pair(need) }, t('survey.pair'))
          : null,
        need.open ? h('button.btn.btn-quiet.btn-small', { type: 'button', 'data-testid': 'survey-close-need', onclick: () => closeNeed(need) }, t('survey.closeNeed')) : null,
      ),
    );
  }

  function renderNeeds() {
    const part = dialog.querySelector('[data-part="needs"]');
    clear(part);
    if (!current.file) return;
    const needs = current.file.needs ?? [];
    const items = [...getState().catalogue.values()];
    const category = current.file.category;
    const sorted = [...items.filter((i) => i.category === category), ...items.filter((i) => i.category !== category)];
    const item = select(sorted.map((i) => [i.itemId, `${(isEnglish() && i.nameEn) || i.name} · ${tValue('category', i.category)}`]), sorted[0]?.itemId, { 'data-testid': 'need-item' });
    const frequency = select([['', t('survey.defaultFrequency')], ...FREQUENCIES.map((f) => [f, tValue('frequency', f)])], '', { 'data-testid': 'need-frequency' });
    const priority = input({ type: 'number', min: 1, max: 5, value: 3, 'data-testid': 'need-priority' });
    const needForm = h(
      'form.form.form-inline',
      { 'data-testid': 'need-form', novalidate: true, onsubmit: (event) => addNeed(event) },
      field('itemId', t('survey.needItem'), item),
      field('frequency', t('survey.needFrequency'), frequency),
      field('priority', t('survey.needPriority'), priority),
      formError(),
      h('div.form-actions', {}, h('button.btn.btn-primary.btn-small', { type: 'submit', 'data-testid': 'need-add' }, t('survey.addNeed'))),
    );
    const majorNote = input({ 'data-testid': 'major-change-note' });
    const majorForm = h(
      'form.form.form-inline',
      { 'data-testid': 'major-change-form', novalidate: true, onsubmit: (event) => majorChange(event) },
      field('note', t('survey.majorChangeNote'), majorNote, { wide: true }),
      formError(),
      h('div.form-actions', {}, h('button.btn.btn-secondary.btn-small', { type: 'submit' }, t('survey.majorChange'))),
    );
    part.append(
      ...[
      h('h3.form-section', {}, t('survey.needs')),
      needs.length
        ? h(
            'div.table-wrap',
            {},
            h(
              'table.table',
              { 'data-testid': 'survey-needs' },
              h('thead', {}, h('tr', {}, ['survey.needItem', 'survey.needFrequency', 'survey.needPriority', 'survey.needState', 'survey.lastVisit', 'uncovered.col.actions'].map((key) => h('th', { scope: 'col' }, t(key))))),
              h('tbody', {}, needs.map(needRow)),
            ),
          )
        : h('p.empty', {}, t('survey.noNeeds')),
      needForm,
      h('h3.form-section', {}, t('survey.majorChangeTitle')),
      current.file.majorChangeAt ? h('p.muted.small', {}, t('survey.majorChangeAt', { at: formDate(current.file.majorChangeAt), note: current.file.majorChangeNote ?? '' })) : null,
      majorForm,
      ].filter(Boolean),
    );
  }

  async function reload() {
    try {
      current.file = await workspace.household(current.householdId);
    } catch (error) {
      toastError(error);
    }
    render();
  }

  async function addNeed(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const value = formValues(form);
    const body = { itemId: value.text('itemId'), frequency: value.optional('frequency'), priority: value.number('priority') };
    const rules = new Rules();
    rules.text('itemId', body.itemId, 100);
    rules.range('priority', body.priority, 1, 5);
    if (!rules.valid) {
      showErrors(form, rules.errors);
      return;
    }
    try {
      const need = await workspace.addNeed(current.householdId, body);
      toast(t('survey.needAdded', { item: itemName(need) }), 'success');
      await reload();
    } catch (error) {
      showErrors(form, problemErrors(error));
    }
  }

  async function closeNeed(need) {
    try {
      await workspace.closeNeed(current.householdId, need.needId);
      toast(t('survey.needClosed', { item: itemName(need) }), 'success');
      await reload();
    } catch (error) {
      toastError(error);
    }
  }

  async function majorChange(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const note = formValues(form).text('note');
    const rules = new Rules();
    rules.text('note', note, 1000);
    if (!rules.valid) {
      showErrors(form, rules.errors);
      return;
    }
    try {
      await workspace.majorChange(current.householdId, note);
      toast(t('survey.majorChangeDone'), 'success');
      await reload();
    } catch (error) {
      showErrors(form, problemErrors(error));
    }
  }

  function pair(need) {
    onSuggest(need.needId, { ...need, districtId: current.file.districtId, since: need.coverage?.since, reason: need.coverage?.reason });
  }

  function render() {
    if (!current) return;
    // A live update re-renders the file: the reader keeps their place in it.
    const scrolled = dialog.querySelector('.dialog-body')?.scrollTop ?? 0;
    clear(dialog).append(header(), h('div.dialog-body', {}, h('div', { 'data-part': 'form' }), h('div', { 'data-part': 'needs' })));
    renderForm(current.file ? fromFile(current.file) : current.draft);
    renderNeeds();
    dialog.querySelector('.dialog-body').scrollTop = scrolled;
  }

  function fromFile(file) {
    return { ...file, householdId: file.householdId };
  }

  async function loadCategories() {
    if (categories.length) return;
    try {
      categories = (await workspace.categories()) ?? [];
    } catch (error) {
      toastError(error);
    }
  }

  /** A new survey: in the first of the caller's districts (or the one given). */
  async function openNew(districtId) {
    await loadCategories();
    const district = districtId ?? [...getState().districts.keys()][0];
    current = { householdId: null, file: null, draft: { householdId: newId('h', district ?? 'x'), districtId: district, riskLevel: 'general', members: [{}], contacts: [] } };
    render();
    if (!dialog.open) dialog.showModal();
  }

  /** A household's file (an audited read). */
  async function openFile(householdId) {
    await loadCategories();
    current = { householdId, file: null, draft: {} };
    try {
      current.file = await workspace.household(householdId);
    } catch (error) {
      toastError(error);
      return;
    }
    render();
    if (!dialog.open) dialog.showModal();
  }

  dialog.addEventListener('close', () => {
    current = null;
    clear(dialog);
  });
  // A need of the open file covered or uncovered live: read the file again.
  subscribe('uncovered', () => {
    if (!current?.file || !dialog.open) return;
    const open = (current.file.needs ?? []).filter((n) => n.open);
    const stale = open.some((n) => Boolean(n.coverage?.covered) === getState().uncovered.has(n.needId));
    if (stale) reload();
  });
  onLangChange(() => {
    if (current && dialog.open) render();
  });

  return { openNew, openFile };
}
