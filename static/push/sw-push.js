/* Web push in the service worker (docs/push.md). Loaded by the site's service
   worker (pwa/, /sw.js) with importScripts.

   A push message's payload is JSON: {title, body, url, tag}. It holds only
   what the member's preferences allow (push/payloads.py); a click opens `url`
   (a path of this site) in a tab of the site, or a new one. */
/* global self, clients */
"use strict";

self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = {};
  }
  const title = message.title || "Smart Citizen";
  const options = {
    body: message.body || "",
    tag: message.tag || undefined,
    icon: "/static/pwa/icon-192.png",
    badge: "/static/pwa/badge-96.png",
    data: { url: typeof message.url === "string" && message.url.startsWith("/") ? message.url : "/" },
  };
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data.url || "/", self.location.origin).href;
  event.waitUntil(
    clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if (client.url === target && "focus" in client) {
          return client.focus();
        }
      }
      return clients.openWindow(target);
    }),
  );
});
