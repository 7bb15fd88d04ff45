// Forms of the coordinator's workspace: fields with an error slot named by the API's field path (members[0].name),
// the API's own validation rules checked before sending, and its problem+json errors shown beside each field.
import { h } from './dom.js';
import { t } from './i18n.js';

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
const TIME_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;

/** A labelled control with its error slot; `name` is the API's field path. */
export function field(name, label, control, { wide = false } = {}) {
  control.name = control.name || name;
  control.dataset.path = name;
  const id = `f-${Math.random().toString(36).slice(2, 10)}`;
  control.id = id;
  const error = h('span.field-error', { 'data-error-for': name, id: `${id}-error`, role: 'alert', hidden: true });
  control.setAttribute('aria-describedby', error.id);
  return h(`div.form-field${wide ? '.form-field-wide' : ''}`, { 'data-field': name }, h('label', { for: id }, label), control, error);
}

export function input(attributes = {}) {
  return h('input', { autocomplete: 'off', ...attributes });
}

export function select(options, value, attributes = {}) {
  const element = h('select', attributes, options.map(([optionValue, label]) => h('option', { value: optionValue }, label)));
  if (value !== undefined && value !== null) element.value = value;
  return element;
}

/** members[0].name → members[0] → members → null. */
function parentPath(path) {
  const match = /^(.+)(\.[^.[\]]+|\[\d+\])$/.exec(path);
  return match ? match[1] : null;
}

/** Clears every error under root. */
export function clearErrors(root) {
  for (const slot of root.querySelectorAll('[data-error-for]')) {
    slot.hidden = true;
    slot.textContent = '';
  }
  for (const control of root.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
  const general = root.querySelector('[data-form-error]');
  if (general) general.hidden = true;
}

/**
 * Shows errors ({path: [messages]}) beside their fields. A path without a field of its own (members[0] when the
 * member is missing) goes to the nearest enclosing one, and failing that to the form's general error line.
 */
export function showErrors(root, errors) {
  clearErrors(root);
  let first = null;
  for (const [path, messages] of Object.entries(errors ?? {})) {
    const text = [].concat(messages).join(' ');
    let slot = null;
    for (let p = path; p !== null && !slot; p = parentPath(p)) {
      slot = root.querySelector(`[data-error-for="${CSS.escape(p)}"]`);
    }
    if (!slot) slot = root.querySelector('[data-form-error]');
    if (!slot) continue;
    slot.textContent = slot.hidden || !slot.textContent ? text : `${slot.textContent} ${text}`;
    slot.hidden = false;
    const control = root.querySelector(`[data-path="${CSS.escape(path)}"]`);
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      first ??= control;
    }
  }
  first?.focus();
  return Object.keys(errors ?? {}).length > 0;
}

/** The `errors` of an API problem answer, or a general error line for any other failure. */
export function problemErrors(error) {
  if (error?.problem?.errors) return error.problem.errors;
  return { '': [error?.title || error?.message || t('error.generic')] };
}

/** The API's rules, checked on the page first, collecting {path: [message]} as the server's Validation does. */
export class Rules {
  constructor() {
    this.errors = {};
  }

  add(path, key, params) {
    (this.errors[path] ??= []).push(t(key, params));
  }

  get valid() {
    return Object.keys(this.errors).length === 0;
  }

  text(path, value, max, required = true) {
    const text = (value ?? '').trim();
    if (!text) {
      if (required) this.add(path, 'form.required');
      return text;
    }
    if (text.length > max) this.add(path, 'form.maxLength', { max });
    return text;
  }

  id(path, value) {
    if (!ID_PATTERN.test(value ?? '')) this.add(path, 'form.idRule');
    return value;
  }

  phone(path, value, required) {
    const text = this.text(path, value, 20, required);
    if (text && (text.length < 5 || !/^[0-9+\- ]+$/.test(text))) this.add(path, 'form.phone');
    return text;
  }

  range(path, value, min, max, required = false) {
    if (value === '' || value === null || value === undefined) {
      if (required) this.add(path, 'form.required');
      return null;
    }
    const number = Number(value);
    if (!Number.isFinite(number) || number < min || number > max) this.add(path, 'form.range', { min, max });
    return number;
  }

  slot(path, slot) {
    if (!slot.day) this.add(`${path}.day`, 'form.required');
    const startOk = TIME_PATTERN.test(slot.start ?? '');
    const endOk = TIME_PATTERN.test(slot.end ?? '');
    if (!startOk) this.add(`${path}.start`, 'form.time');
    if (!endOk) this.add(`${path}.end`, 'form.time');
    if (startOk && endOk && slot.end <= slot.start) this.add(`${path}.end`, 'form.endAfterStart');
  }

  date(path, value, required) {
    if (!value) {
      if (required) this.add(path, 'form.required');
      return null;
    }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) this.add(path, 'form.date');
    return value;
  }
}

/** The general error line of a form (errors without a field of their own). */
export function formError() {
  return h('p.field-error.form-error', { 'data-form-error': '', 'data-error-for': '', role: 'alert', hidden: true });
}

/** A fresh id for a new record: prefix, district and a short random part (ids are the caller's to choose). */
export function newId(prefix, districtId) {
  return `${prefix}-${districtId}-${Date.now().toString(36).slice(-5)}${Math.random().toString(36).slice(2, 5)}`;
}
