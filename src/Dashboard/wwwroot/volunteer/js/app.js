// The volunteer's phone app (/volunteer/): sign in, 今日任务, the visit (签到 … 签退), the outbox (待上传) and 我的;
// residents get their own page (resident.js). Everything the visit records goes through the outbox.
import { api, ApiError, clearToken, expiresSoon, getRefreshToken, readToken, refreshSession, setToken } from './api.js';
import { apply, initI18n, lang, nameOf, t, toggleLang } from './i18n.js';
import { all, enqueue, onOutboxChange, resume, startSending, waitingVisits } from './outbox.js';
import { resize } from './photos.js';
import { connectLive } from './live.js';
import { askPermission, remind, showBanner } from './notify.js';
import { clear, dateTime, h, time } from './dom.js';
import { renderMe } from './me.js';
import { renderResident } from './resident.js';

const MAX_PHOTOS = 6;
const main = document.getElementById('main');
const tabs = document.getElementById('tabs');
const state = {
  tab: 'today',
  today: JSON.parse(localStorage.getItem('boai.today') ?? 'null'),
  catalogue: JSON.parse(localStorage.getItem('boai.catalogue') ?? '[]'),
  visit: JSON.parse(localStorage.getItem('boai.visit') ?? 'null'),
  outbox: [],
  reminded: new Set(JSON.parse(sessionStorage.getItem('boai.reminded') ?? '[]')),
  live: null,
  /** The sign-in screen is up: nothing else may replace it. */
  signingIn: false,
};
let timerHandle;

const item = (itemId) => state.catalogue.find((c) => c.itemId === itemId);
const saveVisit = () => (state.visit ? localStorage.setItem('boai.visit', JSON.stringify(state.visit)) : localStorage.removeItem('boai.visit'));
const newId = (prefix) => `${prefix}-${crypto.randomUUID().replace(/-/g, '')}`;

function problemText(error) {
  if (error instanceof ApiError && error.status === 0) return t('error.offline');
  return error?.problem?.title ?? error?.message ?? String(error);
}

// ---------- sign-in ----------
async function renderSignIn(expired) {
  state.signingIn = true;
  tabs.hidden = true;
  const list = h('div', { className: 'stack' });
  const view = h('section', { className: 'card', dataset: { testid: 'signin' } },
    h('h2', {}, t('signin.title')),
    expired ? h('p', { className: 'warn', dataset: { testid: 'signin-expired' } }, t('signin.expired')) : null,
    list,
    h('form', {
      className: 'stack',
      onsubmit: (event) => {
        event.preventDefault();
        const token = event.target.elements.token.value.trim();
        if (readToken(token)) signedIn(token);
        else showBanner(t('signin.tokenInvalid'), 'error');
      },
    },
    h('label', { htmlFor: 'token' }, t('signin.token')),
    h('textarea', { id: 'token', name: 'token', rows: 3 }),
    h('button', { type: 'submit', className: 'btn' }, t('signin.useToken'))));
  clear(main).append(view);
  try {
    const accounts = await api.demoAccounts();
    for (const v of accounts.volunteers) {
      list.append(h('button', { type: 'button', className: 'btn btn-big', dataset: { testid: `signin-volunteer-${v.sub}` }, onclick: () => demo({ sub: v.sub, role: 'volunteer', districts: [] }) },
        t('signin.asVolunteer', { name: v.maskedName, id: v.sub })));
    }
    if (accounts.volunteers.length + accounts.residents.length === 0) list.append(h('p', { className: 'muted' }, t('signin.noDemo')));
    for (const r of accounts.residents) {
      list.append(h('button', { type: 'button', className: 'btn btn-big btn-alt', dataset: { testid: 'signin-resident' }, onclick: () => demo({ sub: r.sub, role: 'resident', districts: [], household: r.household }) },
        t('signin.asResident', { community: r.community })));
    }
  } catch {
    list.append(h('p', { className: 'muted' }, t('signin.noDemo')));
  }
}

async function demo(claims) {
  try {
    const { token, refreshToken } = await api.devToken(claims);
    signedIn(token, refreshToken);
  } catch (error) {
    showBanner(problemText(error), 'error');
  }
}

