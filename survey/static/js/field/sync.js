/*
 * Sending the queue: the device token, batches, each record's own answer, and patience.
 *
 * - The token comes once from POST /field/devices (the logged-in session, CSRF-checked) and is
 *   kept in IndexedDB per account; every sync request carries it as a Bearer header, no cookie.
 * - Records go in batches, oldest first, each batch claimed in one transaction; the server
 *   answers per record: created or duplicate (sent), conflict (kept aside for review), invalid
 *   (failed, with the errors). A record with photos or recordings goes alone, with its files, in
 *   one multipart request (see requestFor): the batch's 2 MB limit is for text, not files.
 * - A network error, a 5xx or a 429 puts the batch back and waits: exponential backoff with
 *   jitter, never less than Retry-After. The online event and a periodic timer start again.
 * - A 401 means the token was revoked: its records wait, and the app asks for a new login.
 * - A record's UUID never changes, so a batch resent after a lost answer comes back "duplicate".
 * - The service worker runs the same code for Background Sync (config.background): it uses the
 *   tokens already kept, never asks for one, and leaves the waiting to the browser, which fires the
 *   sync event again later when a run did not empty the queue.
 */
(function (global) {
  'use strict';

  var Store = global.VocesStore;
  var LOCK = 'voces-field-sync';
  var REQUEST_TIMEOUT_MS = 60000;

  function Sync(config, listeners) {
    this.config = config;  // urls, user, csrf, batch, baseMs, maxMs, periodMs, strings
    this.listeners = listeners;  // onState(state), onQueue(), onLogin(needed)
    this.batch = config.batch;
    this.attempt = 0;
    this.timer = null;
    this.running = null;
    this.again = false;
    this.state = { phase: navigator.onLine ? 'idle' : 'offline' };
  }

  function withLock(task) {
    return navigator.locks ? navigator.locks.request(LOCK, task) : task();
  }

  Sync.prototype.setState = function (phase, details) {
    this.state = Object.assign({ phase: phase }, details || {});
    this.listeners.onState(this.state);
  };

  Sync.prototype.devices = function () {
    return Store.getSetting('devices').then(function (devices) { return devices || {}; });
  };

  Sync.prototype.tokenOf = function (devices, user) {
    var device = devices[user];
    return device && !device.revoked ? device.token : null;
  };

  // A valid token for the account logged in here, asking the server for one if need be.
  Sync.prototype.ensureToken = function () {
    var self = this;
    var user = self.config.user;
    return self.devices().then(function (devices) {
      var token = self.tokenOf(devices, user);
      if (token || !navigator.onLine || self.config.background) {
        return token;
      }
      return self.register(self.config.csrf).then(function (result) {
        return result === 'csrf' ? self.freshCsrf().then(function (csrf) { return csrf && self.register(csrf); }) : result;
      }).then(function (device) {
        if (!device || device === 'csrf') {
          self.listeners.onLogin(true);
          return null;
        }
        devices[user] = { token: device.token, device: device.device, name: device.name, since: new Date().toISOString() };
        return Store.setSetting('devices', devices).then(function () {
          self.listeners.onLogin(false);
          return device.token;
        });
      }, function () { return null; });
    });
  };

  Sync.prototype.register = function (csrf) {
    var body = new FormData();
    body.append('csrf_token', csrf);
    return fetch(this.config.devicesUrl, {
      method: 'POST', body: body, credentials: 'same-origin', cache: 'no-store',
      headers: { 'X-CSRFToken': csrf, Accept: 'application/json' }
    }).then(function (response) {
      if (response.status === 201) {
        return response.json();
      }
      return response.status === 400 ? 'csrf' : null;  // a stale page's token, or no session (login page)
    });
  };

  // A page served from the cache may hold an old CSRF token: read the current one from the server.
  Sync.prototype.freshCsrf = function () {
    var user = this.config.user;
    return fetch(this.config.pageUrl, { credentials: 'same-origin', cache: 'no-store' }).then(function (response) {
      return response.ok && !response.redirected ? response.text() : '';
    }).then(function (html) {
      var root = new DOMParser().parseFromString(html, 'text/html').getElementById('field-app');
      return root && root.getAttribute('data-user') === user ? root.getAttribute('data-csrf') : null;
    });
  };

  // A sync API request with the token; one that hangs is given up so that the queue moves on.
  Sync.prototype.api = function (url, token, options) {
    var headers = Object.assign({ Authorization: 'Bearer ' + token, Accept: 'application/json' },
      (options && options.headers) || {});
    var abort = new AbortController();
    var timer = setTimeout(function () { abort.abort(); }, REQUEST_TIMEOUT_MS);
    return fetch(url, Object.assign({ credentials: 'omit', cache: 'no-store' }, options || {}, {
      headers: headers, signal: abort.signal
    })).then(function (response) {
      clearTimeout(timer);
      return response;
    }, function (error) {
      clearTimeout(timer);
      throw error;
    });
  };

  // The open surveys and the sites, for offline use.
  Sync.prototype.refreshSurveys = function () {
    var self = this;
    return self.ensureToken().then(function (token) {
      return token && self.api(self.config.surveysUrl, token).then(function (response) {
        if (response.status === 401) {
          return self.revoke(self.config.user);
        }
        return response.ok ? response.json().then(function (body) {
          return Promise.all([Store.replaceSurveys(body.surveys), Store.setSetting('sites', body.sites)]);
        }).then(function () { return true; }) : false;
      });
    }).catch(function () { return false; });
  };

  Sync.prototype.revoke = function (user) {
    var self = this;
    return self.devices().then(function (devices) {
      if (devices[user]) {
        devices[user].revoked = true;
      }
      return Store.setSetting('devices', devices);
    }).then(function () {
      if (user === self.config.user) {
        self.listeners.onLogin(true);
      }
      return false;
    });
  };

  // Send now; a call while a run is under way asks for one more run after it.
  Sync.prototype.run = function () {
    var self = this;
    if (self.running) {
      self.again = true;
      return self.running;
    }
    clearTimeout(self.timer);
    self.timer = null;
    self.running = withLock(function () { return self.drain(); }).catch(function () {
      return self.retryLater(self.config.strings.network);
    }).then(function () {
      self.running = null;
      self.listeners.onQueue();
      if (self.again) {
        self.again = false;
        return self.run();
      }
      return undefined;
    });
    return self.running;
  };

  Sync.prototype.drain = function () {
    var self = this;
    return Store.releaseSending().then(function () {
      if (!navigator.onLine) {
        self.setState('offline');
        return undefined;
      }
      return Promise.all([self.ensureToken(), Store.recordsWithStatus('pending')]).then(function (found) {
        var users = [];
        found[1].forEach(function (record) {
          if (users.indexOf(record.user) < 0) {
            users.push(record.user);
          }
        });
        return self.devices().then(function (devices) { return self.sendUsers(users, devices); });
      });
    });
  };

  // Each account's records with its own token; an account without a valid token waits.
  Sync.prototype.sendUsers = function (users, devices) {
    var self = this;
    if (!users.length) {
      self.setState('idle');
      return Promise.resolve();
    }
    var token = self.tokenOf(devices, users[0]);
    var sending = token ? self.sendAll(users[0], token) : Promise.resolve('next');
    return sending.then(function (outcome) {
      return outcome === 'stop' ? undefined : self.sendUsers(users.slice(1), devices);
    });
  };

  // The claimed records go in requests: those without files in one batch, each one with files
  // alone, with them (see sendRecords). A request that must wait puts back the ones still to go.
  Sync.prototype.sendAll = function (user, token) {
    var self = this;
    return Store.claimForSending(user, self.batch).then(function (batch) {
      if (!batch.length) {
        return 'next';
      }
      self.listeners.onQueue();
      self.setState('sending');
      var plain = batch.filter(function (record) { return !Store.hasFiles(record); });
      var requests = (plain.length ? [plain] : []).concat(batch.filter(Store.hasFiles).map(function (r) { return [r]; }));
      return self.sendEach(user, token, requests);
    });
  };

  Sync.prototype.sendEach = function (user, token, requests) {
    var self = this;
    if (!requests.length) {
      self.attempt = 0;
      return self.sendAll(user, token);
    }
    return self.sendRecords(token, requests[0]).then(function (outcome) {
      if (outcome === 'answered') {
        return self.sendEach(user, token, requests.slice(1));
      }
      var waiting = [].concat.apply([], requests.slice(1));
      return self.putBack(waiting, '', true).then(function () {
        if (outcome === 'revoked') {
          return self.revoke(user).then(function () { return 'next'; });
        }
        return outcome === 'again' ? self.sendAll(user, token) : outcome;
      });
    });
  };

  // The request for these records: a batch of JSON, or one record with its files as multipart
  // (POST /api/v1/records/<uuid>: its JSON in the part "record", each file in "file.<question>"),
  // so that a record and its files are stored together or not at all, whatever their size.
  Sync.prototype.requestFor = function (records) {
    var files = Store.filesToSend(records[0]);
    if (!Object.keys(files).length) {
      var body = JSON.stringify({ records: records.map(function (record) { return record.payload; }) });
      return { url: this.config.submissionsUrl, body: body, headers: { 'Content-Type': 'application/json' } };
    }
    var parts = new FormData();
    parts.append('record', new Blob([JSON.stringify(records[0].payload)], { type: 'application/json' }), 'record.json');
    Object.keys(files).forEach(function (name) { parts.append('file.' + name, files[name].file, files[name].name); });
    return { url: this.config.recordsUrl.replace('__uuid__', encodeURIComponent(records[0].uuid)), body: parts, alone: true };
  };

  // One request; resolves 'answered' when the server answered for the records, else what sendAll answers
  // ('stop' to wait, 'again' with a smaller batch, 'revoked'), the records put back in the queue.
  Sync.prototype.sendRecords = function (token, records) {
    var self = this;
    var strings = self.config.strings;
    // No answer, or half of one: the records wait for another try (a resend is a duplicate).
    var lost = function () {
      return self.putBack(records, strings.network).then(function () { return self.retryLater(strings.network); });
    };
    var request = self.requestFor(records);
    return self.api(request.url, token, { method: 'POST', body: request.body, headers: request.headers || {} }).then(function (response) {
      if (response.status === 401) {
        return self.putBack(records, strings.revoked).then(function () { return 'revoked'; });
      }
      if (response.status === 413 && request.alone) {  // a file larger than the server takes: the record is refused
        return response.json().catch(function () { return {}; }).then(function (answer) {
          var results = answer.results || [{ uuid: records[0].uuid, status: 'invalid', errors: { record: strings.tooLarge } }];
          return self.apply(records, results).then(function () { return 'answered'; });
        });
      }
      if (response.status === 413 && self.batch > 1) {
        self.batch = Math.max(1, Math.floor(self.batch / 2));
        return self.putBack(records, '', true).then(function () { return 'again'; });
      }
      if (!response.ok) {
        var wait = Number(response.headers.get('Retry-After')) * 1000 || 0;
        var reason = response.status === 429 ? strings.tooMany : strings.serverError.replace('%(code)s', response.status);
        return self.putBack(records, reason).then(function () { return self.retryLater(reason, wait); });
      }
      return response.json().then(function (answer) {
        return self.apply(records, answer.results || []).then(function () { return 'answered'; });
      }, lost);
    }, lost);
  };

  Sync.prototype.apply = function (batch, results) {
    var byUuid = {};
    results.forEach(function (result) { byUuid[result.uuid] = result; });
    var left = [];
    return Promise.all(batch.map(function (record) {
      var result = byUuid[record.uuid];
      if (!result) {
        left.push(record);
        return null;
      }
      if (result.status === 'created' || result.status === 'duplicate') {
        return Store.delivered(record, 'sent', result);
      }
      if (result.status === 'conflict') {
        return Store.delivered(record, 'conflict', result);
      }
      record.status = 'failed';
      record.result = result;
      return Store.saveRecord(record);
    })).then(function () { return left.length ? this.putBack(left, '') : null; }.bind(this));
  };

  // untried: records never sent in this run, behind one that must wait, keep their count and reason.
  Sync.prototype.putBack = function (records, reason, untried) {
    return Promise.all(records.map(function (record) {
      record.status = 'pending';
      if (untried) {
        return Store.saveRecord(record);
      }
      record.last_error = reason;
      record.tries = (record.tries || 0) + 1;
      return Store.saveRecord(record);
    }));
  };

  // Wait, twice as long each time up to the maximum, with jitter so tablets do not retry in step.
  // In the service worker the browser does the waiting: the run only says that it gave up.
  Sync.prototype.retryLater = function (reason, atLeast) {
    var self = this;
    if (self.config.background) {
      self.gaveUp = reason;
      self.setState('waiting', { reason: reason });
      return 'stop';
    }
    var ceiling = Math.min(self.config.maxMs, self.config.baseMs * Math.pow(2, self.attempt));
    var delay = Math.max(ceiling / 2 + Math.random() * ceiling / 2, atLeast || 0);
    self.attempt += 1;
    clearTimeout(self.timer);
    self.timer = setTimeout(function () { self.timer = null; self.run(); }, delay);
    self.setState('waiting', { reason: reason, next: Date.now() + delay });
    return 'stop';
  };

  // One run under the lock the page's runs take too, for the service worker's sync event.
  Sync.prototype.runOnce = function () {
    var self = this;
    self.gaveUp = null;
    return withLock(function () { return self.drain(); });
  };

  // Start by itself: when the connection returns, and every so often in case it never said so.
  Sync.prototype.start = function () {
    var self = this;
    global.addEventListener('online', function () {
      self.attempt = 0;
      self.refreshSurveys().then(function () { self.listeners.onQueue(); });
      self.run();
    });
    global.addEventListener('offline', function () { self.setState('offline'); });
    setInterval(function () {
      if (!self.running && !self.timer && navigator.onLine) {
        self.run();
      }
    }, self.config.periodMs);
  };

  global.VocesSync = Sync;
})(self);
