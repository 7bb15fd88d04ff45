// The page's state: what the REST snapshots said, corrected by every live event since.
import { SUMMARY_FIELDS } from './live-events.js';

const FEED_LIMIT = 50;

const state = {
  user: null,
  connection: 'disconnected',
  lastSync: null,
  districts: new Map(),
  uncovered: new Map(),
  feed: [],
  catalogue: new Map(),
};

// A snapshot request races the live events that arrive while it is in flight. Each event gets a sequence
// number; a snapshot only overrides what no event has touched since the snapshot was requested.
let sequence = 0;
const needTouched = new Map();
const summaryTouched = new Map();
const snapshotsInFlight = new Set();

const listeners = new Map();

export function subscribe(topic, listener) {
  if (!listeners.has(topic)) listeners.set(topic, new Set());
  listeners.get(topic).add(listener);
}

function emit(...topics) {
  for (const topic of topics) {
    for (const listener of listeners.get(topic) ?? []) listener(state);
  }
}

export function getState() {
  return state;
}

export function setUser(user) {
  state.user = user;
  emit('user');
}

export function setConnection(connection) {
  if (state.connection === connection) return;
  state.connection = connection;
  emit('connection');
}

export function setCatalogue(items) {
  state.catalogue = new Map(items.map((item) => [item.itemId, item]));
  emit('catalogue', 'uncovered');
}

/** Coordinators see the districts in their token; operators see every district. */
export function isVisible(districtId) {
  const user = state.user;
  if (!user || user.role !== 'coordinator' || user.districts.length === 0) return true;
  return user.districts.includes(districtId);
}

export function visibleDistrictIds() {
  return [...state.districts.keys()];
}

export function reset() {
  state.user = null;
  state.lastSync = null;
  state.districts.clear();
  state.uncovered.clear();
  state.feed = [];
  needTouched.clear();
  summaryTouched.clear();
  snapshotsInFlight.clear();
  emit('user', 'districts', 'uncovered', 'feed');
}

/** Starts a snapshot read; pass the returned token to the apply functions and to endSnapshot. */
export function beginSnapshot() {
  const token = { mark: sequence };
  snapshotsInFlight.add(token);
  return token;
}

export function endSnapshot(token) {
  if (!snapshotsInFlight.delete(token)) return; // started before a sign-out
  if (snapshotsInFlight.size === 0) {
    needTouched.clear();
    summaryTouched.clear();
  }
  state.lastSync = new Date().toISOString();
  emit('sync');
}

function touchedSince(map, key, token) {
  return (map.get(key) ?? -1) > token.mark;
}

export function applyDistrictList(list, token) {
  if (!snapshotsInFlight.has(token)) return;
  const next = new Map();
  for (const district of list) {
    if (!isVisible(district.districtId)) continue;
    const previous = state.districts.get(district.districtId);
    if (previous && touchedSince(summaryTouched, district.districtId, token)) {
      next.set(district.districtId, { ...district, ...pickSummary(previous) });
    } else {
      next.set(district.districtId, { ...district });
    }
  }
  state.districts = next;
  for (const [needId, need] of state.uncovered) {
    if (!next.has(need.districtId)) state.uncovered.delete(needId);
  }
  emit('districts', 'uncovered');
}

function pickSummary(source) {
  const summary = {};
  for (const field of SUMMARY_FIELDS) {
    if (field in source) summary[field] = source[field];
  }
  return summary;
}

export function applyUncoveredList(districtId, list, token) {
  if (!snapshotsInFlight.has(token)) return;
  const inSnapshot = new Set();
  for (const need of list) {
    inSnapshot.add(need.needId);
    const touched = touchedSince(needTouched, need.needId, token);
    if (touched && !state.uncovered.has(need.needId)) continue; // covered by an event after the request
    const previous = state.uncovered.get(need.needId);
    state.uncovered.set(need.needId, touched ? { ...need, ...previous } : { ...previous, ...need, districtId });
  }
  for (const [needId, need] of state.uncovered) {
    if (need.districtId !== districtId || inSnapshot.has(needId)) continue;
    if (!touchedSince(needTouched, needId, token)) state.uncovered.delete(needId);
  }
  emit('uncovered');
}

/** Fills in what live events leave out (the catalogue item) from a fresh read; adds and removes nothing. */
export function fillNeedDetails(list) {
  let changed = false;
  for (const need of list) {
    const known = state.uncovered.get(need.needId);
    if (!known || known.itemId) continue;
    state.uncovered.set(need.needId, { ...need, ...known, itemId: need.itemId, category: known.category ?? need.category, itemName: known.itemName ?? need.itemName });
    changed = true;
  }
  if (changed) emit('uncovered');
}

// Live events.

export function applyDistrictSummary(event) {
  if (!event?.districtId || !isVisible(event.districtId)) return;
  sequence += 1;
  summaryTouched.set(event.districtId, sequence);
  const previous = state.districts.get(event.districtId) ?? { districtId: event.districtId, name: event.districtId };
  state.districts.set(event.districtId, { ...previous, ...pickSummary(event) });
  emit('districts');
}

/** Adds or replaces an uncovered need. Returns true when the event did not say which catalogue item it is. */
export function applyNeedUncovered(event) {
  if (!event?.needId || !isVisible(event.districtId)) return false;
  sequence += 1;
  needTouched.set(event.needId, sequence);
  const previous = state.uncovered.get(event.needId);
  const need = { ...previous, ...event };
  state.uncovered.set(event.needId, need);
  emit('uncovered');
  return !need.itemId;
}

export function applyNeedCovered(event) {
  if (!event?.needId) return;
  sequence += 1;
  needTouched.set(event.needId, sequence);
  if (state.uncovered.delete(event.needId)) emit('uncovered');
}

/** Suggestions the district prepared unasked (its volunteer left or paused); kept on the need while it is uncovered. */
export function applySuggestionsReady(event) {
  if (!event?.needId || !isVisible(event.districtId)) return;
  const need = state.uncovered.get(event.needId);
  if (!need) return; // covered meanwhile: the event followed its needUncovered, so nothing to attach it to
  state.uncovered.set(event.needId, { ...need, suggestions: event.suggestions ?? [] });
  emit('uncovered');
}

/** Removes a need the page itself just covered (a pairing answered 201), before the event confirms it. */
export function removeNeed(needId) {
  applyNeedCovered({ needId });
}

export function applyVisit(kind, event) {
  if (!event?.visitId || !isVisible(event.districtId)) return;
  if (state.feed.some((entry) => entry.kind === kind && entry.visitId === event.visitId)) return;
  state.feed = [{ ...event, kind }, ...state.feed].slice(0, FEED_LIMIT);
  emit('feed');
}

/** A plain, detached copy for tests and debugging. */
export function snapshot() {
  return structuredClone({
    user: state.user,
    connection: state.connection,
    lastSync: state.lastSync,
    districts: Object.fromEntries(state.districts),
    uncovered: Object.fromEntries(state.uncovered),
    feed: state.feed,
  });
}
