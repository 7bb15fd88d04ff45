// The bearer token is kept in localStorage (not sessionStorage): the phone must still hold it after a restart, offline.
// Beside it the refresh token of the phone's session: access tokens live 15 minutes, a visit longer.
const TOKEN_KEY = 'boai.token';
const REFRESH_KEY = 'boai.refresh';
/** Refresh this long before the access token ends, so a request rarely meets an expired one. */
const REFRESH_AHEAD_MS = 2 * 60 * 1000;

export const getToken = () => localStorage.getItem(TOKEN_KEY);
export const getRefreshToken = () => localStorage.getItem(REFRESH_KEY);
export const setToken = (token, refreshToken) => {
  localStorage.setItem(TOKEN_KEY, token);
  if (refreshToken) localStorage.setItem(REFRESH_KEY, refreshToken);
  else if (refreshToken === null) localStorage.removeItem(REFRESH_KEY);
};
export const clearToken = () => {
  localStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(REFRESH_KEY);
};

/** Who the token says we are (display only; the server decides). Null when malformed; `expired` when past exp. */
export function readToken(token = getToken()) {
  if (!token) return null;
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const payload = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(part.padEnd(Math.ceil(part.length / 4) * 4, '=')), (c) => c.charCodeAt(0))));
    return {
      sub: String(payload.sub ?? ''),
      role: String(payload.role ?? ''),
      household: payload.household ?? null,
      expired: typeof payload.exp === 'number' && payload.exp * 1000 <= Date.now(),
      expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : Infinity,
    };
  } catch {
    return null;
  }
}

/** An answer that is not 2xx; status 0 means the network failed. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** Whether the stored access token ends within REFRESH_AHEAD_MS (or already has). */
export const expiresSoon = () => (readToken()?.expiresAt ?? 0) - Date.now() < REFRESH_AHEAD_MS;

let refreshing = null;

/**
 * Trades the refresh token for a new pair: 'ok', 'offline' (try again later; nothing changed) or 'refused' (the session
 * ended: sign in again). One refresh at a time in this tab, and across tabs a Web Lock: a refresh token works once, so
 * a second tab must use what the first one got instead of presenting the same token again.
 */
export function refreshSession() {
  refreshing ??= (async () => {
    const before = getRefreshToken();
    const work = async () => {
      const current = getRefreshToken();
      if (!current) return 'refused';
      if (current !== before && !expiresSoon()) return 'ok';
      let response;
      try {
        response = await fetch('/api/v1/auth/refresh', {
          method: 'POST',
          headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
          body: JSON.stringify({ refreshToken: current }),
        });
      } catch {
        return 'offline';
      }
      if (response.ok) {
        const session = await response.json();
        setToken(session.token, session.refreshToken);
        return 'ok';
      }
      if (response.status === 401 || response.status === 400) {
        localStorage.removeItem(REFRESH_KEY);
        return 'refused';
      }
      return 'offline';
    };
    try {
      return navigator.locks ? await navigator.locks.request('boai-refresh', work) : await work();
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

async function attempt(path, method, body, auth) {
  const headers = { Accept: 'application/json' };
  const token = auth ? getToken() : null;
  if (token) headers.Authorization = `Bearer ${token}`;
  let payload;
  if (body instanceof Blob) {
    headers['Content-Type'] = body.type;
    payload = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  try {
    return await fetch(path, { method, headers, body: payload });
  } catch (error) {
    throw new ApiError(0, { title: String(error) });
  }
}

/**
 * Sends a request with the token; body is JSON unless it is a Blob (sent raw with its type). A token about to end is
 * refreshed first; a 401 refreshes and tries once more, so the outbox's queued visits go out with the new token.
 */
export async function send(path, { method = 'GET', body, auth = true } = {}) {
  const refreshable = auth && getRefreshToken();
  if (refreshable && expiresSoon()) await refreshSession();
  let response = await attempt(path, method, body, auth);
  if (response.status === 401 && refreshable && (await refreshSession()) === 'ok') {
    response = await attempt(path, method, body, auth);
  }
  if (!response.ok) {
    let problem = null;
    try {
      problem = await response.json();
    } catch {
      // Not JSON: the status says enough.
    }
    throw new ApiError(response.status, problem);
  }
  return response;
}

export const json = async (path, options) => {
  const response = await send(path, options);
  return response.status === 204 ? null : response.json();
};

const enc = encodeURIComponent;
export const api = {
  demoAccounts: () => json('/api/v1/dev/demo-accounts', { auth: false }),
  devToken: (claims) => json('/api/v1/dev/token', { method: 'POST', body: { ...claims, refreshable: true }, auth: false }),
  openSession: () => json('/api/v1/auth/sessions', { method: 'POST' }),
  signOut: (refreshToken) => json('/api/v1/auth/sign-out', { method: 'POST', body: { refreshToken }, auth: false }),
  catalogue: () => json('/api/v1/catalogue'),
  today: (volunteerId) => json(`/api/v1/volunteers/${enc(volunteerId)}/today`),
  me: (volunteerId) => json(`/api/v1/volunteers/${enc(volunteerId)}/me`),
  setAvailability: (volunteerId, availability) => json(`/api/v1/volunteers/${enc(volunteerId)}/availability`, { method: 'PUT', body: { availability } }),
  claim: (orderId) => json(`/api/v1/orders/${enc(orderId)}/claim`, { method: 'POST' }),
  residentHome: () => json('/api/v1/resident/home'),
  residentOrder: (order) => json('/api/v1/resident/orders', { method: 'POST', body: order }),
  rate: (visitId, rating) => json(`/api/v1/resident/visits/${enc(visitId)}/rating`, { method: 'POST', body: rating }),
  certificate: (volunteerId) => send(`/api/v1/volunteers/${enc(volunteerId)}/certificate.pdf`),
};
