// Groundwork's service worker, served from /sw.js so its scope is the whole site.
// - The patient's page ("/" answered with the X-Groundwork-Offline: patient header) is fetched
//   from the network first and kept, so today's drills open without a connection.
// - Static files (/static/…, the same for everyone) come from the cache first.
// - Drill pictures (/media/…) the patient's page shows are kept when the page asks ("keep"
//   below) and come from the cache first, so today's drills open offline with their pictures;
//   pictures the page no longer shows are dropped. Videos are never kept (too large).
// - Nothing else is touched: staff pages and every API answer go to the network, never cached.
// The page empties the cache on sign-out and when another person signs in (offline.js).
"use strict";

var CACHE = "groundwork-offline-v1";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(
        names
          .filter(function (name) { return name.indexOf("groundwork-") === 0 && name !== CACHE; })
          .map(function (name) { return caches.delete(name); })
      );
    }).then(function () { return self.clients.claim(); })
  );
});

function isPatientPage(response) {
  return response && response.ok && response.headers.get("X-Groundwork-Offline") === "patient";
}

// The patient's page is kept under "/" alone, whatever query it was opened with.
function keepPage(response) {
  if (!isPatientPage(response)) {
    return Promise.resolve();
  }
  var copy = response.clone();
  return caches.open(CACHE).then(function (cache) { return cache.put("/", copy); });
}

function keepStatic(request, response) {
  if (!response || !response.ok) {
    return Promise.resolve();
  }
  var copy = response.clone();
  return caches.open(CACHE).then(function (cache) { return cache.put(request, copy); });
}

function pageFirst(event) {
  return fetch(event.request)
    .then(function (response) {
      event.waitUntil(keepPage(response));
      return response;
    })
    .catch(function () {
      return caches.match("/", { cacheName: CACHE }).then(function (cached) {
        return cached || Response.error();
      });
    });
}

function staticFirst(event) {
  return caches.match(event.request, { cacheName: CACHE }).then(function (cached) {
    return cached || fetch(event.request).then(function (response) {
      event.waitUntil(keepStatic(event.request, response));
      return response;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate" && url.pathname === "/") {
    event.respondWith(pageFirst(event));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(staticFirst(event));
  } else if (url.pathname.indexOf("/media/") === 0) {
    event.respondWith(keptMediaFirst(event));
  }
});

// A kept drill picture, else the network (not kept here: only the patient's page says which
// pictures to keep, so a staff page never fills the cache).
function keptMediaFirst(event) {
  return caches.match(event.request, { cacheName: CACHE }).then(function (cached) {
    return cached || fetch(event.request);
  });
}

function isMedia(url) {
  return url.pathname.indexOf("/media/") === 0;
}

// Drop kept pictures the patient's page no longer shows (a drill changed or a picture went).
function pruneMedia(keep) {
  return caches.open(CACHE).then(function (cache) {
    return cache.keys().then(function (requests) {
      return Promise.all(requests.map(function (request) {
        var url = new URL(request.url);
        return isMedia(url) && keep.indexOf(url.href) < 0 ? cache.delete(request) : null;
      }));
    });
  });
}

// From the page: {type: "keep", urls: [...]} after the first visit (the page and its files
// loaded before this worker was in charge); {type: "forget"} on sign-out.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "forget") {
    event.waitUntil(caches.delete(CACHE));
  } else if (data.type === "keep" && Array.isArray(data.urls)) {
    var media = [];
    event.waitUntil(
      Promise.all(data.urls.map(function (href) {
        var url = new URL(href, self.location.origin);
        if (url.origin !== self.location.origin) {
          return null;
        }
        if (isMedia(url)) {
          media.push(url.href);
        }
        return fetch(url.href, { credentials: "same-origin" }).then(function (response) {
          if (url.pathname === "/") {
            return keepPage(response);
          }
          var file = url.pathname.indexOf("/static/") === 0 || isMedia(url);
          return file ? keepStatic(url.href, response) : null;
        }).catch(function () { return null; });
      })).then(function () { return pruneMedia(media); })
    );
  }
});
