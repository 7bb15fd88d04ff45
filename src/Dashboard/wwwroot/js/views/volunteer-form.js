// A volunteer's record: register or edit (skills, weekly free time, willingness, home area), pause or leave with a
// reason, and trainings with their date and expiry.
import { ApiError, workspace } from '../api.js';
import { clear, h } from '../dom.js';
import { clearErrors, field, formError, input, newId, problemErrors, Rules, select, showErrors } from '../forms.js';
import { checkLocation, formValues } from '../form-values.js';
import { formatDateTime, formatHours } from '../format.js';
import { isEnglish, onLangChange, t, tValue } from '../i18n.js';
import { districtName, skillLabel } from '../labels.js';
import { getState } from '../store.js';
import { toast, toastError } from './toast.js';

const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const STATUSES = ['active', 'paused', 'left'];

export function initVolunteerForm() {
  const dialog = h('dialog.dialog.dialog-wide', { 'data-testid': 'volunteer-dialog', 'aria-labelledby': 'volunteer-title' });
  document.body.append(dialog);
  let current = null; // { volunteerId, record, draft }
  let skills = [];
  let categories = [];

  function slotRow(slot, index) {
    return h(
      'div.form-grid.slot-row',
      { 'data-testid': 'volunteer-slot', 'data-index': index },
      field(`availability[${index}].day`, t('volunteerForm.day'), select(DAYS.map((d) => [d, tValue('day', d)]), slot.day ?? 'monday')),
      field(`availability[${index}].start`, t('volunteerForm.start'), input({ type: 'time', value: slot.start ?? '09:00' })),
      field(`availability[${index}].end`, t('volunteerForm.end'), input({ type: 'time', value: slot.end ?? '11:00' })),
      h('button.btn.btn-quiet.btn-small', { type: 'button', onclick: () => editRows((d) => d.availability.splice(index, 1)) }, t('volunteerForm.removeSlot')),
    );
  }

  function read(form) {
    const value = formValues(form);
    const availability = [...form.querySelectorAll('[data-testid="volunteer-slot"]')].map((_, i) => ({
      day: value.text(`availability[${i}].day`),
      start: value.text(`availability[${i}].start`),
      end: value.text(`availability[${i}].end`),
    }));
    return {
      volunteerId: value.text('volunteerId').trim(),
      body: {
        name: value.text('name'),
        phone: value.text('phone'),
        districtId: value.text('districtId'),
        skills: value.checked('skills'),
        availability,
        status: value.text('status'),
        statusReason: value.optional('statusReason'),
        willingness: { categories: value.checked('categories'), maxTravelKm: value.number('willingness.maxTravelKm') },
        home: value.location('home'),
        volunteerNumber: value.optional('volunteerNumber'),
      },
    };
  }

  /** PUT /api/v1/volunteers/{id}'s rules; the page also asks why a volunteer pauses or leaves. */
  function validate({ volunteerId, body }) {
    const rules = new Rules();
    rules.id('volunteerId', volunteerId);
    rules.text('name', body.name, 50);
    rules.phone('phone', body.phone, true);
    body.availability.forEach((slot, i) => rules.slot(`availability[${i}]`, slot));
    if (body.willingness.maxTravelKm !== null) rules.range('willingness.maxTravelKm', body.willingness.maxTravelKm, 0.1, 200);
    checkLocation(rules, 'home', body.home);
    rules.text('volunteerNumber', body.volunteerNumber, 40, false);
    if (body.status !== 'active') rules.text('statusReason', body.statusReason, 200);
    return rules;
  }

  function editRows(change) {
    const form = dialog.querySelector('form[data-testid="volunteer-form"]');
    const { volunteerId, body } = read(form);
    change(body);
    current.draft = { ...body, volunteerId };
    render();
  }

  function checks(group, options, chosen) {
    const set = new Set(chosen ?? []);
    return h(
      'div.checks',
      { role: 'group' },
      options.map(([value, label]) => h('label.check', {}, h('input', { type: 'checkbox', value, checked: set.has(value), 'data-group': group, 'data-testid': `${group}-${value}` }), ' ', label)),
    );
  }

  function renderForm() {
    const draft = current.draft;
    const editing = Boolean(current.record);
    const districts = [...getState().districts.values()].map((d) => [d.districtId, districtName(d.districtId)]);
    const status = select(STATUSES.map((s) => [s, tValue('volunteer.status', s)]), draft.status ?? 'active', { 'data-testid': 'volunteer-status' });
    const reason = field('statusReason', t('volunteerForm.statusReason'), input({ value: draft.statusReason ?? '', 'data-testid': 'volunteer-status-reason' }), { wide: true });
    reason.hidden = status.value === 'active';
    status.addEventListener('change', () => {
      reason.hidden = status.value === 'active';
    });
    return h(
      'form.form',
      { 'data-testid': 'volunteer-form', novalidate: true, onsubmit: save },
      h(
        'div.form-grid',
        {},
        field('volunteerId', t('volunteerForm.id'), input({ value: draft.volunteerId ?? '', readonly: editing, 'data-testid': 'volunteer-id' })),
        field('name', t('volunteerForm.name'), input({ value: draft.name ?? '', 'data-testid': 'volunteer-name' })),
        field('phone', t('volunteerForm.phone'), input({ type: 'tel', value: draft.phone ?? '', 'data-testid': 'volunteer-phone' })),
        field('districtId', t('volunteerForm.district'), select(districts, draft.districtId)),
        field('volunteerNumber', t('volunteerForm.number'), input({ value: draft.volunteerNumber ?? '' })),
        field('status', t('volunteerForm.status'), status),
        reason,
      ),
      h('h3.form-section', {}, t('volunteerForm.skills')),
      checks('skills', skills.map((s) => [s.skillId, (isEnglish() && s.nameEn) || s.name || skillLabel(s.skillId)]), draft.skills),
      h('span.field-error', { 'data-error-for': 'skills', hidden: true }),
      h('h3.form-section', {}, t('volunteerForm.availability')),
      h('span.field-error', { 'data-error-for': 'availability', hidden: true }),
      (draft.availability ?? []).map(slotRow),
      h('button.btn.btn-secondary.btn-small', { type: 'button', 'data-testid': 'volunteer-add-slot', onclick: () => editRows((d) => d.availability.push({})) }, t('volunteerForm.addSlot')),
      h('h3.form-section', {}, t('volunteerForm.willingness')),
      checks('categories', categories.map((c) => [c.category, (isEnglish() && c.nameEn) || c.name]), draft.willingness?.categories),
      h(
        'div.form-grid',
        {},
        field('willingness.maxTravelKm', t('volunteerForm.maxTravelKm'), input({ type: 'number', min: 0, max: 200, step: 'any', value: draft.willingness?.maxTravelKm ?? 5 })),
        field('home.lat', t('volunteerForm.homeLat'), input({ type: 'number', step: 'any', value: draft.home?.lat ?? '' })),
        field('home.lng', t('volunteerForm.homeLng'), input({ type: 'number', step: 'any', value: draft.home?.lng ?? '' })),
      ),
      formError(),
      h('div.form-actions', {}, h('button.btn.btn-primary', { type: 'submit', 'data-testid': 'volunteer-save' }, editing ? t('volunteerForm.saveChanges') : t('volunteerForm.register'))),
    );
  }

  function renderRecord() {
    const record = current.record;
    if (!record) return null;
    const trainingForm = h(
      'form.form.form-inline',
      { 'data-testid': 'training-form', novalidate: true, onsubmit: addTraining },
      field('name', t('training.name'), input({ 'data-testid': 'training-name' })),
      field('completedOn', t('training.completedOn'), input({ type: 'date', 'data-testid': 'training-completed' })),
      field('expiresOn', t('training.expiresOn'), input({ type: 'date', 'data-testid': 'training-expires' })),
      field('certificate', t('training.certificate'), input({})),
      formError(),
      h('div.form-actions', {}, h('button.btn.btn-secondary.btn-small', { type: 'submit', 'data-testid': 'training-add' }, t('training.add'))),
    );
    const today = new Date().toISOString().slice(0, 10);
    return h(
      'div',
      {},
      h(
        'p.muted',
        { 'data-testid': 'volunteer-hours' },
        t('volunteerForm.hours', { certified: formatHours(record.hours?.certifiedHours), pending: formatHours(record.hours?.pendingHours), stars: record.hours?.starLevel ?? 0 }),
        record.lastServedAt ? ` · ${t('volunteerForm.lastServed', { at: formatDateTime(record.lastServedAt) })}` : '',
      ),
      h('h3.form-section', {}, t('training.title')),
      record.trainings?.length
        ? h(
            'ul.plain-list',
            { 'data-testid': 'training-list' },
            record.trainings.map((training) =>
              h(
                'li',
                {},
                h('strong', {}, training.name),
                ' · ',
                t('training.completedAt', { on: training.completedOn }),
                training.expiresOn ? ` · ${t(training.expiresOn < today ? 'training.expired' : 'training.expiresAt', { on: training.expiresOn })}` : '',
                training.certificate ? ` · ${training.certificate}` : '',
              ),
            ),
          )
        : h('p.empty', {}, t('training.none')),
      trainingForm,
    );
  }

  function render() {
    if (!current) return;
    clear(dialog).append(
      h(
        'div.dialog-head',
        {},
        h('div', {}, h('h2', { id: 'volunteer-title' }, current.record ? t('volunteerForm.editTitle', { id: current.volunteerId }) : t('volunteerForm.newTitle'))),
        h('button.btn.btn-icon', { type: 'button', 'aria-label': t('common.close'), onclick: () => dialog.close() }, '×'),
      ),
      h('div.dialog-body', {}, renderForm(), renderRecord()),
    );
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
    try {
      const record = await workspace.putVolunteer(request.volunteerId, request.body);
      toast(t(current.record ? 'volunteerForm.saved' : 'volunteerForm.registered', { id: record.volunteerId }), 'success');
      current = { volunteerId: record.volunteerId, record, draft: fromRecord(record) };
      render();
    } catch (error) {
      showErrors(form, problemErrors(error));
      if (!(error instanceof ApiError && error.status === 400)) toastError(error);
    }
  }

  async function addTraining(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const value = formValues(form);
    const body = { name: value.text('name'), completedOn: value.text('completedOn'), expiresOn: value.optional('expiresOn'), certificate: value.optional('certificate') };
    const rules = new Rules();
    rules.text('name', body.name, 80);
    rules.date('completedOn', body.completedOn, true);
    if (body.expiresOn && body.completedOn && body.expiresOn <= body.completedOn) rules.add('expiresOn', 'training.expiresAfter');
    if (!rules.valid) {
      showErrors(form, rules.errors);
      return;
    }
    try {
      const record = await workspace.addTraining(current.volunteerId, body);
      toast(t('training.added', { name: body.name }), 'success');
      current.record = record;
      render();
    } catch (error) {
      showErrors(form, problemErrors(error));
    }
  }

  function fromRecord(record) {
    return { ...record, status: record.status };
  }

  async function loadLists() {
    if (skills.length && categories.length) return;
    try {
      [skills, categories] = await Promise.all([workspace.skills(), workspace.categories()]);
    } catch (error) {
      toastError(error);
    }
  }

  async function openNew(districtId) {
    await loadLists();
    const district = districtId ?? [...getState().districts.keys()][0];
    current = {
      volunteerId: null,
      record: null,
      draft: { volunteerId: newId('v', district ?? 'x'), districtId: district, status: 'active', availability: [{ day: 'saturday', start: '09:00', end: '12:00' }], willingness: { categories: [], maxTravelKm: 5 } },
    };
    render();
    if (!dialog.open) dialog.showModal();
  }

  async function openRecord(volunteerId) {
    await loadLists();
    try {
      const record = await workspace.volunteer(volunteerId);
      current = { volunteerId, record, draft: fromRecord(record) };
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
  onLangChange(() => {
    if (current && dialog.open) render();
  });
  return { openNew, openRecord };
}
