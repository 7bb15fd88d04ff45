import { api } from '../api.js';
import { onLangChange, t, tValue, toggleLang } from '../i18n.js';
import { getState, subscribe } from '../store.js';

export function initHeader({ onSignOut }) {
  const conn = document.querySelector('[data-testid="connection-state"]');
  const connText = conn.querySelector('.conn-text');
  const user = document.getElementById('user');
  const signOut = document.getElementById('sign-out');
  const orleansView = document.getElementById('orleans-view');
  const reportsLink = document.getElementById('reports-link');

  function renderConnection() {
    const { connection } = getState();
    conn.dataset.state = connection;
    connText.textContent = t(`conn.${connection}`);
  }

  function renderUser() {
    const current = getState().user;
    user.hidden = !current;
    signOut.hidden = !current;
    orleansView.hidden = current?.role !== 'operator';
    reportsLink.hidden = !current || current.role === 'volunteer';
    conn.hidden = !current;
    if (current) user.textContent = t('user.signedInAs', { user: current.sub, role: tValue('user.role', current.role) });
  }

  document.getElementById('lang-toggle').addEventListener('click', () => toggleLang());
  signOut.addEventListener('click', () => onSignOut());
  orleansView.addEventListener('click', async () => {
    // Opened before the await so the browser does not block it as a pop-up.
    const view = window.open('about:blank', '_blank');
    try {
      await api.orleansSession();
      if (view) view.location.href = '/orleans/';
    } catch {
      view?.close();
    }
  });
  subscribe('connection', renderConnection);
  subscribe('user', renderUser);
  onLangChange(() => {
    renderConnection();
    renderUser();
  });
  renderConnection();
  renderUser();
}