async function signedIn(token, refreshToken) {
  state.signingIn = false;
  // A new sign-in ends the old session: its refresh token belongs to whoever held the old token.
  setToken(token, refreshToken ?? null);
  if (!refreshToken) {
    // A token pasted in: make it a refreshable session, so the visit outlives the token's 15 minutes.
    try {
      const session = await api.openSession();
      setToken(session.token, session.refreshToken);
    } catch {
      // Offline or not offered: the token works until it ends, then the volunteer signs in again.
    }
  }
  await resume();
  route();
}

function signOut() {
  const refreshToken = getRefreshToken();
  if (refreshToken) api.signOut(refreshToken).catch(() => {});
  clearToken();
  localStorage.removeItem('boai.today');
  state.today = null;
  state.live?.stop();
  state.live = null;
  route();
}

// ---------- Today (今日任务) ----------
async function loadToday() {
  const me = readToken();
  try {
    const [today, catalogue] = await Promise.all([api.today(me.sub), api.catalogue()]);
    state.today = today;
    state.catalogue = catalogue;
    localStorage.setItem('boai.today', JSON.stringify(today));
    localStorage.setItem('boai.catalogue', JSON.stringify(catalogue));
    remindDue();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return renderSignIn(true);
    showBanner(state.today ? t('today.stale') : problemText(error), 'warn');
  }
  if (state.tab === 'today') renderToday();
}

function remindDue() {
  for (const p of state.today?.pairings ?? []) {
    const due = p.dueToday;
    if (!due || due.state === 'done' || state.reminded.has(p.pairingId)) continue;
    state.reminded.add(p.pairingId);
    const household = state.today.households.find((x) => x.householdId === p.householdId);
    remind(t('remind.due', { community: household?.community ?? p.householdId, time: time(due.slotStart, lang()) }));
  }
  sessionStorage.setItem('boai.reminded', JSON.stringify([...state.reminded]));
}

function householdCard(householdId) {
  const x = state.today.households.find((hh) => hh.householdId === householdId);
  if (!x) return h('p', {}, householdId);
  return h('div', { className: 'household' },
    h('p', { className: 'strong' }, `${x.community} · ${x.residentName}`),
    h('p', { dataset: { testid: 'household-address' } }, x.address),
    x.contactPhone ? h('p', {}, h('a', { href: `tel:${x.contactPhone}` }, `${t('today.phone')} ${x.contactPhone}`), x.contactRelation ? ` (${x.contactRelation})` : '') : null);
}

function checkInButton(householdId, needId, itemId) {
  const busy = state.visit !== null;
  return h('button', {
    type: 'button', className: 'btn btn-big', disabled: busy, dataset: { testid: 'check-in', household: householdId },
    onclick: () => checkIn(householdId, needId, itemId),
  }, t('visit.checkIn'));
}

