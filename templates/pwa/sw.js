/* Smart Citizen's service worker (docs/pwa.md), rendered by pwa/views.py so
   that its static URLs and cache version follow each deployment.

   - Precaches the app shell (styles, scripts, icons, the offline page).
   - Navigations: network first; the pages a member last read (at most
     CONFIG.pagesKept, never the paths of CONFIG.neverCached, never a response
     marked no-store or private) are kept and served offline with the
     « hors ligne » banner, only to the account they were read by.
   - A post, comment or chat message whose send fails is kept in the outbox
     (outbox.js) and sent again later (app.js, Background Sync). */
/* global self, caches, clients, importScripts, Outbox */
"use strict";

const CONFIG = {{ config|safe }};
importScripts("{{ push_script }}");
importScripts("{{ outbox_script }}");

const SHELL = "sc-shell-" + CONFIG.version;
const PAGES = "sc-pages-" + CONFIG.version;
const ACCOUNT_HEADER = "X-Account-Id";

async function precache() {
  const cache = await caches.open(SHELL);
  await cache.addAll(CONFIG.shell);
  // Rendered for nobody: the offline page carries no member's data.
  const offline = await fetch(CONFIG.offline, { credentials: "omit" });
  if (offline.ok) await cache.put(CONFIG.offline, offline);
}

self.addEventListener("install", (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("sc-") && name !== SHELL && name !== PAGES) {
          await caches.delete(name);
        }
      }
      await self.clients.claim();
    })(),
  );
});

const neverCached = (path) => CONFIG.neverCached.some((prefix) => path.startsWith(prefix));
const queued = (path) => CONFIG.queued.some((pattern) => new RegExp(pattern).test(path));

function storable(response) {
  const type = response.headers.get("Content-Type") || "";
  const control = response.headers.get("Cache-Control") || "";
  return (
    response.status === 200 &&
    response.type === "basic" &&
    !response.redirected &&
    type.startsWith("text/html") &&
    !/no-store|private/i.test(control) &&
    response.headers.has(ACCOUNT_HEADER)
  );
}

// Who is signed in, as the last page from the network said. A change of
// account (a logout, another member signing in, a session that ended) drops
// every kept page: one member's copy is never served to another.
async function noteAccount(response) {
  const account = response.headers.get(ACCOUNT_HEADER);
  if (account === null) return;
  if ((await Outbox.account()) !== account) {
    await caches.delete(PAGES);
    await Outbox.setAccount(account);
  }
}

async function keep(request, response) {
  await noteAccount(response);
  if (!storable(response)) return;
  const cache = await caches.open(PAGES);
  // Delete then put: the keys stay in order of last reading.
  await cache.delete(request.url);
  await cache.put(request.url, response);
  const keys = await cache.keys();
  for (const old of keys.slice(0, Math.max(0, keys.length - CONFIG.pagesKept))) {
    await cache.delete(old);
  }
}

async function offlinePage() {
  const page = await caches.match(CONFIG.offline);
  return page || Response.error();
}

async function keptPage(request) {
  const cache = await caches.open(PAGES);
  const copy = await cache.match(request.url);
  if (!copy || copy.headers.get(ACCOUNT_HEADER) !== (await Outbox.account())) return null;
  // The banner is in every page, hidden: shown on a kept copy, even without JS.
  const html = (await copy.text()).replace("data-offline-banner hidden", "data-offline-banner");
  const headers = new Headers(copy.headers);
  headers.delete("Content-Length");
  return new Response(html, { status: 200, headers });
}

async function networkFirst(event) {
  try {
    const response = await fetch(event.request);
    event.waitUntil(keep(event.request, response.clone()));
    return response;
  } catch (error) {
    return (await keptPage(event.request)) || offlinePage();
  }
}

async function networkOrOffline(event) {
  try {
    const response = await fetch(event.request);
    event.waitUntil(noteAccount(response.clone()));
    return response;
  } catch (error) {
    return offlinePage();
  }
}

async function cacheFirst(request) {
  const hit = await caches.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") {
    const cache = await caches.open(SHELL);
    await cache.put(request, response.clone());
  }
  return response;
}

// A form of the outbox sent without JavaScript's help (or before the page
// knew it was offline): kept when the network fails, and the member is sent
// back to the page they wrote it on, where it shows « en attente ».
async function sendOrKeep(event) {
  const copy = event.request.clone();
  try {
    return await fetch(event.request);
  } catch (error) {
    const account = await Outbox.account();
    if (account) {
      await Outbox.add(account, copy.url, await copy.formData());
      if (self.registration.sync) {
        await self.registration.sync.register("sc-outbox").catch(() => {});
      }
    }
    return Response.redirect(event.request.referrer || "/", 303);
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && request.mode === "navigate" && queued(url.pathname)) {
    event.respondWith(sendOrKeep(event));
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    event.respondWith(neverCached(url.pathname) ? networkOrOffline(event) : networkFirst(event));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(request));
  }
});

// app.js asks this on a logout: forget the pages and who read them.
self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "logout") {
    event.waitUntil(Promise.all([caches.delete(PAGES), Outbox.setAccount("")]));
  }
});

// Background Sync (where the browser has it): send the outbox of the account
// signed in, with the CSRF cookie read through the Cookie Store API.
self.addEventListener("sync", (event) => {
  if (event.tag !== "sc-outbox" || !self.cookieStore) return;
  event.waitUntil(
    (async () => {
      const account = await Outbox.account();
      const csrf = await self.cookieStore.get(CONFIG.csrfCookie);
      if (account && csrf) await Outbox.flush(account, csrf.value, CONFIG.login);
    })(),
  );
});
