// The volunteer app's service worker: serves the app shell from its cache so the app opens with no network at all.
// API calls are never cached here: the outbox (IndexedDB) owns what the phone must send.
const CACHE = 'boai-volunteer-v1';
const SHELL = [
  './',
  './index.html',
  './app.css',
  './manifest.webmanifest',
  './i18n/zh-CN.json',
  './i18n/en.json',
  './js/app.js',
  './js/api.js',
  './js/i18n.js',
  './js/outbox.js',
  './js/photos.js',
  './js/live.js',
  './js/notify.js',
  './js/resident.js',
  './js/me.js',
  '../favicon.svg',
  '../lib/idb.js',
  '../lib/signalr.min.js',
  '../lib/html5-qrcode.min.js',
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
    await self.clients.claim();
  })());
});

// Network first (a new version shows at once when online), the cache when the network fails.
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/hubs/')) {
    return;
  }
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(event.request);
      if (response.ok) await cache.put(event.request, response.clone());
      return response;
    } catch (error) {
      const cached = await cache.match(event.request, { ignoreSearch: true });
      if (cached) return cached;
      throw error;
    }
  })());
});