function renderToday() {
  const view = h('section', { className: 'stack', dataset: { testid: 'today' } }, h('h2', {}, t('today.title')));
  const today = state.today;
  if (!today) {
    view.append(h('p', { className: 'muted' }, t('today.loading')));
    return clear(main).append(view);
  }
  if (state.visit) {
    view.append(h('button', { type: 'button', className: 'btn btn-big btn-alt', onclick: () => show('visit') }, t('today.backToVisit')));
  }
  const due = today.pairings.filter((p) => p.dueToday);
  const rest = today.pairings.filter((p) => !p.dueToday);
  view.append(h('h3', {}, t('today.due', { n: due.length })));
  if (due.length === 0) view.append(h('p', { className: 'muted' }, t('today.noneDue')));
  for (const p of [...due, ...rest]) {
    const label = nameOf(item(p.itemId));
    view.append(h('article', { className: 'card', dataset: { testid: 'pairing', pairingId: p.pairingId, due: String(Boolean(p.dueToday)) } },
      h('p', { className: 'tag' }, label,
        p.slot ? ` · ${t(`day.${p.slot.day}`)} ${p.slot.start}–${p.slot.end}` : '',
        p.dueToday ? h('span', { className: `state state-${p.dueToday.state}` }, t(`due.${p.dueToday.state}`)) : null),
      householdCard(p.householdId),
      checkInButton(p.householdId, p.needId, p.itemId)));
  }
  view.append(h('h3', {}, t('today.orders', { n: today.orders.length })));
  for (const o of today.orders) {
    const label = nameOf(item(o.itemId));
    view.append(h('article', { className: 'card', dataset: { testid: 'taken-order', orderId: o.orderId } },
      h('p', { className: 'tag' }, `${label} · ${dateTime(o.windowStart, lang())}–${time(o.windowEnd, lang())}`),
      householdCard(o.householdId),
      checkInButton(o.householdId, o.orderId, o.itemId)));
  }
  view.append(h('h3', {}, t('today.offers', { n: today.offers.length })));
  if (today.offers.length === 0) view.append(h('p', { className: 'muted' }, t('today.noOffers')));
  for (const o of today.offers) {
    view.append(h('article', { className: 'card', dataset: { testid: 'offer', orderId: o.orderId } },
      h('p', { className: 'tag' }, `${nameOf(item(o.itemId))} · ${dateTime(o.windowStart, lang())}–${time(o.windowEnd, lang())}`),
      o.notes ? h('p', {}, o.notes) : null,
      h('button', { type: 'button', className: 'btn', dataset: { testid: 'claim' }, onclick: (event) => claim(o.orderId, event.target) }, t('today.claim'))));
  }
  view.append(h('button', { type: 'button', className: 'btn-quiet', onclick: askPermission }, t('remind.enable')),
    h('button', { type: 'button', className: 'btn-quiet', dataset: { testid: 'sign-out' }, onclick: signOut }, t('signin.signOut')));
  clear(main).append(view);
}

async function claim(orderId, button) {
  button.disabled = true;
  try {
    await api.claim(orderId);
    showBanner(t('today.claimed'), 'ok');
  } catch (error) {
    showBanner(error.status === 409 ? t('today.claimLost') : problemText(error), 'warn');
  }
  await loadToday();
}

// ---------- the visit ----------
function position() {
  return new Promise((resolve) => {
    if (!navigator.geolocation) return resolve(null);
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lat: p.coords.latitude, lng: p.coords.longitude, accuracyM: Math.round(p.coords.accuracy) }),
      () => resolve(null),
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  });
}

async function checkIn(householdId, needId, itemId) {
  const location = await position();
  if (!location) showBanner(t('visit.noLocation'), 'warn');
  const at = new Date().toISOString();
  state.visit = { visitId: newId('pv'), householdId, needId, itemId, startedAt: at, photos: [], placard: false };
  saveVisit();
  await enqueue({ kind: 'checkIn', visitId: state.visit.visitId, body: { householdId, needId, at, ...(location ? { location } : {}) } });
  show('visit');
}

