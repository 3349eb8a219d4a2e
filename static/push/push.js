/* « Activer les notifications sur cet appareil » (docs/push.md).

   The browser's permission is asked only after the click. The subscription
   (endpoint and keys) goes to push:subscribe as JSON with the page's CSRF
   token; the server keeps one row per endpoint. The service worker is the
   site's (pwa), already registered by every page; when none is, the one named
   by data-worker-url is registered. Texts come from the page (translated). */
"use strict";

(function () {
  const box = document.querySelector("[data-push]");
  if (!box) {
    return;
  }
  const button = box.querySelector("[data-push-enable]");
  const status = box.querySelector("[data-push-status]");
  const unsupported = box.querySelector("[data-push-unsupported]");
  const texts = box.dataset;

  if (!("serviceWorker" in navigator && "PushManager" in window && "Notification" in window)) {
    unsupported.textContent = texts.textUnsupported;
    unsupported.hidden = false;
    return;
  }
  box.querySelector("[data-push-controls]").hidden = false;

  function keyBytes(base64url) {
    const base64 = (base64url + "=".repeat((4 - (base64url.length % 4)) % 4))
      .replace(/-/g, "+")
      .replace(/_/g, "/");
    return Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
  }

  function csrfToken() {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  async function workerRegistration() {
    const own = await navigator.serviceWorker.getRegistration();
    if (own) {
      return own;
    }
    const any = await navigator.serviceWorker.getRegistrations();
    if (any.length) {
      return any[0];
    }
    return navigator.serviceWorker.register(texts.workerUrl || "/sw.js");
  }

  async function enable() {
    status.textContent = texts.textWorking;
    const permission = await Notification.requestPermission();
    if (permission !== "granted") {
      status.textContent = texts.textDenied;
      return;
    }
    const registration = await workerRegistration();
    const subscription =
      (await registration.pushManager.getSubscription()) ||
      (await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(texts.publicKey),
      }));
    const response = await fetch(texts.subscribeUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(subscription.toJSON ? subscription.toJSON() : subscription),
    });
    if (!response.ok) {
      let message = texts.textError;
      try {
        message = (await response.json()).error.message || message;
      } catch (error) {
        // Not JSON (a CSRF failure page): the generic message.
      }
      status.textContent = message;
      return;
    }
    status.textContent = texts.textDone;
    box.dataset.pushState = "registered";
  }

  // Already on for this browser: say so (the button stays, to register again).
  if (Notification.permission === "granted") {
    navigator.serviceWorker
      .getRegistration()
      .then((registration) => registration && registration.pushManager.getSubscription())
      .then((subscription) => {
        if (subscription && !status.textContent) {
          status.textContent = texts.textDone;
        }
      })
      .catch(() => {});
  }

  button.addEventListener("click", () => {
    button.disabled = true;
    enable()
      .catch(() => {
        status.textContent = texts.textError;
      })
      .finally(() => {
        button.disabled = false;
      });
  });
})();
