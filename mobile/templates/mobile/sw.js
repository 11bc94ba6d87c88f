/* UrbanGrid phone app service worker. Version {{ version }}.
   The app shell is served from the cache (cache first), so the app opens offline and a later load
   costs ~0 bytes; a new shell version (new hash) replaces the cache once. GET requests for data
   go to the network first and fall back to the last copy. Writes are never touched here: the
   page's outbox (IndexedDB) owns them. */
const VERSION = "{{ version }}";
const SHELL = "shell-" + VERSION;
const DATA = "data-v1";
const SHELL_URLS = {{ shell_urls|safe }};
const LANGUAGE = "{{ language }}"; // the shell is fetched in the language of the page that registered us

async function cacheShell() {
  const cache = await caches.open(SHELL);
  await Promise.all(
    SHELL_URLS.map(async (url) => {
      const response = await fetch(url, { credentials: "same-origin", cache: "no-cache", headers: { "Accept-Language": LANGUAGE } });
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      await cache.put(url, response);
    })
  );
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    cacheShell().then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k.startsWith("shell-") && k !== SHELL).map((k) => caches.delete(k)))).then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === "/m/") {
    event.respondWith(caches.match("/m/", { cacheName: SHELL, ignoreVary: true }).then((hit) => hit || fetch(request)));
    return;
  }
  if (SHELL_URLS.includes(url.pathname + url.search)) {
    event.respondWith(caches.match(request, { cacheName: SHELL, ignoreVary: true }).then((hit) => hit || fetch(request)));
    return;
  }
  if (url.pathname.startsWith("/m/api/") || url.pathname.startsWith("/api/")) {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(DATA).then((cache) => cache.put(request, copy));
          }
          return response;
        })
        .catch(() => caches.match(request, { cacheName: DATA }).then((hit) => hit || Response.error()))
    );
  }
});