function renderVisit() {
  clearInterval(timerHandle);
  const visit = state.visit;
  if (!visit) {
    return clear(main).append(h('section', { className: 'card', dataset: { testid: 'no-visit' } }, h('p', {}, t('visit.none'))));
  }
  const household = state.today?.households.find((x) => x.householdId === visit.householdId);
  const timer = h('p', { className: 'timer', dataset: { testid: 'timer' } });
  const tick = () => {
    const s = Math.max(0, Math.floor((Date.now() - Date.parse(visit.startedAt)) / 1000));
    timer.textContent = [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60].map((n) => String(n).padStart(2, '0')).join(':');
  };
  tick();
  timerHandle = setInterval(tick, 1000);

  const category = household?.category;
  const items = state.catalogue.filter((c) => c.category === category || c.itemId === visit.itemId);
  const services = h('fieldset', { className: 'stack' }, h('legend', {}, t('visit.services')),
    ...(items.length ? items : state.catalogue).map((c) => h('label', { className: 'check' },
      h('input', { type: 'checkbox', name: 'service', value: c.itemId, checked: c.itemId === visit.itemId }), nameOf(c))));
  const observations = h('fieldset', { className: 'stack' }, h('legend', {}, t('visit.observations')),
    h('p', { className: 'muted' }, t('visit.observationsHint')),
    ...['health', 'mood', 'homeSafety'].map((kind) => h('div', { className: 'observation' },
      h('label', { className: 'check' }, h('input', { type: 'checkbox', name: 'observation', value: kind, dataset: { testid: `observation-${kind}` } }), t(`observation.${kind}`)),
      h('input', { type: 'text', name: `note-${kind}`, placeholder: t('visit.observationNote'), maxLength: 500 }))));
  const thumbs = h('div', { className: 'thumbs', dataset: { testid: 'photos' } },
    ...visit.photos.map((_, i) => h('span', { className: 'thumb', dataset: { testid: 'photo-thumb' } }, t('visit.photoQueued', { n: i + 1 }))));
  const photoInput = h('input', {
    type: 'file', accept: 'image/*', capture: 'environment', multiple: true, dataset: { testid: 'photo-input' }, className: 'visually-hidden', id: 'photo-input',
    onchange: async (event) => {
      for (const file of event.target.files) {
        if (state.visit.photos.length >= MAX_PHOTOS) {
          showBanner(t('visit.photoLimit', { n: MAX_PHOTOS }), 'warn');
          break;
        }
        try {
          const blob = await resize(file);
          const photoId = newId('ph').slice(0, 24);
          state.visit.photos.push(photoId);
          saveVisit();
          await enqueue({ kind: 'photo', visitId: state.visit.visitId, photoId, blob });
        } catch {
          showBanner(t('visit.photoUnreadable'), 'warn');
        }
      }
      renderVisit();
    },
  });
  const scanner = h('div', { id: 'qr-reader', className: 'scanner' });
  const form = h('form', {
    className: 'stack',
    onsubmit: async (event) => {
      event.preventDefault();
      await checkOut(new FormData(event.target));
    },
  }, services, observations,
  h('label', { htmlFor: 'notes' }, t('visit.notes')),
  h('textarea', { id: 'notes', name: 'notes', rows: 3, maxLength: 2000, dataset: { testid: 'notes' } }),
  h('button', { type: 'submit', className: 'btn btn-big btn-danger', dataset: { testid: 'check-out' } }, t('visit.checkOut')));

  clear(main).append(h('section', { className: 'stack', dataset: { testid: 'visit', visitId: visit.visitId } },
    h('h2', {}, t('visit.title')),
    h('article', { className: 'card' }, h('p', { className: 'tag' }, nameOf(item(visit.itemId))), household ? householdCard(visit.householdId) : null,
      h('p', { className: 'muted' }, t('visit.startedAt', { time: time(visit.startedAt, lang()) })), timer),
    h('article', { className: 'card stack' },
      h('label', { htmlFor: 'photo-input', className: 'btn btn-alt' }, t('visit.addPhoto', { n: visit.photos.length, max: MAX_PHOTOS })), photoInput, thumbs,
      visit.placard ? h('p', { className: 'ok', dataset: { testid: 'placard-ok' } }, t('visit.placardQueued'))
        : h('button', { type: 'button', className: 'btn btn-alt', dataset: { testid: 'scan' }, onclick: () => scan(scanner) }, t('visit.scan')),
      scanner),
    form));
}

async function scan(target) {
  if (!window.Html5Qrcode) return showBanner(t('visit.scanUnavailable'), 'warn');
  const reader = new Html5Qrcode(target.id);
  try {
    await reader.start({ facingMode: 'environment' }, { fps: 10, qrbox: 220 }, async (code) => {
      await reader.stop();
      state.visit.placard = true;
      saveVisit();
      await enqueue({ kind: 'placard', visitId: state.visit.visitId, body: { code, at: new Date().toISOString() } });
      renderVisit();
    });
  } catch {
    showBanner(t('visit.scanUnavailable'), 'warn');
  }
}

async function checkOut(data) {
  const visit = state.visit;
  const location = await position();
  if (!location) showBanner(t('visit.noLocation'), 'warn');
  const at = new Date().toISOString();
  const notes = data.get('notes')?.trim() || null;
  const observations = data.getAll('observation').map((kind) => ({ kind, note: data.get(`note-${kind}`)?.trim() ?? '' }));
  await enqueue({ kind: 'checkOut', visitId: visit.visitId, body: { at, services: data.getAll('service'), notes, ...(location ? { location } : {}) } });
  await enqueue({ kind: 'record', visitId: visit.visitId, body: { observations, notes, at } });
  state.visit = null;
  saveVisit();
  clearInterval(timerHandle);
  showBanner(t('visit.checkedOut'), 'ok');
  show('today');
  loadToday();
}

