// The bearer token lives in sessionStorage so it ends with the browser tab.
const TOKEN_KEY = 'boai.token';
const ROLE_CLAIM_URI = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role';

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function clearToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

function decodeSegment(segment) {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(segment.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

function asList(value) {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/**
 * Reads who the token says we are, for display and for choosing what to watch. The server still decides
 * what we may see; this is never an authorization check. Returns null for a malformed or expired token.
 */
export function readToken(token, now = Date.now()) {
  if (typeof token !== 'string') return null;
  const parts = token.trim().split('.');
  if (parts.length !== 3) return null;
  let payload;
  try {
    payload = decodeSegment(parts[1]);
  } catch {
    return null;
  }
  if (typeof payload.exp === 'number' && payload.exp * 1000 <= now) return null;
  const role = asList(payload.role ?? payload[ROLE_CLAIM_URI])[0] ?? '';
  return {
    sub: String(payload.sub ?? ''),
    role,
    districts: asList(payload.district ?? payload.districts),
    expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : null,
  };
}
