import { api, onUnauthorized } from './api.js';
import { clearToken, getToken, readToken, setToken } from './auth.js';
import { initI18n, t } from './i18n.js';
import { createLive, HUB_EVENTS } from './live.js';
import { districtName } from './labels.js';
import * as store from './store.js';
import { initAudit } from './views/audit.js';
import { initCertify } from './views/certify.js';
import { initDistricts } from './views/districts.js';
import { initDrilldown } from './views/drilldown.js';
import { initFeed } from './views/feed.js';
import { initHeader } from './views/header.js';
import { initOrders } from './views/orders.js';
import { initSignIn } from './views/signin.js';
import { initPlan } from './views/plan.js';
import { initSuggestions } from './views/suggestions.js';
import { toast, toastError } from './views/toast.js';
import { initUncovered } from './views/uncovered.js';
import { initVolunteerForm } from './views/volunteer-form.js';
import { initSurvey } from './views/survey.js';
import { initWorkspaceBar } from './views/workspace-bar.js';
import { initSearch } from './views/search.js';

const UNCOVERED_REQUESTS_IN_PARALLEL = 4;
// needUncovered does not say which catalogue item the need is for; a short wait batches a burst into one read.
const ITEM_DETAILS_DELAY_MS = 1500;

let session = 0; // bumped on every sign-in and sign-out, so answers for an old session are dropped
let hasSnapshot = false;
let snapshotRunning = null;
let snapshotAgain = false;
const itemDetailTimers = new Map();

let signInPanel;
let live;
let orders;
let drilldown;
let certify;

function showDashboard(visible) {
  document.getElementById('dashboard').hidden = !visible;
  if (visible) signInPanel.hide();
  else signInPanel.show();
}

async function forEachLimited(items, limit, action) {
  const queue = [...items];
  const workers = Array.from({ length: Math.min(limit, queue.length) }, async () => {
    while (queue.length) await action(queue.shift());
  });
  await Promise.all(workers);
}

async function loadDistricts(current) {
  const snapshot = store.beginSnapshot();
  try {
    const districts = await api.districts();
    if (current === session) store.applyDistrictList(districts ?? [], snapshot);
  } finally {
    store.endSnapshot(snapshot);
  }
}

async function snapshotOnce(current) {
  const snapshot = store.beginSnapshot();
  const failures = [];
  try {
    const districts = await api.districts();
    if (current !== session) return;
    store.applyDistrictList(districts ?? [], snapshot);
    await forEachLimited(store.visibleDistrictIds(), UNCOVERED_REQUESTS_IN_PARALLEL, async (districtId) => {
      try {
        const needs = await api.uncovered(districtId);
        if (current === session) store.applyUncoveredList(districtId, needs ?? [], snapshot);
      } catch (error) {
        failures.push(error);
      }
    });
    if (current === session) hasSnapshot = true;
  } catch (error) {
    failures.push(error);
  } finally {
    store.endSnapshot(snapshot);
  }
  if (failures.length && current === session) toastError(failures[0]);
}

/** Reads districts and every visible district's uncovered needs; concurrent asks collapse into one more pass. */
function refreshSnapshot() {
  if (snapshotRunning && snapshotRunning.session === session) {
    snapshotAgain = true;
    return snapshotRunning.promise;
  }
  const current = session;
  const run = { session: current };
  run.promise = (async () => {
    do {
      snapshotAgain = false;
      await snapshotOnce(current);
    } while (snapshotAgain && current === session);
  })().finally(() => {
    if (snapshotRunning === run) snapshotRunning = null;
  });
  snapshotRunning = run;
  return run.promise;
}

function refreshItemDetailsSoon(districtId) {
  if (!districtId || itemDetailTimers.has(districtId)) return;
  const current = session;
  itemDetailTimers.set(
    districtId,
    setTimeout(async () => {
      itemDetailTimers.delete(districtId);
      if (current !== session) return;
      try {
        const needs = await api.uncovered(districtId);
        if (current === session) store.fillNeedDetails(needs ?? []);
      } catch (error) {
        toastError(error);
      }
    }, ITEM_DETAILS_DELAY_MS),
  );
}

function handleEvent(name, payload) {
  switch (name) {
    case 'visitCheckedIn':
      store.applyVisit('checkIn', payload);
      break;
    case 'visitCheckedOut':
      store.applyVisit('checkOut', payload);
      break;
    case 'pendingChanged':
      certify.onPendingChanged(payload);
      break;
    case 'needUncovered':
      if (store.applyNeedUncovered(payload)) refreshItemDetailsSoon(payload.districtId);
      break;
    case 'needCovered':
      store.applyNeedCovered(payload);
      break;
    case 'districtSummary':
      store.applyDistrictSummary(payload);
      break;
    case 'visitLate':
      drilldown.onVisitLate(payload);
      toast(t('dueToday.lateToast', { district: districtName(payload.districtId), household: payload.householdId }), 'error');
      break;
    case 'suggestionsReady':
      store.applySuggestionsReady(payload);
      break;
    case 'orderUpdated':
    case 'orderEscalated':
      orders.onEvent(name, payload);
      break;
    case 'visitAttention':
      // A volunteer's service record flags health, mood or home safety: the coordinator must see it now.
      toast(t('attention.toast', {
        district: districtName(payload.districtId),
        household: payload.householdId,
        kinds: payload.observations.map((o) => t(`attention.${o.kind}`)).join(t('attention.separator')),
      }), 'error');
      break;
    default:
      throw new Error(`unknown event ${name}`);
  }
}

