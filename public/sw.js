// The Stegvis service worker. The server fills in VERSION and PRECACHE when
// it starts (server/src/offline.rs). See docs/offline.md.
//
// - Precaches the files participant pages use; serves them cache-first.
// - Navigations go to the network first; without an answer within a few
//   seconds the kept offline page is shown, into which participant.js draws
//   the kept check-in.
// - Caches nothing else: staff pages, exports and API answers pass through.
// - Never takes over by itself (no skipWaiting on install): the page asks,
//   and only when no answers wait, or when the participant taps "update".
// - Never touches the outbox (IndexedDB) on activate; sends it on Background
//   Sync.
import { flush, SYNC_TAG } from './outbox.js';

const VERSION = '__STEGVIS_VERSION__';
const PRECACHE = __STEGVIS_PRECACHE__;
const STATIC_CACHE = `stegvis-static-${VERSION}`;
const PAGES_CACHE = 'stegvis-pages';
const OFFLINE_PAGE = '/offline';
const NETWORK_TIMEOUT_MS = 6000;

// Used only if even the offline page was never kept.
const LAST_RESORT = `<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Stegvis</title></head>
<body><main><h1>Du är utan internet nu</h1><p>Öppna Stegvis när du har internet.</p></main></body></html>`;

async function keepOfflinePage() {
  try {
    const res = await fetch(OFFLINE_PAGE, { credentials: 'same-origin', cache: 'no-store' });
    if (res.ok) await (await caches.open(PAGES_CACHE)).put(OFFLINE_PAGE, res);
  } catch {
    // Kept next time the page asks.
  }
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(STATIC_CACHE);
      await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: 'no-cache' })));
      await keepOfflinePage();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith('stegvis-static-') && key !== STATIC_CACHE) await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
  if (event.data === 'keep-offline-page') event.waitUntil(keepOfflinePage());
  if (event.data === 'version' && event.source) event.source.postMessage({ version: VERSION });
});

self.addEventListener('sync', (event) => {
  if (event.tag !== SYNC_TAG) return;
  event.waitUntil(
    flush().then((outcome) => {
      // Rejecting asks the browser to try the sync again later.
      if (outcome === 'offline' || outcome === 'retry') throw new Error(`outbox: ${outcome}`);
    }),
  );
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

async function cacheFirst(request) {
  const cache = await caches.open(STATIC_CACHE);
  const hit = await cache.match(request, { ignoreSearch: true });
  if (hit) return hit;
  const res = await fetch(request);
  if (res.ok) await cache.put(request, res.clone());
  return res;
}

async function networkFirst(request) {
  try {
    return await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
  } catch {
    const kept = await (await caches.open(PAGES_CACHE)).match(OFFLINE_PAGE);
    return (
      kept ??
      new Response(LAST_RESORT, {
        headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
      })
    );
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (PRECACHE.includes(url.pathname)) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === 'navigate') {
    event.respondWith(networkFirst(request));
  }
});
