// The volunteer's own hub connection: new orders offered to them (orderOffered) and changes of orders (orderUpdated).
import { getToken } from './api.js';

export function connectLive(handlers) {
  if (!window.signalR) return null;
  const connection = new signalR.HubConnectionBuilder()
    .withUrl('/hubs/dashboard', { accessTokenFactory: () => getToken() ?? '' })
    .withAutomaticReconnect([0, 2000, 5000, 10000, 30000])
    .build();
  for (const [event, handler] of Object.entries(handlers)) connection.on(event, handler);
  const start = () => connection.start().catch(() => setTimeout(start, 10000));
  start();
  return connection;
}
