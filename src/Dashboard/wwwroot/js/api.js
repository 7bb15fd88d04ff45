import { getToken } from './auth.js';

/** An error answer from the API; title comes from the application/problem+json body when there is one. */
export class ApiError extends Error {
  constructor(status, title, problem) {
    super(title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.problem = problem;
  }
}

let unauthorizedHandler = () => {};

/** Called on any 401 so the page can return to sign-in. */
export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

async function readProblem(response) {
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) return null;
  try {
    return await response.json();
  } catch {
    return null;
  }
}

async function send(path, { method = 'GET', body, auth = true, token, accept = 'application/json' } = {}) {
  const headers = { Accept: accept };
  const bearer = token ?? (auth ? getToken() : null);
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (error) {
    throw new ApiError(0, null, { cause: String(error) });
  }
  if (response.ok) return response;
  const problem = await readProblem(response);
  if (response.status === 401 && auth) unauthorizedHandler();
  throw new ApiError(response.status, problem?.title ?? null, problem);
}

async function json(path, options) {
  const response = await send(path, options);
  if (response.status === 204) return null;
  return response.json();
}

const enc = encodeURIComponent;

export const api = {
  districts: (options) => json('/api/v1/districts', options),
  catalogue: () => json('/api/v1/catalogue'),
  uncovered: (districtId) => json(`/api/v1/districts/${enc(districtId)}/uncovered`),
  households: (districtId) => json(`/api/v1/districts/${enc(districtId)}/households`),
  volunteers: (districtId) => json(`/api/v1/districts/${enc(districtId)}/volunteers`),
  dueToday: (districtId) => json(`/api/v1/districts/${enc(districtId)}/due-today`),
  suggestions: (needId) => json(`/api/v1/needs/${enc(needId)}/suggestions`),
  suggestionsExcluded: (needId) => json(`/api/v1/needs/${enc(needId)}/suggestions/excluded`),
  createPairing: (pairing) => json('/api/v1/pairings', { method: 'POST', body: pairing }),
  plan: (districtId) => json(`/api/v1/districts/${enc(districtId)}/plan`),
  acceptPlan: (districtId, choice) => json(`/api/v1/districts/${enc(districtId)}/plan/accept`, { method: 'POST', body: choice ?? {} }),
  orders: (districtId) => json(`/api/v1/districts/${enc(districtId)}/orders`),
  createOrder: (order) => json('/api/v1/orders', { method: 'POST', body: order }),
  cancelOrder: (orderId) => json(`/api/v1/orders/${enc(orderId)}/cancel`, { method: 'POST' }),
  /** Operators: sets the short-lived HttpOnly cookie that /orleans (the Orleans cluster view) accepts. */
  auditSearch: (query) => json(`/api/v1/operator/audit?${new URLSearchParams(query)}`),
  orleansSession: () => json('/api/v1/operator/orleans-session', { method: 'POST' }),

  /** Mints a demo token; exists only where dev tokens are enabled (404 elsewhere). */
  devToken: (claims) => json('/api/v1/dev/token', { method: 'POST', body: claims, auth: false }),

  /** True unless the dev token route answers 404. The empty body is rejected by the route when it exists. */
  async devTokensEnabled() {
    try {
      await send('/api/v1/dev/token', { method: 'POST', body: {}, auth: false });
      return true;
    } catch (error) {
      return !(error instanceof ApiError && error.status === 404);
    }
  },

  /** Downloads a server-generated CSV with the bearer header (a plain link cannot carry it). */
  async downloadCsv(path, fallbackName) {
    const response = await send(path, { accept: 'text/csv' });
    const blob = await response.blob();
    const disposition = response.headers.get('content-disposition') ?? '';
    const match = /filename\*=UTF-8''([^;]+)|filename="?([^";]+)"?/i.exec(disposition);
    const name = match ? decodeURIComponent(match[1] ?? match[2]) : fallbackName;
    const url = URL.createObjectURL(blob);
    const link = Object.assign(document.createElement('a'), { href: url, download: name });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    return name;
  },

  uncoveredCsvPath: (districtId) => `/api/v1/districts/${enc(districtId)}/uncovered.csv`,
  hoursCsvPath: (districtId) => `/api/v1/districts/${enc(districtId)}/hours.csv`,
};

/** The coordinator's workspace: records, the certification queue, pairings. */
export const workspace = {
  categories: () => json('/api/v1/catalogue/categories'),
  skills: () => json('/api/v1/catalogue/skills'),
  household: (householdId) => json(`/api/v1/households/${enc(householdId)}`),
  putHousehold: (householdId, body) => json(`/api/v1/households/${enc(householdId)}`, { method: 'PUT', body }),
  addNeed: (householdId, body) => json(`/api/v1/households/${enc(householdId)}/needs`, { method: 'POST', body }),
  closeNeed: (householdId, needId) => json(`/api/v1/households/${enc(householdId)}/needs/${enc(needId)}`, { method: 'DELETE' }),
  majorChange: (householdId, note) => json(`/api/v1/households/${enc(householdId)}/major-change`, { method: 'POST', body: { note } }),
  volunteer: (volunteerId) => json(`/api/v1/volunteers/${enc(volunteerId)}`),
  putVolunteer: (volunteerId, body) => json(`/api/v1/volunteers/${enc(volunteerId)}`, { method: 'PUT', body }),
  addTraining: (volunteerId, body) => json(`/api/v1/volunteers/${enc(volunteerId)}/trainings`, { method: 'POST', body }),
  pairings: (districtId) => json(`/api/v1/districts/${enc(districtId)}/pairings`),
  endPairing: (pairingId) => json(`/api/v1/pairings/${enc(pairingId)}`, { method: 'DELETE' }),
  pendingVisits: (districtId, skip = 0, take = 50) => json(`/api/v1/districts/${enc(districtId)}/visits?status=pending&skip=${skip}&take=${take}`),
  decide: (districtId, body) => json(`/api/v1/districts/${enc(districtId)}/visits/decisions`, { method: 'POST', body }),
  visit: (visitId, volunteerId) => json(`/api/v1/visits/${enc(visitId)}${volunteerId ? `?volunteerId=${enc(volunteerId)}` : ''}`),
  backfill: (visitId, body) => json(`/api/v1/visits/${enc(visitId)}/backfill`, { method: 'POST', body }),
  /** A visit photo as an object URL (the route needs the bearer header, which an <img src> cannot send); revoke it when done. */
  async photoUrl(visitId, photoId, volunteerId) {
    const whose = volunteerId ? `?volunteerId=${enc(volunteerId)}` : '';
    const response = await send(`/api/v1/visits/${enc(visitId)}/photos/${enc(photoId)}${whose}`, { accept: 'image/*' });
    return URL.createObjectURL(await response.blob());
  },
};

/** Service teams (服务队) of a district. */
export const teamsApi = {
  list: (districtId) => json(`/api/v1/districts/${enc(districtId)}/teams`),
  put: (teamId, body) => json(`/api/v1/teams/${enc(teamId)}`, { method: 'PUT', body }),
  addMember: (teamId, volunteerId) => json(`/api/v1/teams/${enc(teamId)}/members/${enc(volunteerId)}`, { method: 'POST' }),
  removeMember: (teamId, volunteerId) => json(`/api/v1/teams/${enc(teamId)}/members/${enc(volunteerId)}`, { method: 'DELETE' }),
};

/** Households and volunteers of the caller's districts by name, phone tail, community or address (masked). */
export const searchApi = (q, districtId) =>
  json(`/api/v1/search?q=${enc(q)}${districtId ? `&districtId=${enc(districtId)}` : ''}`);
