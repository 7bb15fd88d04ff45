import { getToken } from './auth.js';
import { LIVE_EVENTS } from './live-events.js';

export const HUB_PATH = '/hubs/dashboard';
export const HUB_EVENTS = Object.keys(LIVE_EVENTS);
const MAX_RESTART_DELAY_MS = 30_000;

function looksUnauthorized(error) {
  return /\b401\b|Unauthorized/i.test(String(error?.message ?? error));
}

/**
 * The dashboard hub connection. SignalR's automatic reconnect covers short outages; when it gives up
 * (or the first start fails) we keep restarting with backoff for as long as the page is signed in.
 * onConnected runs after every successful (re)connect: the caller re-watches and re-reads its snapshot,
 * since events sent while we were away are gone.
 */
export function createLive({ onState, onEvent, onConnected, onUnauthorized, onStartFailed }) {
  let connection = null;
  let running = false;
  let restartTimer = null;
  let attempt = 0;

  function build() {
    const signalR = window.signalR;
    const built = new signalR.HubConnectionBuilder()
      .withUrl(HUB_PATH, { accessTokenFactory: () => getToken() ?? '' })
      .withAutomaticReconnect()
      .configureLogging(signalR.LogLevel.Warning)
      .build();
    for (const name of HUB_EVENTS) built.on(name, (payload) => onEvent(name, payload));
    built.onreconnecting(() => onState('reconnecting'));
    built.onreconnected(() => connected(built));
    built.onclose(() => {
      if (!running || built !== connection) return;
      onState('reconnecting');
      scheduleRestart();
    });
    return built;
  }

  async function connected(current) {
    attempt = 0;
    onState('connected');
    try {
      await onConnected(current);
    } catch (error) {
      console.warn('after connect', error);
    }
  }

  async function startOnce() {
    restartTimer = null;
    if (!running) return;
    const current = connection;
    try {
      await current.start();
    } catch (error) {
      if (!running || current !== connection) return;
      if (looksUnauthorized(error)) {
        onUnauthorized();
        return;
      }
      onState('reconnecting');
      onStartFailed?.(error);
      scheduleRestart();
      return;
    }
    if (running && current === connection) await connected(current);
  }

  function scheduleRestart() {
    if (!running || restartTimer !== null) return;
    const base = Math.min(MAX_RESTART_DELAY_MS, 1000 * 2 ** attempt);
    attempt += 1;
    const jittered = base * (0.8 + Math.random() * 0.4);
    restartTimer = setTimeout(startOnce, jittered);
  }

  return {
    /** Returns false when the SignalR library is not on the page (the page then still works without live updates). */
    start() {
      if (running) return true;
      if (!window.signalR) {
        onState('disconnected');
        return false;
      }
      running = true;
      attempt = 0;
      connection = build();
      onState('connecting');
      startOnce();
      return true;
    },

    async stop() {
      running = false;
      clearTimeout(restartTimer);
      restartTimer = null;
      const current = connection;
      connection = null;
      onState('disconnected');
      if (current) await current.stop().catch(() => {});
    },

    invoke(method, ...args) {
      if (!connection) return Promise.reject(new Error('not connected'));
      return connection.invoke(method, ...args);
    },
  };
}
