import { lang, t } from './i18n.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function formatNumber(value) {
  if (typeof value !== 'number' || Number.isNaN(value)) return t('common.none');
  return new Intl.NumberFormat(lang()).format(value);
}

/** Formats a fraction (0..1) as a whole percentage. */
export function formatPercent(fraction) {
  if (typeof fraction !== 'number' || Number.isNaN(fraction)) return t('common.none');
  return new Intl.NumberFormat(lang(), { style: 'percent', maximumFractionDigits: 0 }).format(fraction);
}

/** Coverage rounds down, so 99.7% never reads as a full 100% while a need is still uncovered. */
export function formatCoverage(fraction) {
  if (typeof fraction !== 'number' || Number.isNaN(fraction)) return t('common.none');
  return formatPercent(Math.floor(fraction * 100 + 1e-9) / 100); // 1e-9: 0.29 * 100 is 28.999…
}

export function formatHours(hours) {
  if (typeof hours !== 'number' || Number.isNaN(hours)) return t('common.none');
  return new Intl.NumberFormat(lang(), { maximumFractionDigits: 2 }).format(hours);
}

/** Clock time for today's events, date and time for older ones. */
export function formatTime(iso, now = Date.now()) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return t('common.none');
  const sameDay = new Date(now).toDateString() === date.toDateString();
  const options = sameDay
    ? { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }
    : { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false };
  return new Intl.DateTimeFormat(lang(), options).format(date);
}

export function formatDateTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return t('common.none');
  return new Intl.DateTimeFormat(lang(), { dateStyle: 'medium', timeStyle: 'short', hour12: false }).format(date);
}

/** How long since `iso`, in the two largest units: "3天 4小时" / "3d 4h". */
export function formatAge(iso, now = Date.now()) {
  const start = new Date(iso).getTime();
  if (Number.isNaN(start)) return t('common.none');
  const elapsed = Math.max(0, now - start);
  const d = Math.floor(elapsed / DAY);
  const h = Math.floor((elapsed % DAY) / HOUR);
  const m = Math.floor((elapsed % HOUR) / MINUTE);
  const s = Math.floor((elapsed % MINUTE) / SECOND);
  if (d > 0) return t('age.days', { d, h });
  if (h > 0) return t('age.hours', { h, m });
  if (m > 0) return t('age.minutes', { m, s });
  return t('age.seconds', { s });
}

/** Age bands for colour: under a day, under a week, a week or more. */
export function ageBand(iso, now = Date.now()) {
  const elapsed = now - new Date(iso).getTime();
  if (elapsed >= 7 * DAY) return 'old';
  if (elapsed >= DAY) return 'aging';
  return 'fresh';
}
