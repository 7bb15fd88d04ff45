import { api, ApiError } from '../api.js';
import { readToken } from '../auth.js';
import { t } from '../i18n.js';
import { toastError, toast } from './toast.js';

const DEMO_COORDINATOR_DISTRICTS = 2;

/** The sign-in panel: one-click demo accounts where dev tokens are enabled, or a pasted token. */
export function initSignIn({ onToken }) {
  const panel = document.getElementById('signin');
  const demo = document.getElementById('signin-demo');
  const coordinator = document.getElementById('signin-coordinator');
  const operator = document.getElementById('signin-operator');
  const form = document.getElementById('signin-token-form');
  const field = document.getElementById('signin-token');
  const fieldError = document.getElementById('signin-token-error');

  let probed = false;

  async function probeDemo() {
    if (probed) return;
    probed = true;
    demo.hidden = !(await api.devTokensEnabled());
  }

  function setBusy(busy) {
    for (const button of [coordinator, operator]) button.disabled = busy;
    panel.setAttribute('aria-busy', String(busy));
  }

  async function demoSignIn(role) {
    setBusy(true);
    try {
      let districts = [];
      if (role === 'coordinator') {
        // The coordinator's districts are the first two the service lists; reading the list needs a token too.
        const { token: reader } = await api.devToken({ sub: 'demo-operator', role: 'operator', districts: [] });
        const list = await api.districts({ token: reader });
        districts = list.slice(0, DEMO_COORDINATOR_DISTRICTS).map((district) => district.districtId);
      }
      const { token } = await api.devToken({ sub: `demo-${role}`, role, districts });
      onToken(token);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        demo.hidden = true;
        toast(t('signin.demoUnavailable'), 'error');
      } else {
        toastError(error);
      }
    } finally {
      setBusy(false);
    }
  }

  coordinator.addEventListener('click', () => demoSignIn('coordinator'));
  operator.addEventListener('click', () => demoSignIn('operator'));

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = field.value.trim();
    if (!readToken(token)) {
      fieldError.dataset.i18n = 'signin.tokenInvalid';
      fieldError.textContent = t('signin.tokenInvalid');
      fieldError.hidden = false;
      field.setAttribute('aria-invalid', 'true');
      field.focus();
      return;
    }
    fieldError.hidden = true;
    field.removeAttribute('aria-invalid');
    field.value = '';
    onToken(token);
  });

  return {
    show() {
      panel.hidden = false;
      probeDemo();
    },
    hide() {
      panel.hidden = true;
    },
  };
}
