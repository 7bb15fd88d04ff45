// The outbox: every check-in, photo, check-out and service record goes first into IndexedDB with its visitId, then is
// sent in order, retried with back-off until the service acknowledges it. It survives reloads, closed tabs and a
// restarted phone; an expired token pauses it (nothing is dropped) until the volunteer signs in again.
import { openDB } from '../../lib/idb.js';
import { send } from './api.js';

const STORE = 'outbox';
const MAX_DELAY_MS = 60_000;
const KEEP_DONE_MS = 24 * 3600 * 1000;
/** The service refuses phone times older than this (Rules:MaxUploadDelay): a coordinator back-fills them (补录). */
const TOO_OLD_MS = 72 * 3600 * 1000;

const dbReady = openDB('boai-volunteer', 1, {
  upgrade(db) {
    const store = db.createObjectStore(STORE, { keyPath: 'seq', autoIncrement: true });
    store.createIndex('visitId', 'visitId');
  },
});

const listeners = new Set();
let running = false;
let pausedForSignIn = false;
let onSignInNeeded = () => {};

export const onOutboxChange = (listener) => listeners.add(listener);
const changed = async () => {
  const items = await all();
  for (const listener of listeners) listener(items);
};

export async function all() {
  const db = await dbReady;
  return db.getAll(STORE);
}

/** Queues one item: kind is checkIn, placard, photo, checkOut or record; body is JSON (or the photo's Blob). */
export async function enqueue(item) {
  const db = await dbReady;
  await db.add(STORE, { ...item, state: 'pending', attempts: 0, nextAt: 0, queuedAt: Date.now(), error: null });
  await changed();
  flush();
}

/** Visits with something still to send (the number shown as 待上传 N). */
export function waitingVisits(items) {
  return new Set(items.filter((i) => i.state === 'pending' || i.state === 'sending' || i.state === 'signIn').map((i) => i.visitId)).size;
}

function request(item) {
  const base = `/api/v1/visits/${encodeURIComponent(item.visitId)}`;
  switch (item.kind) {
    case 'checkIn': return [`${base}/check-in`, 'POST'];
    case 'placard': return [`${base}/placard`, 'POST'];
    case 'photo': return [`${base}/photos/${encodeURIComponent(item.photoId)}`, 'PUT'];
    case 'checkOut': return [`${base}/check-out`, 'POST'];
    default: return [`${base}/record`, 'POST'];
  }
}

/** What a failed attempt means for the item: try again later, wait for a sign-in, or a final refusal. */
function judge(item, error) {
  const status = error.status ?? 0;
  if (status === 0 || status >= 500 || status === 429 || status === 408) return 'retry';
  if (status === 401) return 'signIn';
  const at = Date.parse(item.body?.at ?? '');
  if (status === 400 && error.problem?.errors?.at && (Date.now() - at > TOO_OLD_MS || JSON.stringify(error.problem.errors.at).includes('补录'))) {
    return 'tooOld';
  }
  return 'refused';
}

/** The token was replaced (signed in again): the paused items go out now. */
export async function resume() {
  pausedForSignIn = false;
  const db = await dbReady;
  for (const item of await db.getAll(STORE)) {
    if (item.state === 'signIn') await db.put(STORE, { ...item, state: 'pending', nextAt: 0 });
  }
  await changed();
  flush();
}

/**
 * Sends what is due, oldest first; a visit's later items wait for its earlier ones. One tab at a time sends (a Web
 * Lock), so two open tabs never post the same item at once.
 */
export function flush() {
  if (running || pausedForSignIn) return Promise.resolve();
  return navigator.locks
    ? navigator.locks.request('boai-outbox', { ifAvailable: true }, (lock) => (lock ? sendDue() : undefined))
    : sendDue();
}

async function sendDue() {
  if (running || pausedForSignIn) return;
  running = true;
  try {
    const db = await dbReady;
    const blocked = new Set();
    const now = Date.now();
    for (const item of await db.getAll(STORE)) {
      if (item.state === 'done' && now - item.doneAt > KEEP_DONE_MS) {
        await db.delete(STORE, item.seq);
        continue;
      }
      if (item.state !== 'pending' || blocked.has(item.visitId)) continue;
      if (item.nextAt > Date.now()) {
        blocked.add(item.visitId);
        continue;
      }
      await db.put(STORE, { ...item, state: 'sending' });
      await changed();
      const [path, method] = request(item);
      try {
        await send(path, { method, body: item.kind === 'photo' ? item.blob : item.body });
        // Acknowledged: the photo's bytes are no longer needed on the phone.
        await db.put(STORE, { ...item, state: 'done', doneAt: Date.now(), blob: null, error: null });
      } catch (error) {
        const verdict = judge(item, error);
        const attempts = item.attempts + 1;
        if (verdict === 'retry') {
          const delay = Math.min(MAX_DELAY_MS, 1000 * 2 ** Math.min(attempts, 6)) * (0.5 + Math.random() / 2);
          await db.put(STORE, { ...item, state: 'pending', attempts, nextAt: Date.now() + delay, error: error.message });
          blocked.add(item.visitId);
        } else if (verdict === 'signIn') {
          await db.put(STORE, { ...item, state: 'signIn', attempts, error: error.message });
          pausedForSignIn = true;
          onSignInNeeded();
          break;
        } else {
          await db.put(STORE, { ...item, state: verdict, attempts, error: error.problem?.title ?? error.message });
        }
      }
      await changed();
    }
  } finally {
    running = false;
    await changed();
  }
}

/** The network is back: what waits out a back-off goes now. */
async function retryNow() {
  const db = await dbReady;
  for (const item of await db.getAll(STORE)) {
    if (item.state === 'pending' && item.nextAt > 0) await db.put(STORE, { ...item, nextAt: 0 });
  }
}

/** Back-off timer and the browser's online event drive the sending; call once. */
export function startSending({ signInNeeded }) {
  onSignInNeeded = signInNeeded;
  const tick = () => flush();
  window.addEventListener('online', () => retryNow().then(tick));
  setInterval(tick, 2000);
  tick();
}