// ---------- outbox (待上传) ----------
function renderCount() {
  const n = waitingVisits(state.outbox);
  const el = document.getElementById('outbox-count');
  el.textContent = `${t('outbox.waiting')} ${n}`;
  el.dataset.count = String(n);
  el.classList.toggle('has-waiting', n > 0);
}

function renderOutbox() {
  const visible = state.outbox.slice().reverse();
  clear(main).append(h('section', { className: 'stack', dataset: { testid: 'outbox' } },
    h('h2', {}, t('outbox.title')),
    h('p', { className: 'muted' }, navigator.onLine ? t('outbox.online') : t('outbox.offline')),
    visible.length === 0 ? h('p', { className: 'muted' }, t('outbox.empty')) : null,
    ...visible.map((i) => h('article', { className: `card outbox-item state-${i.state}`, dataset: { testid: 'outbox-item', state: i.state, kind: i.kind } },
      h('p', { className: 'strong' }, `${t(`outbox.kind.${i.kind}`)} · ${dateTime(new Date(i.queuedAt).toISOString(), lang())}`),
      h('p', {}, t(`outbox.state.${i.state}`), i.attempts ? ` · ${t('outbox.attempts', { n: i.attempts })}` : ''),
      i.state === 'tooOld' ? h('p', { className: 'warn', dataset: { testid: 'ask-backfill' } }, t('outbox.tooOld')) : null,
      i.state === 'refused' && i.error ? h('p', { className: 'warn' }, i.error) : null))));
}

// ---------- navigation ----------
function show(tab) {
  state.tab = tab;
  for (const b of tabs.querySelectorAll('button')) b.setAttribute('aria-current', String(b.dataset.tab === tab));
  clearInterval(timerHandle);
  if (tab === 'today') renderToday();
  else if (tab === 'visit') renderVisit();
  else if (tab === 'outbox') renderOutbox();
  else renderMe(main, { onExpired: () => renderSignIn(true), problemText, catalogue: state.catalogue });
}

function route() {
  const me = readToken();
  if (me?.expired && getRefreshToken()) {
    // Offline, the phone keeps working on what it has; the outbox waits and sends once a refresh goes through.
    refreshSession().then((outcome) => (outcome === 'refused' ? renderSignIn(true) : routeAs(readToken())));
    return undefined;
  }
  if (!me || me.expired) return renderSignIn(Boolean(me?.expired));
  return routeAs(me);
}

function routeAs(me) {
  document.getElementById('outbox-count').hidden = me.role !== 'volunteer';
  if (me.role === 'resident') {
    tabs.hidden = true;
    return renderResident(main, { onSignOut: signOut, onExpired: () => renderSignIn(true), problemText });
  }
  if (me.role !== 'volunteer') return renderSignIn(false);
  tabs.hidden = false;
  show(state.visit && state.tab === 'today' ? 'visit' : state.tab);
  loadToday();
  state.live ??= connectLive({
    orderOffered: (offer) => {
      remind(t('remind.offer', { item: nameOf(item(offer.itemId)) || offer.itemId, time: dateTime(offer.windowStart, lang()) }));
      loadToday();
    },
    orderUpdated: () => loadToday(),
    reconnected: () => loadToday(),
  });
}

async function start() {
  await initI18n();
  document.getElementById('lang-toggle').addEventListener('click', async () => {
    await toggleLang();
    document.getElementById('banner').hidden = true;
    apply(document);
    renderCount();
    route();
  });
  for (const b of tabs.querySelectorAll('button')) b.addEventListener('click', () => show(b.dataset.tab));
  onOutboxChange((items) => {
    state.outbox = items;
    renderCount();
    if (state.tab === 'outbox' && !state.signingIn && readToken()?.role === 'volunteer') renderOutbox();
  });
  state.outbox = await all();
  renderCount();
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('sw.js').catch(() => {});
  startSending({ signInNeeded: () => renderSignIn(true) });
  // Refresh ahead of the access token's end while the app is open (the requests themselves refresh too).
  setInterval(() => {
    if (getRefreshToken() && expiresSoon() && navigator.onLine) refreshSession();
  }, 30000);
  route();
  window.boaiPhone = { state, outbox: all, ready: true };
}

start();
