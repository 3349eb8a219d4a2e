/* The outbox: posts, comments and chat messages written offline, kept in
   IndexedDB until the server has them (docs/pwa.md). Shared by the page
   (app.js) and the service worker (importScripts), as self.Outbox.

   An item: {id, account, action, fields: [[name, value]…], text, created,
   state: "pending" | "refused", error}. `fields` holds the form as it was sent,
   with its client key, so a retried send is stored once by the server. Only the
   account that wrote an item sends it. The "state" store keeps the account the
   worker last saw signed in (the X-Account-Id header of pages). */
/* global self, indexedDB */
"use strict";

(function (scope) {
  const DB_NAME = "sc-outbox";
  const ITEMS = "items";
  const STATE = "state";

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore(ITEMS, { keyPath: "id" });
        request.result.createObjectStore(STATE);
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  // Runs `work(store)` in one transaction; resolves with the value of the
  // request it returns (if any) once the transaction has committed.
  async function run(storeName, mode, work) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(storeName, mode);
      const request = work(tx.objectStore(storeName));
      tx.oncomplete = () => {
        db.close();
        resolve(request ? request.result : undefined);
      };
      tx.onerror = tx.onabort = () => {
        db.close();
        reject(tx.error);
      };
    });
  }

  const all = () => run(ITEMS, "readonly", (store) => store.getAll());
  const put = (item) => run(ITEMS, "readwrite", (store) => store.put(item));
  const remove = (id) => run(ITEMS, "readwrite", (store) => store.delete(id));

  async function add(account, action, formData) {
    const fields = [];
    formData.forEach((value, name) => {
      // An empty file input sends a nameless empty file: nothing to keep.
      if (typeof value !== "string" && !value.size) return;
      fields.push([name, value]);
    });
    const key = formData.get("client_key") || String(Date.now());
    const item = {
      id: account + ":" + key,
      account,
      action: new URL(action, scope.location.href).pathname,
      fields,
      text: String(formData.get("body") || ""),
      created: Date.now(),
      state: "pending",
      error: "",
    };
    await put(item);
    return item;
  }

  const errorText = (html) => {
    const match = /class="errorlist[^"]*"[^>]*>([\s\S]*?)<\/ul>/.exec(html) ||
      /class="form-errors"[^>]*>([\s\S]*?)<\/div>/.exec(html);
    return match ? match[1].replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim() : "";
  };

  // One send: "sent" (the server stored it, now or at an earlier try),
  // "refused" (the server said no: kept, with its reason, for the member to
  // copy or remove), or "later" (no network, not signed in, server busy).
  async function send(item, csrfToken, loginPath) {
    const body = new FormData();
    for (const [name, value] of item.fields) {
      if (name !== "csrfmiddlewaretoken") body.append(name, value);
    }
    body.append("csrfmiddlewaretoken", csrfToken);
    let response;
    try {
      response = await fetch(item.action, {
        method: "POST",
        body,
        credentials: "same-origin",
        redirect: "follow",
      });
    } catch (error) {
      return { outcome: "later" };
    }
    const landed = new URL(response.url).pathname;
    if (response.redirected && !landed.startsWith(loginPath) && response.ok) {
      return { outcome: "sent", url: response.url };
    }
    if ([400, 403, 404].includes(response.status)) {
      return { outcome: "refused", error: errorText(await response.text()) };
    }
    return { outcome: "later" };
  }

  let flushing = null;

  // Sends the account's pending items, oldest first; stops at the first
  // "later". One flush at a time in a context; a flush of the page and one of
  // the worker may overlap, and the client keys make that harmless.
  function flush(account, csrfToken, loginPath, onChange) {
    if (flushing) return flushing;
    flushing = (async () => {
      const items = (await all())
        .filter((item) => item.account === account && item.state === "pending")
        .sort((a, b) => a.created - b.created);
      for (const item of items) {
        const result = await send(item, csrfToken, loginPath);
        if (result.outcome === "later") break;
        if (result.outcome === "sent") {
          await remove(item.id);
        } else {
          await put({ ...item, state: "refused", error: result.error });
        }
        if (onChange) onChange(item, result);
      }
    })().finally(() => {
      flushing = null;
    });
    return flushing;
  }

  const account = () => run(STATE, "readonly", (store) => store.get("account"));
  const setAccount = (value) =>
    run(STATE, "readwrite", (store) => store.put(value, "account"));

  scope.Outbox = { add, all, remove, flush, account, setAccount };
})(self);
