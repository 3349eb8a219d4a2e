"""The installable app: the web app manifest, the service worker served from
the root scope, and the offline page (docs/pwa.md)."""
