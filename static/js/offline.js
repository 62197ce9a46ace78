// Installable and offline (issue 19). Loaded on every page by base.html.
// - On a signed-in patient's pages (body data-offline-user): registers the service worker
//   (/sw.js) and asks it to keep this page and its files, so today's drills open offline.
// - Anywhere else (staff pages, the sign-in page after signing out) and on sign-out: the
//   kept copy and the unsent logs are removed, so the next person on this device sees nothing
//   of the last one. The page also forgets them when another patient signs in.
// - GroundworkOutbox: logs made offline, kept in localStorage with their idempotency key and
//   sent again when the connection returns (the server writes each key once).
(function () {
  "use strict";
  var OUTBOX = "groundwork-outbox";
  var OWNER = "groundwork-offline-user";

  function forget() {
    try {
      localStorage.removeItem(OUTBOX);
      localStorage.removeItem(OWNER);
    } catch (error) { /* storage off: nothing was kept */ }
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "forget" });
    }
    if (window.caches) {
      return caches.keys().then(function (names) {
        return Promise.all(names.filter(function (name) {
          return name.indexOf("groundwork-") === 0;
        }).map(function (name) { return caches.delete(name); }));
      });
    }
    return Promise.resolve();
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20),
      hex.slice(20)].join("-");
  }

  function read() {
    try {
      return JSON.parse(localStorage.getItem(OUTBOX) || "[]");
    } catch (error) {
      return [];
    }
  }

  function write(entries) {
    try {
      localStorage.setItem(OUTBOX, JSON.stringify(entries));
    } catch (error) { /* full or off: the log stays on the form */ }
  }

  function currentUser() {
    return document.body.dataset.offlineUser || "";
  }

  // Keep a log to send later; a newer log of the same day replaces the kept one.
  function keep(endpoint, body) {
    var entries = read().filter(function (entry) {
      return !(entry.user === currentUser() && entry.endpoint === endpoint &&
        entry.body.date === body.date);
    });
    entries.push({ user: currentUser(), endpoint: endpoint, body: body, key: body.client_id });
    write(entries);
  }

  function token() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) {
      return input.value;
    }
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  var flushing = false;

  // Send the kept logs of the signed-in patient, oldest first; each is dropped once the
  // server answered (a refusal is shown, never retried forever), kept on a network error.
  function flush(onSent) {
    if (flushing || !navigator.onLine) {
      return Promise.resolve();
    }
    var mine = read().filter(function (entry) { return entry.user === currentUser(); });
    if (!mine.length) {
      return Promise.resolve();
    }
    flushing = true;
    return mine.reduce(function (chain, entry) {
      return chain.then(function () {
        return fetch(entry.endpoint, {
          method: "POST",
          credentials: "same-origin",
          headers: {
            "Content-Type": "application/json",
            "X-CSRFToken": token(),
            "Idempotency-Key": entry.key,
          },
          body: JSON.stringify(entry.body),
        }).then(function (response) {
          // Read the answer to its end, so leaving the page does not abort it.
          return response.text().then(function () {
            write(read().filter(function (other) { return other.key !== entry.key; }));
            if (onSent) {
              onSent(entry, response);
            }
          });
        });
      });
    }, Promise.resolve()).catch(function () { /* still offline: try again later */ })
      .finally(function () { flushing = false; });
  }

  function pending() {
    return read().filter(function (entry) { return entry.user === currentUser(); });
  }

  window.GroundworkOutbox = { keep: keep, flush: flush, newKey: newKey, pending: pending };

  function register() {
    if (!navigator.serviceWorker) {
      return;
    }
    var owner = null;
    try {
      owner = localStorage.getItem(OWNER);
    } catch (error) { /* storage off */ }
    var ready = owner && owner !== currentUser() ? forget() : Promise.resolve();
    ready.then(function () {
      try {
        localStorage.setItem(OWNER, currentUser());
      } catch (error) { /* storage off */ }
      return navigator.serviceWorker.register(document.body.dataset.serviceWorker, { scope: "/" });
    }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var urls = ["/"];
      var files = "script[src], link[rel=stylesheet][href], link[rel=icon][href], img[src]";
      document.querySelectorAll(files).forEach(function (element) {
        urls.push(element.getAttribute("src") || element.getAttribute("href"));
      });
      registration.active.postMessage({ type: "keep", urls: urls });
    }).catch(function () { /* no service worker (private mode, http): the page still works */ });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (currentUser()) {
      register();
    } else {
      forget();
    }
    document.querySelectorAll("form[data-sign-out]").forEach(function (form) {
      form.addEventListener("submit", function () { forget(); });
    });
  });
})();
