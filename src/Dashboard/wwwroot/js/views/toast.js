import { h } from '../dom.js';
import { t } from '../i18n.js';
import { ApiError } from '../api.js';

const DISMISS_AFTER_MS = 6000;

/** A short message in the corner; kind is 'error', 'success' or 'info'. */
export function toast(message, kind = 'info') {
  const container = document.getElementById('toasts');
  const item = h(
    `div.toast.toast-${kind}`,
    { role: kind === 'error' ? 'alert' : 'status', 'data-testid': 'toast', 'data-kind': kind },
    h('span.toast-text', {}, message),
    h('button.btn.btn-icon.toast-close', { type: 'button', 'aria-label': t('common.close'), onclick: () => item.remove() }, '×'),
  );
  container.append(item);
  setTimeout(() => item.remove(), DISMISS_AFTER_MS);
}

/** Shows an API failure: the problem's title when the server gave one. */
export function toastError(error) {
  if (error instanceof ApiError) {
    if (error.status === 401) return; // sign-in takes over
    if (error.status === 0) return toast(t('error.network'), 'error');
    return toast(error.title || t('error.generic', { status: error.status }), 'error');
  }
  toast(error?.message ?? String(error), 'error');
}
