// UI text comes only from i18n/<lang>.json; code refers to keys.
const SUPPORTED = ['zh-CN', 'en'];
const DEFAULT_LANG = 'zh-CN';
const STORAGE_KEY = 'boai.lang';

const catalogues = new Map();
const listeners = new Set();
let current = DEFAULT_LANG;

async function load(lang) {
  if (!catalogues.has(lang)) {
    const response = await fetch(`i18n/${lang}.json`, { cache: 'no-cache' });
    if (!response.ok) throw new Error(`i18n ${lang}: ${response.status}`);
    catalogues.set(lang, await response.json());
  }
  return catalogues.get(lang);
}

function storedLang() {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return SUPPORTED.includes(value) ? value : DEFAULT_LANG;
  } catch {
    return DEFAULT_LANG;
  }
}

export async function initI18n() {
  current = storedLang();
  await load(current);
  applyDocument();
}

export function lang() {
  return current;
}

export function isEnglish() {
  return current === 'en';
}

export async function setLang(next) {
  if (!SUPPORTED.includes(next) || next === current) return;
  await load(next);
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Private mode may refuse storage; the choice then lasts for this page only.
  }
  applyDocument();
  for (const listener of listeners) listener(next);
}

export function toggleLang() {
  return setLang(current === 'en' ? 'zh-CN' : 'en');
}

export function onLangChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function has(key) {
  return Object.hasOwn(catalogues.get(current) ?? {}, key);
}

/** Translates a key, filling {name} placeholders from params. A missing key shows itself, so gaps are visible. */
export function t(key, params) {
  const text = catalogues.get(current)?.[key] ?? catalogues.get(DEFAULT_LANG)?.[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (match, name) => (name in params ? String(params[name]) : match));
}

/** Translates `${prefix}.${value}` when the resources know it, otherwise shows the value as the server sent it. */
export function tValue(prefix, value) {
  if (value === undefined || value === null || value === '') return t('common.none');
  const key = `${prefix}.${value}`;
  return has(key) ? t(key) : String(value);
}

/** Fills elements marked data-i18n (text) and data-i18n-<attribute> (attributes) under root. */
export function applyStatic(root = document) {
  for (const element of root.querySelectorAll('[data-i18n]')) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const attribute of ['aria-label', 'placeholder', 'title']) {
    for (const element of root.querySelectorAll(`[data-i18n-${attribute}]`)) {
      element.setAttribute(attribute, t(element.getAttribute(`data-i18n-${attribute}`)));
    }
  }
}

function applyDocument() {
  document.documentElement.lang = current;
  document.title = t('app.title');
  applyStatic(document);
}
