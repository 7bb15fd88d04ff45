// UI text comes only from ../i18n/<lang>.json; code refers to keys. zh-CN first, English on the toggle.
const SUPPORTED = ['zh-CN', 'en'];
const STORAGE_KEY = 'boai.lang';
const catalogues = new Map();
let current = 'zh-CN';

async function load(lang) {
  if (!catalogues.has(lang)) {
    const response = await fetch(`i18n/${lang}.json`);
    if (!response.ok) throw new Error(`i18n ${lang}: ${response.status}`);
    catalogues.set(lang, await response.json());
  }
  return catalogues.get(lang);
}

export async function initI18n() {
  const stored = localStorage.getItem(STORAGE_KEY);
  current = SUPPORTED.includes(stored) ? stored : 'zh-CN';
  await load(current);
  apply(document);
}

export const lang = () => current;
export const isEnglish = () => current === 'en';

export async function toggleLang() {
  current = current === 'en' ? 'zh-CN' : 'en';
  await load(current);
  localStorage.setItem(STORAGE_KEY, current);
  apply(document);
}

/** The text of a key, with {name} placeholders filled from vars. */
export function t(key, vars = {}) {
  const text = catalogues.get(current)?.[key] ?? catalogues.get('zh-CN')?.[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (vars[name] ?? `{${name}}`));
}

/** Fills every [data-i18n] element (and [data-i18n-placeholder]) under root. */
export function apply(root) {
  document.documentElement.lang = current;
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
}

/** A catalogue entry's name in the current language. */
export const nameOf = (entry) => (entry ? (isEnglish() ? entry.nameEn : entry.name) : '');
