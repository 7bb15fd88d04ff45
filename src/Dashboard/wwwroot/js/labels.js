// Display names for ids, in the current language, from the state the page already holds.
import { isEnglish, t, tValue } from './i18n.js';
import { getState } from './store.js';

export function districtName(districtId) {
  const district = getState().districts.get(districtId);
  if (!district) return districtId ?? t('common.none');
  return (isEnglish() && district.nameEn) || district.name || districtId;
}

export function catalogueItem(itemId) {
  return getState().catalogue.get(itemId);
}

export function itemName(need) {
  const item = catalogueItem(need.itemId);
  if (item) return (isEnglish() && item.nameEn) || item.name;
  return need.itemName || need.itemId || t('uncovered.unknownItem');
}

export function categoryOf(need) {
  return need.category ?? catalogueItem(need.itemId)?.category ?? null;
}

export function categoryLabel(category) {
  return tValue('category', category);
}

export function reasonLabel(reason) {
  return tValue('reason', reason);
}

export function skillLabel(skill) {
  return tValue('skill', skill);
}
