/* The installable app in the page (docs/pwa.md): registers the service
   worker, shows the « hors ligne » banner, keeps what is written offline in
   the outbox (outbox.js) and sends it when the connection returns, and clears
   the kept pages on logout. Every text comes from the page (#pwa-strings). */
/* global Outbox */
"use strict";

(function () {
  const script = document.currentScript || document.querySelector("script[data-sw]");
  const strings = (document.getElementById("pwa-strings") || { dataset: {} }).dataset;
  const accountMeta = document.querySelector('meta[name="sc-account"]');
  const account = accountMeta ? accountMeta.content : "";
  const banner = document.querySelector("[data-offline-banner]");
  // A copy kept by the worker arrives with its banner already shown.
  // It stays until the network comes back; live.js then brings what it missed.
  let keptCopy = Boolean(banner && !banner.hidden);
  const hasWorker = "serviceWorker" in navigator;

  if (hasWorker) {
    navigator.serviceWorker.register(script.dataset.sw, { scope: "/" }).catch(() => {});
  }

  function showBanner() {
    if (banner) banner.hidden = navigator.onLine && !keptCopy;
  }

  function csrfToken() {
    const name = script.dataset.csrfCookie + "=";
    const cookie = document.cookie.split("; ").find((part) => part.startsWith(name));
    return cookie ? decodeURIComponent(cookie.slice(name.length)) : "";
  }

  const newKey = () =>
    (self.crypto && crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2) + Date.now()).replace(/-/g, "");

  function renewKey(form) {
    const input = form.querySelector("input[name=client_key]");
    if (input) input.value = newKey();
  }

  const forms = Array.from(document.querySelectorAll("form[data-offline-queue]"));
  const pathOf = (form) => new URL(form.action, location.href).pathname;

  function listFor(form) {
    let list = form.previousElementSibling;
    if (!list || !list.classList.contains("outbox-list")) {
      list = document.createElement("ul");
      list.className = "outbox-list";
      list.setAttribute("aria-label", strings.listLabel);
      list.setAttribute("aria-live", "polite");
      form.before(list);
    }
    return list;
  }

  function itemElement(item, sentUrl) {
    const li = document.createElement("li");
    li.className = "outbox-item";
    li.dataset.state = sentUrl ? "sent" : item.state;
    const state = document.createElement("strong");
    state.className = "outbox-state";
    state.textContent = sentUrl ? strings.sent : item.state === "refused" ? strings.refused : strings.pending;
    const text = document.createElement("span");
    text.className = "outbox-text";
    text.textContent = item.text;
    li.append(state, " ", text);
    if (item.error && !sentUrl) {
      const error = document.createElement("span");
      error.className = "outbox-error";
      error.textContent = " — " + item.error;
      li.append(error);
    }
    if (sentUrl) {
      const link = document.createElement("a");
      link.href = sentUrl;
      link.textContent = strings.see;
      li.append(" ", link);
    } else if (item.state === "refused") {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link-button";
      button.textContent = strings.remove;
      button.addEventListener("click", () => Outbox.remove(item.id).then(render));
      li.append(" ", button);
    }
    return li;
  }

  const sentItems = [];

  async function render() {
    if (!forms.length || !account) return;
    const items = (await Outbox.all()).filter((item) => item.account === account);
    for (const form of forms) {
      const path = pathOf(form);
      const list = listFor(form);
      const mine = items.filter((item) => item.action === path);
      const sent = sentItems.filter((entry) => entry.item.action === path);
      list.replaceChildren(
        ...mine.map((item) => itemElement(item)),
        ...sent.map((entry) => itemElement(entry.item, entry.url)),
      );
      list.hidden = list.children.length === 0;
    }
  }

  function flush() {
    if (!account || !navigator.onLine || !self.Outbox) return Promise.resolve();
    return Outbox.flush(account, csrfToken(), script.dataset.login, (item, result) => {
      if (result.outcome === "sent") sentItems.push({ item, url: result.url });
    }).then(render, render);
  }

  async function keepOffline(event) {
    const form = event.currentTarget;
    // Online, the form goes as it always did (the worker keeps it if that fails).
    if (navigator.onLine || !account) return;
    event.preventDefault();
    await Outbox.add(account, form.action, new FormData(form, event.submitter));
    form.reset();
    renewKey(form);
    const status = form.querySelector(".outbox-note") || document.createElement("p");
    status.className = "outbox-note help";
    status.setAttribute("role", "status");
    status.textContent = strings.saved;
    form.append(status);
    await render();
    if (hasWorker) {
      navigator.serviceWorker.ready
        .then((registration) => registration.sync && registration.sync.register("sc-outbox"))
        .catch(() => {});
    }
  }

  for (const form of forms) {
    // A copy shown twice would send the same key twice: a fresh key per visit.
    if (keptCopy) renewKey(form);
    form.addEventListener("submit", keepOffline);
  }

  // On logout: no page read by this member stays on the device.
  const logout = document.querySelector("form[data-logout]");
  if (logout) {
    logout.addEventListener("submit", (event) => {
      if (!self.caches) return;
      event.preventDefault();
      const cleared = caches.keys().then((names) =>
        Promise.all(names.filter((name) => name.startsWith("sc-pages-")).map((name) => caches.delete(name))),
      );
      const worker = hasWorker && navigator.serviceWorker.controller;
      if (worker) worker.postMessage({ type: "logout" });
      const timeout = new Promise((resolve) => setTimeout(resolve, 1000));
      Promise.race([cleared, timeout]).finally(() => logout.submit());
    });
  }

  // The offline page lists the pages kept for the account last signed in.
  const keptList = document.querySelector("[data-kept-pages]");
  async function listKeptPages() {
    const who = await Outbox.account();
    const names = (await caches.keys()).filter((name) => name.startsWith("sc-pages-"));
    const entries = [];
    for (const name of names) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        const response = await cache.match(request);
        if (!response || response.headers.get("X-Account-Id") !== who) continue;
        const title = /<title>([\s\S]*?)<\/title>/.exec(await response.text());
        entries.push({ url: request.url, title: title ? title[1].trim() : request.url });
      }
    }
    keptList.replaceChildren(
      ...entries.reverse().map((entry) => {
        const li = document.createElement("li");
        const link = document.createElement("a");
        link.href = entry.url;
        // The title is HTML-escaped in the page: decoded through the parser.
        link.textContent = new DOMParser().parseFromString(entry.title, "text/html").body.textContent;
        li.append(link);
        return li;
      }),
    );
    keptList.closest("[data-kept-pages-section]").hidden = entries.length === 0;
  }
  if (keptList && self.caches && self.Outbox) listKeptPages().catch(() => {});

  window.addEventListener("offline", showBanner);
  window.addEventListener("online", () => {
    keptCopy = false;
    showBanner();
    flush();
  });
  showBanner();
  if (self.Outbox && account) {
    // A page fetched before the worker took control: the worker has not seen
    // who is signed in yet, and needs it to keep a form whose send fails.
    Outbox.account()
      .then((known) => (known === undefined ? Outbox.setAccount(account) : null))
      .catch(() => {});
    render().then(flush);
  }
})();
