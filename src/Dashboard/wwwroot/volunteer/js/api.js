// The bearer token is kept in localStorage (not sessionStorage): the phone must still hold it after a restart, offline.
const TOKEN_KEY = 'boai.token';

export const getToken = () => localStorage.getItem(TOKEN_KEY);
export const setToken = (token) => localStorage.setItem(TOKEN_KEY, token);
export const clearToken = () => localStorage.removeItem(TOKEN_KEY);

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

/** Sends a request with the token; body is JSON unless it is a Blob (sent raw with its type). */
export async function send(path, { method = 'GET', body, auth = true } = {}) {
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
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload });
  } catch (error) {
    throw new ApiError(0, { title: String(error) });
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
  devToken: (claims) => json('/api/v1/dev/token', { method: 'POST', body: claims, auth: false }),
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