async function watch(connection) {
  const { user } = store.getState();
  if (!user) return;
  if (user.role === 'operator') {
    await connection.invoke('WatchAll');
    return;
  }
  const results = await Promise.allSettled(store.visibleDistrictIds().map((districtId) => connection.invoke('Watch', districtId)));
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) toast(failed.reason?.message ?? String(failed.reason), 'error');
}

async function afterConnected(connection) {
  const current = session;
  try {
    await watch(connection);
  } catch (error) {
    toast(error?.message ?? String(error), 'error');
  }
  // Whatever happened while we were not watching is only in the REST snapshot.
  if (current === session) await Promise.all([refreshSnapshot(), orders.refresh(), certify.refresh()]);
}

async function loadCatalogue(current) {
  try {
    const items = await api.catalogue();
    if (current === session) store.setCatalogue(items ?? []);
  } catch (error) {
    toastError(error);
  }
}

async function signIn(token) {
  const user = readToken(token);
  if (!user) {
    toast(t('signin.tokenInvalid'), 'error');
    return;
  }
  setToken(token);
  session += 1;
  hasSnapshot = false;
  const current = session;
  store.setUser(user);
  showDashboard(true);
  document.getElementById('main').focus();
  try {
    // Watch needs the district list; the uncovered lists are read once the hub listens, so nothing falls between.
    await Promise.all([loadCatalogue(current), loadDistricts(current)]);
  } catch (error) {
    toastError(error);
  }
  if (current !== session) return;
  if (!live.start()) {
    toast(t('error.liveUnavailable'), 'error');
    await refreshSnapshot();
  }
}

async function signOut({ expired = false } = {}) {
  const wasSignedIn = store.getState().user !== null;
  session += 1;
  hasSnapshot = false;
  for (const timer of itemDetailTimers.values()) clearTimeout(timer);
  itemDetailTimers.clear();
  clearToken();
  for (const dialog of document.querySelectorAll('dialog[open]')) dialog.close();
  store.reset();
  showDashboard(false);
  await live.stop();
  if (expired && wasSignedIn) toast(t('error.sessionExpired'), 'error');
}

function exposeForTests() {
  Object.defineProperty(window, 'boaiState', {
    get: () => store.snapshot(),
    configurable: true,
  });
  window.boaiDebug = Object.freeze({
    /** Feeds an event through the same path as the hub: dispatch('needCovered', {needId, ...}). */
    dispatch(name, payload) {
      if (!HUB_EVENTS.includes(name)) throw new Error(`unknown event ${name}; expected one of ${HUB_EVENTS.join(', ')}`);
      handleEvent(name, payload);
    },
    refresh: () => refreshSnapshot(),
    events: HUB_EVENTS,
  });
}

async function main() {
  await initI18n();
  signInPanel = initSignIn({ onToken: signIn });
  initHeader({ onSignOut: () => signOut() });
  const suggestions = initSuggestions();
  const survey = initSurvey({ onSuggest: suggestions.open });
  const volunteerForm = initVolunteerForm();
  drilldown = initDrilldown({ onOpenHousehold: survey.openFile, onOpenVolunteer: volunteerForm.openRecord });
  initWorkspaceBar({ onSurvey: () => survey.openNew(), onVolunteer: () => volunteerForm.openNew() });
  initSearch({ onOpenHousehold: survey.openFile, onOpenVolunteer: volunteerForm.openRecord });
  initDistricts({ onOpen: drilldown.open });
  const plan = initPlan();
  initUncovered({ onSuggest: suggestions.open, onPlan: plan.open });
  initFeed();
  orders = initOrders();
  certify = initCertify();
  initAudit();
  live = createLive({
    onState: store.setConnection,
    onEvent: handleEvent,
    onConnected: afterConnected,
    onUnauthorized: () => signOut({ expired: true }),
    onStartFailed: () => {
      // The hub is unreachable; show what REST knows meanwhile.
      if (!hasSnapshot) refreshSnapshot();
    },
  });
  onUnauthorized(() => signOut({ expired: true }));
  exposeForTests();
  document.documentElement.classList.remove('is-loading');

  const token = getToken();
  if (token && readToken(token)) {
    signIn(token);
  } else {
    clearToken();
    showDashboard(false);
  }
}

main();
