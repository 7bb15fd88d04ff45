// Reminders while the app is open: a system notification where the user allowed it, the in-app banner otherwise.
import { t } from './i18n.js';

const banner = () => document.getElementById('banner');
let hideTimer;

export function showBanner(text, kind = 'info') {
  const el = banner();
  el.textContent = text;
  el.dataset.kind = kind;
  el.hidden = false;
  clearTimeout(hideTimer);
  hideTimer = setTimeout(() => { el.hidden = true; }, 8000);
}

export function remind(text) {
  if ('Notification' in window && Notification.permission === 'granted') {
    try {
      new Notification(t('app.title'), { body: text, tag: text });
      return;
    } catch {
      // Some phones allow notifications only from a service worker: the banner then.
    }
  }
  showBanner(text, 'reminder');
}

export async function askPermission() {
  if ('Notification' in window && Notification.permission === 'default') await Notification.requestPermission();
}
