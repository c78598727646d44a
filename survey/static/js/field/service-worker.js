/*
 * The field app's service worker: keeps the app shell (the /field/ page, its scripts, styles,
 * manifest and icon) so that the app opens with no signal. It stores no interview: those live in
 * IndexedDB (store.js), and the sync API's requests go straight to the network.
 *
 * The page: network first, so that a logged-in field worker gets a fresh page (and CSRF token);
 * the cached copy when there is no network, or when the server sends the login page because the
 * browser forgot its session (the tablet keeps working on its own device token).
 * Shell files: from the cache of this version, which the install step filled.
 *
 * Background Sync: where the browser offers it, the page registers the tag "voces-queue" whenever
 * interviews wait to be sent, and the browser fires the sync event here when it has a connection,
 * even with the app closed. The worker sends the queue with the page's own code (store.js, sync.js)
 * and the settings the page left in IndexedDB; a run that leaves records waiting fails, so that
 * the browser tries again later. Open pages are told to redraw their queue.
 *
 * self.VOCES_SHELL = {version, page, files, scripts} is set by /field/sw.js before this file is imported.
 */
/* eslint-env serviceworker */
(function (worker) {
  'use strict';

  var shell = worker.VOCES_SHELL;
  var PREFIX = 'voces-field-';
  var CACHE = PREFIX + shell.version;
  var PAGE_TIMEOUT_MS = 8000;  // a signal that comes and goes: stop waiting and open the cached page
  var pageUrl = new URL(shell.page, worker.location.href).href;
  var files = shell.files.map(function (file) { return new URL(file, worker.location.href).pathname; });
  var SYNC_TAG = 'voces-queue';

  worker.importScripts.apply(worker, shell.scripts);  // idb, store.js, sync.js: the queue's own code

  function fresh(url) {
    return new Request(url, { cache: 'reload', credentials: 'same-origin' });
  }

  // A page worth keeping: the app itself, not a login page the request was redirected to.
  function isAppPage(response) {
    return response && response.ok && response.type === 'basic' && !response.redirected;
  }

  // The page as the server sends it now; failing that (offline, or the session is gone), the copy
  // the previous version kept, so that an update never leaves the tablet without its app.
  function cachePage(cache) {
    var previous = function () {
      return caches.match(pageUrl).then(function (hit) { return hit && cache.put(pageUrl, hit); });
    };
    return fetch(fresh(pageUrl), { redirect: 'manual' }).then(function (response) {
      return isAppPage(response) ? cache.put(pageUrl, response) : previous();
    }, previous);
  }

  worker.addEventListener('install', function (event) {
    event.waitUntil(caches.open(CACHE).then(function (cache) {
      return Promise.all([cache.addAll(shell.files.map(fresh)), cachePage(cache)]);
    }).then(function () { return worker.skipWaiting(); }));
  });

  worker.addEventListener('activate', function (event) {
    event.waitUntil(caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf(PREFIX) === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return worker.clients.claim(); }));
  });

  function withTimeout(promise, ms) {
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () { reject(new Error('timeout')); }, ms);
      promise.then(function (value) { clearTimeout(timer); resolve(value); },
        function (error) { clearTimeout(timer); reject(error); });
    });
  }

  function offlinePage() {
    return new Response(
      '<!doctype html><meta charset="utf-8"><title>Voces</title>' +
      '<p>Voces field work needs to be opened once with a connection.</p>',
      { status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
  }

  function openPage(request) {
    return caches.open(CACHE).then(function (cache) {
      var cached = function () {
        return cache.match(pageUrl).then(function (hit) { return hit || offlinePage(); });
      };
      return withTimeout(fetch(request), PAGE_TIMEOUT_MS).then(function (response) {
        if (isAppPage(response)) {
          cache.put(pageUrl, response.clone());
          return response;
        }
        // Redirected to the login page (the session is gone) or a server error: the cached app
        // still works on the device token; a refusal (403) is the server's to show.
        if (response.type === 'opaqueredirect' || response.status >= 500) {
          return cache.match(pageUrl).then(function (hit) { return hit || response; });
        }
        return response;
      }, cached);
    });
  }

  function tellPages(message) {
    return worker.clients.matchAll({ type: 'window' }).then(function (pages) {
      pages.forEach(function (page) { page.postMessage(message); });
    });
  }

  function sendQueue() {
    var Store = worker.VocesStore;
    return Store.getSetting('syncConfig').then(function (config) {
      if (!config) {
        return undefined;  // the app has not been opened since this worker came: nothing to go on
      }
      var sync = new worker.VocesSync(Object.assign({}, config, { background: true }), {
        onState: function () { return undefined; },
        onQueue: function () { tellPages({ type: 'voces-queue' }); },
        onLogin: function () { return undefined; }
      });
      return sync.runOnce().then(function () {
        return tellPages({ type: 'voces-queue' });
      }).then(function () {
        if (sync.gaveUp) {
          throw new Error(sync.gaveUp);  // the browser fires the event again later
        }
      });
    });
  }

  worker.addEventListener('sync', function (event) {
    if (event.tag === SYNC_TAG) {
      event.waitUntil(sendQueue());
    }
  });

  worker.addEventListener('fetch', function (event) {
    var request = event.request;
    if (request.method !== 'GET') {
      return;
    }
    var url = new URL(request.url);
    if (url.origin !== worker.location.origin) {
      return;
    }
    if (request.mode === 'navigate' && url.pathname === new URL(pageUrl).pathname) {
      event.respondWith(openPage(request));
    } else if (files.indexOf(url.pathname) >= 0) {
      event.respondWith(caches.open(CACHE).then(function (cache) {
        return cache.match(request, { ignoreSearch: true }).then(function (hit) {
          return hit || fetch(request);
        });
      }));
    }
  });
})(self);
