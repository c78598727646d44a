/*
 * The field app on /field/: starts the service worker, asks for persistent storage, shows the
 * surveys kept on the tablet, the interviews in progress and the queue, and wires the interview
 * (interview.js) and the sending (sync.js) together. Everything it needs from the server is in
 * the data- attributes of #field-app; the page works offline once the service worker has it.
 */
(function (global) {
  'use strict';

  var Store = global.VocesStore;
  var Q = global.VocesQuestionnaire;
  var S = global.VocesScreens;
  var COUNTED = ['pending', 'sending', 'sent', 'failed', 'conflict'];
  var SENT_SHOWN = 20;  // the queue lists every record not yet delivered and the latest ones sent
  var FIRST_ANSWERS = 2;  // answers shown to tell interviews apart in the queue
  var ANSWER_CHARS = 40;

  function readConfig(root) {
    var data = root.dataset;
    return {
      user: data.user, csrf: data.csrf, lang: data.lang, pageUrl: data.pageUrl,
      devicesUrl: data.devicesUrl, surveysUrl: data.surveysUrl, submissionsUrl: data.submissionsUrl,
      recordsUrl: data.recordsUrl, workerUrl: data.workerUrl, manifestUrl: data.manifestUrl,
      media: { kinds: JSON.parse(data.mediaKinds), maxBytes: Number(data.mediaMaxBytes) },
      batch: Number(data.batch), baseMs: Number(data.retryBaseMs), maxMs: Number(data.retryMaxMs),
      periodMs: Number(data.retryPeriodMs), strings: JSON.parse(data.strings)
    };
  }

  function App(root) {
    this.root = root;
    this.config = readConfig(root);
    this.strings = this.config.strings;
    this.surveys = [];
    this.siteList = [];
    this.find = function (selector) { return root.querySelector(selector); };
  }

  App.prototype.time = function (iso) {
    return iso ? new Date(iso).toLocaleString(this.config.lang, { dateStyle: 'medium', timeStyle: 'short' }) : '';
  };

  App.prototype.view = function (name) {
    this.root.querySelectorAll('[data-view]').forEach(function (view) {
      view.hidden = view.getAttribute('data-view') !== name;
    });
  };

  App.prototype.start = function () {
    var self = this;
    var config = self.config;
    self.linkManifest();
    self.interview = new global.VocesInterview(self.find('[data-view=interview]'), {
      user: config.user, lang: config.lang, strings: self.strings, media: config.media,
      template: self.find('template[data-template=setup]'),
      sites: function () { return self.siteList; },
      onFinished: function () {
        self.view('done');
        self.find('#h-done').focus();
        self.sendInBackground();
        self.sync.run();
      },
      onLeave: function () { self.home(); },
      onProblem: function (error) { self.showProblem(error); }
    });
    self.sync = new global.VocesSync(config, {
      onState: function (state) {
        if (state.phase === 'waiting' || state.phase === 'offline') {
          self.sendInBackground();
        }
        self.showSyncState(state);
      },
      onQueue: function () { self.renderQueue(); },
      onLogin: function (needed) { self.find('[data-login]').hidden = !needed; }
    });
    self.bindButtons();
    self.showConnection();
    global.addEventListener('unhandledrejection', function (event) { self.showProblem(event.reason); });
    global.addEventListener('online', function () { self.showConnection(); });
    global.addEventListener('offline', function () { self.showConnection(); });
    self.keepStorage();
    self.startWorker();
    return self.load().then(function () {
      return Store.getSetting('openDraft');
    }).then(function (uuid) {
      return uuid ? Store.getRecord(uuid) : null;
    }).then(function (draft) {
      if (draft && draft.status === 'draft') {
        return self.resume(draft);
      }
      return self.home();
    }).then(function () {
      self.sync.start();
      if (navigator.onLine) {
        return self.sync.refreshSurveys().then(function () { return self.load(); }).then(function () {
          self.renderHome();
          self.checkReady();
          return self.sync.run();
        });
      }
      self.checkReady();
      return undefined;
    });
  };

  // Installable: the manifest link goes in the head, which this page's template does not own.
  App.prototype.linkManifest = function () {
    if (!document.querySelector('link[rel=manifest]')) {
      document.head.appendChild(S.el('link', { rel: 'manifest', href: this.config.manifestUrl }));
      document.head.appendChild(S.el('meta', { name: 'theme-color', content: '#073763' }));
    }
  };

  App.prototype.keepStorage = function () {
    var self = this;
    var line = self.find('[data-storage]');
    if (!navigator.storage || !navigator.storage.persist) {
      line.textContent = self.strings.notPersisted;
      return;
    }
    navigator.storage.persisted().then(function (already) {
      return already || navigator.storage.persist();
    }).then(function (kept) {
      line.textContent = kept ? self.strings.persisted : self.strings.notPersisted;
      self.root.setAttribute('data-persisted', kept ? 'yes' : 'no');
    }, function () { line.textContent = self.strings.notPersisted; });
  };

  App.prototype.startWorker = function () {
    var self = this;
    if (!('serviceWorker' in navigator)) {
      return;
    }
    navigator.serviceWorker.register(self.config.workerUrl, { scope: self.config.pageUrl }).then(function (registration) {
      return navigator.onLine ? registration.update() : null;  // a new version of the app, if there is one
    }).catch(function () {
      return null;  // no offline page this time; the interviews are in IndexedDB all the same
    });
    navigator.serviceWorker.ready.then(function () { self.checkReady(); });
    navigator.serviceWorker.addEventListener('controllerchange', function () { self.checkReady(); });
    // The worker sent the queue in the background: show what it did.
    navigator.serviceWorker.addEventListener('message', function (event) {
      if (event.data && event.data.type === 'voces-queue') {
        self.renderQueue();
      }
    });
    // What the worker needs to send the queue on its own: the addresses, batch size and messages.
    var config = self.config;
    Store.setSetting('syncConfig', {
      devicesUrl: config.devicesUrl, surveysUrl: config.surveysUrl, submissionsUrl: config.submissionsUrl,
      recordsUrl: config.recordsUrl, pageUrl: config.pageUrl, batch: config.batch, baseMs: config.baseMs, maxMs: config.maxMs,
      periodMs: config.periodMs, strings: config.strings
    }).catch(function (error) { self.showProblem(error); });
  };

  // Interviews wait: ask the browser to send them when it has a connection, even with the app
  // closed (Background Sync, where the browser offers it; elsewhere the page's own retries do).
  App.prototype.sendInBackground = function () {
    if (!('serviceWorker' in navigator)) {
      return;
    }
    navigator.serviceWorker.ready.then(function (registration) {
      return registration.sync ? registration.sync.register('voces-queue') : null;
    }).catch(function () { return null; });  // refused (no permission): the page's retries remain
  };

  // Ready to work offline: the page is in the worker's cache, surveys are stored, a token is kept.
  App.prototype.checkReady = function () {
    var self = this;
    var controlled = 'serviceWorker' in navigator && navigator.serviceWorker.controller;
    return Store.getSetting('devices').then(function (devices) {
      var token = Object.keys(devices || {}).some(function (user) { return !devices[user].revoked; });
      var ready = Boolean(controlled && self.surveys.length && token);
      var line = self.find('[data-readiness]');
      if (ready) {
        line.textContent = self.strings.ready;
      } else {
        line.textContent = navigator.onLine ? self.strings.preparing : self.strings.needsConnection;
      }
      self.root.toggleAttribute('data-offline-ready', ready);
    });
  };

  // A write that failed (storage full, or taken away by the browser) must not pass unnoticed.
  App.prototype.showProblem = function (error) {
    var box = this.find('[data-problem]');
    box.textContent = Q.format(this.strings.problem, { error: (error && error.message) || String(error) });
    box.hidden = false;
  };

  App.prototype.showConnection = function () {
    this.find('[data-connection]').textContent = navigator.onLine ? this.strings.online : this.strings.offline;
    this.root.setAttribute('data-online', navigator.onLine ? 'yes' : 'no');
  };

  App.prototype.bindButtons = function () {
    var self = this;
    self.find('[data-send-now]').addEventListener('click', function () {
      self.sync.attempt = 0;
      self.sync.run();
    });
    self.find('[data-save-file]').addEventListener('click', function () { self.saveFile(); });
    self.find('[data-home]').addEventListener('click', function () { self.home(); });
    self.find('[data-again]').addEventListener('click', function () {
      var last = self.lastSurvey && self.surveys.filter(function (s) { return s.slug === self.lastSurvey; })[0];
      return last ? self.begin(last) : self.home();
    });
  };

  App.prototype.load = function () {
    var self = this;
    return Promise.all([Store.currentSurveys(), Store.getSetting('sites')]).then(function (found) {
      self.surveys = found[0];
      self.siteList = found[1] || [];
    });
  };

  App.prototype.home = function () {
    this.view('home');
    return this.renderHome();
  };

  // The interview shows once its first screen is drawn: the new record is kept in IndexedDB first, and
  // a Next tapped on the screen before it (the last interview's, or none) would check nothing.
  App.prototype.begin = function (survey) {
    var self = this;
    self.lastSurvey = survey.slug;
    return self.interview.start(survey).then(function () { self.showInterview(); });
  };

  App.prototype.resume = function (record) {
    var self = this;
    self.lastSurvey = record.survey;
    return self.interview.open(record).then(function (opened) {
      return opened ? self.showInterview() : self.home();
    });
  };

  App.prototype.showInterview = function () {
    this.view('interview');
    global.scrollTo(0, 0);
    this.interview.screen.focus({ preventScroll: true });
  };

  App.prototype.title = function (slug) {
    var survey = this.surveys.filter(function (s) { return s.slug === slug; })[0];
    return survey ? Q.pick(survey.definition.title, this.config.lang, survey.definition.default_language) : slug;
  };

  // A question's label in the interface's language (in an instance, with its title), to name what the server refused.
  App.prototype.questionLabel = function (record, name) {
    var survey = this.surveys.filter(function (s) { return s.slug === record.survey; })[0];
    return survey ? global.VocesInstances.describe(Q.compile(survey.definition), name, this.config.lang, this.strings) : name;
  };

  // What tells two interviews of the same survey, site and minute apart: their number and first answers.
  App.prototype.identity = function (record) {
    var parts = [record.number ? Q.format(this.strings.interviewNumber, { n: record.number }) : record.uuid.slice(0, 8)];
    var survey = this.surveys.filter(function (s) { return s.slug === record.survey; })[0];
    if (survey) {
      var lang = this.config.lang;
      var form = Q.compile(survey.definition);
      var shown = [];
      form.questions.forEach(function (q) {
        var value = (record.answers || {})[q.name];
        if (shown.length >= FIRST_ANSWERS || !value || ['site', 'calculate', 'note'].indexOf(q.type) >= 0) {
          return;
        }
        var labels = global.VocesReview.answerText({ form: form, language: lang }, q, String(value));
        shown.push(labels.length > ANSWER_CHARS ? labels.slice(0, ANSWER_CHARS - 1) + '…' : labels);
      });
      parts = parts.concat(shown);
    }
    return S.el('p', { class: 'record-identity', 'data-identity': '' }, [parts.join(' · ')]);
  };

  App.prototype.siteName = function (slug) {
    var site = this.siteList.filter(function (s) { return s.slug === slug; })[0];
    return site ? site.name : (slug || '');
  };

  App.prototype.renderHome = function () {
    var self = this;
    var list = self.find('[data-surveys]');
    list.textContent = '';
    self.surveys.forEach(function (survey) {
      var button = S.el('button', { type: 'button', class: 'button button-primary', 'data-survey': survey.slug }, [
        self.title(survey.slug), ' ',
        S.el('span', { class: 'survey-version' }, ['(' + Q.format(self.strings.version, { version: survey.version }) + ')'])
      ]);
      button.addEventListener('click', function () { self.begin(survey); });
      list.appendChild(S.el('li', {}, [button]));
    });
    self.find('[data-no-surveys]').hidden = self.surveys.length > 0;
    return self.renderQueue();
  };

  App.prototype.renderQueue = function () {
    var self = this;
    return Store.allRecords().then(function (records) {
      var counts = {};
      COUNTED.forEach(function (status) { counts[status] = 0; });
      records.forEach(function (record) { counts[record.status] = (counts[record.status] || 0) + 1; });
      COUNTED.forEach(function (status) {
        self.find('[data-count=' + status + ']').textContent = String(counts[status]);
      });
      self.renderDrafts(records.filter(function (r) { return r.status === 'draft'; }));
      var unsent = records.filter(function (r) { return r.status !== 'draft' && r.status !== 'sent'; });
      var sent = records.filter(function (r) { return r.status === 'sent'; }).slice(-SENT_SHOWN);
      var list = self.find('[data-queue]');
      list.textContent = '';
      unsent.concat(sent).reverse().forEach(function (record) { list.appendChild(self.queueItem(record)); });
      self.showSyncState(self.sync.state);  // a reload with no signal starts offline, with no change to announce
    });
  };

  App.prototype.renderDrafts = function (drafts) {
    var self = this;
    var list = self.find('[data-drafts]');
    list.textContent = '';
    drafts.forEach(function (record) {
      var resume = S.el('button', { type: 'button', class: 'button button-primary' }, [self.strings.continue]);
      var discard = S.el('button', { type: 'button', class: 'button' }, [self.strings.discard]);
      resume.addEventListener('click', function () { self.resume(record); });
      discard.addEventListener('click', function () {
        if (global.confirm(self.strings.discardConfirm)) {
          Store.deleteRecord(record.uuid).then(function () { self.renderQueue(); });
        }
      });
      list.appendChild(S.el('li', { class: 'field-item', 'data-uuid': record.uuid }, [
        S.el('p', {}, [S.el('strong', {}, [self.title(record.survey)]), record.site ? ' · ' + self.siteName(record.site) : '']),
        self.identity(record),
        S.el('p', { class: 'muted' }, [Q.format(self.strings.started, { time: self.time(record.started_at) })]),
        S.el('p', { class: 'queue-actions' }, [resume, ' ', discard])
      ]));
    });
    self.find('[data-drafts-section]').hidden = drafts.length === 0;
  };

  App.prototype.queueItem = function (record) {
    var self = this;
    var strings = self.strings;
    var details = [];
    var result = record.result || {};
    if (record.status === 'sent') {
      details.push(Q.format(strings.receipt, { code: result.receipt_code || '' }));
      if (result.status === 'duplicate') {
        details.push(strings.duplicate);
      }
    } else if (record.status === 'conflict') {
      details.push(strings.keptAside);
    } else if (record.status === 'pending' && record.user !== self.config.user) {
      details.push(strings.otherAccount);
    } else if (record.status === 'pending' && record.last_error) {
      details.push(Q.format(strings.notSentYet, { reason: record.last_error }));
    }
    var item = S.el('li', { class: 'field-item', 'data-uuid': record.uuid, 'data-status': record.status }, [
      S.el('p', {}, [
        S.el('span', { class: 'status status-' + record.status }, [strings['status_' + record.status] || record.status]),
        ' ', S.el('strong', {}, [self.title(record.survey)]), ' · ' + self.siteName(record.site)
      ]),
      self.identity(record),
      S.el('p', { class: 'muted' }, [Q.format(strings.finished, { time: self.time(record.finished_at) })])
    ].concat(details.map(function (text) { return S.el('p', {}, [text]); })));
    if (record.status === 'failed') {
      var errors = result.errors || {};
      item.appendChild(S.el('ul', { class: 'record-errors' }, Object.keys(errors).map(function (name) {
        return S.el('li', {}, [self.questionLabel(record, name) + ': ' + errors[name]]);
      })));
      var correct = S.el('button', { type: 'button', class: 'button' }, [strings.correct]);
      correct.addEventListener('click', function () {
        record.status = 'draft';
        record.screen = 'setup';
        delete record.payload;
        Store.saveRecord(record).then(function () { self.resume(record); });
      });
      item.appendChild(S.el('p', {}, [correct]));
    }
    return item;
  };

  App.prototype.showSyncState = function (state) {
    var self = this;
    var strings = self.strings;
    var line = self.find('[data-sync-state]');
    var text = strings['phase_' + state.phase] || '';
    if (state.phase === 'waiting') {
      var at = new Date(state.next).toLocaleTimeString(self.config.lang);
      text = Q.format(strings.phase_waiting, { reason: state.reason, time: at });
    }
    if (state.phase === 'idle') {
      var waiting = Number(self.find('[data-count=pending]').textContent);
      text = waiting ? strings.phase_queued : strings.phase_idle;
    }
    line.textContent = text;
    self.root.setAttribute('data-sync', state.phase);
    self.root.setAttribute('data-next-try', state.phase === 'waiting' ? String(state.next) : '');
  };

  // Last resort: the records not yet on the server, as a file an administrator imports.
  App.prototype.saveFile = function () {
    var self = this;
    var message = self.find('[data-save-message]');
    return Store.queueFile().then(function (file) {
      message.hidden = false;
      // A queue file carries no photo or recording: the records with one wait here for a connection.
      var left = file.withFiles ? ' ' + Q.format(self.strings[file.withFiles === 1 ? 'fileNotSaved' : 'filesNotSaved'], { count: file.withFiles }) : '';
      if (!file.records.length) {
        message.textContent = file.withFiles ? left.trim() : self.strings.nothingToSave;
        return;
      }
      var blob = new Blob([JSON.stringify({ records: file.records }, null, 2)], { type: 'application/json' });
      var url = URL.createObjectURL(blob);
      var stamp = new Date().toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
      var link = S.el('a', { href: url, download: 'voces-queue-' + stamp + '.json', hidden: true });
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
      message.textContent = Q.format(self.strings.savedFile, { count: file.records.length }) + left;
    });
  };

  function boot() {
    var root = document.getElementById('field-app');
    if (!root) {
      return;
    }
    var fallback = document.querySelector('[data-field-fallback]');
    if (!global.indexedDB || !global.idb || !global.VocesExpressions) {
      fallback.querySelector('[data-field-unsupported]').hidden = false;
      return;
    }
    fallback.hidden = true;
    root.hidden = false;
    var app = new App(root);
    app.start().catch(function (error) { app.showProblem(error); });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', boot);
  } else {
    boot();
  }
})(window);
