// The volunteer's own hub connection: new orders offered to them (orderOffered) and changes of orders (orderUpdated).
import { getToken } from './api.js';

const HUB_EVENTS = ['orderOffered', 'orderUpdated'];

export function connectLive(handlers) {
  if (!window.signalR) return null;
  const connection = new signalR.HubConnectionBuilder()
    .withUrl('/hubs/dashboard', { accessTokenFactory: () => getToken() ?? '' })
    .withAutomaticReconnect([0, 2000, 5000, 10000, 30000])
    .build();
  for (const event of HUB_EVENTS) if (handlers[event]) connection.on(event, handlers[event]);
  let stopped = false;
  // The connection's state on the page, for the eye and for tests: connected, reconnecting or disconnected.
  const mark = (state) => { document.documentElement.dataset.live = state; };
  const start = () => {
    if (stopped) return;
    connection.start().then(() => mark('connected'), () => setTimeout(start, 10000));
  };
  connection.onreconnecting(() => mark('reconnecting'));
  connection.onreconnected(() => { mark('connected'); handlers.reconnected?.(); });
  connection.onclose(() => {
    mark('disconnected');
    setTimeout(start, 10000);
  });
  start();
  return {
    stop() {
      stopped = true;
      return connection.stop();
    },
  };
}
