/*
 * One interview from the first screen to "finished": who, where and how first (site, mode, the
 * questions' language, consent when the survey does not ask it), then one screen per group or
 * ungrouped question, with Back and Next, a progress bar and the survey's own checks; then the
 * answers to check, each with a way back to its screen, and only there "Finish the interview".
 *
 * The record is saved as the field worker types (and when the page is hidden), with the screen
 * it is on, so that a reload or a closed browser finds it where it was left. Its UUID is made
 * here, at the start, and never changes. A repeat's instances are kept in record.repeats
 * (instances.js): "Add another" and "Remove" change them, and a repeat_count makes as many as the
 * answer says while it is typed (instance-controls.js, whose methods the interview takes in).
 */
(function (global) {
  'use strict';

  var Q = global.VocesQuestionnaire;
  var S = global.VocesScreens;
  var Store = global.VocesStore;
  var I = global.VocesInstances;
  var SETUP = 'setup';
  var REVIEW = 'review';

  function newUuid() {
    var crypto = global.crypto;
    if (crypto && typeof crypto.randomUUID === 'function') {
      return crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    if (crypto && crypto.getRandomValues) {
      crypto.getRandomValues(bytes);
    } else {
      for (var i = 0; i < 16; i++) {
        bytes[i] = Math.floor(Math.random() * 256);
      }
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;  // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80;  // RFC 4122 variant
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join('');
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join('-');
  }

  function nameOf(screen) {
    return screen === SETUP || screen === REVIEW ? screen : screen.name;
  }

  // app: {user, lang, strings, sites(), template, onFinished(record), onLeave(), onProblem(error)}
  function Interview(section, app) {
    var self = this;
    self.section = section;
    self.app = app;
    self.find = function (selector) { return section.querySelector(selector); };
    self.screen = self.find('[data-screen]');
    self.find('[data-next]').addEventListener('click', function () { self.next(); });
    self.find('[data-back]').addEventListener('click', function () { self.back(); });
    self.find('[data-finish]').addEventListener('click', function () { self.finish(); });
    self.find('[data-leave]').addEventListener('click', function () { self.leave(); });
    self.screen.addEventListener('input', function (event) {
      if (event.target.type !== 'file') {
        self.update();
      }
    });
    // A file input's change, from the picker or from a recorder that put its File in input.files.
    self.screen.addEventListener('change', function (event) {
      return event.target.type === 'file' ? self.takeFile(event.target) : self.update();
    });
    self.screen.addEventListener('voces:recording-removed', function (event) {
      if ((self.record.media || {})[event.target.name]) {
        self.removeFile(event.target.name);  // "Remove the recording": the take kept with the draft goes too
      }
    });
    self.screen.addEventListener('submit', function (event) { event.preventDefault(); self.next(); });
    self.screen.addEventListener('click', function (event) {
      var remove = event.target.closest('[data-media-remove]');
      return remove ? self.removeFile(remove.getAttribute('data-media-remove')) : self.changeInstances(event);
    });
    global.addEventListener('pagehide', function () { self.flush(); });
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'hidden') {
        self.flush();
      }
    });
  }

  Object.assign(Interview.prototype, global.VocesInstanceControls, global.VocesMedia.controls);

  Interview.prototype.start = function (survey) {
    var now = new Date().toISOString();
    var form = Q.compile(survey.definition);
    var answers = {};
    form.questions.forEach(function (q) {
      if (q.default && !q.item.read_only && q.type !== 'calculate' && q.type !== 'site') {
        answers[q.name] = q.default;
      }
    });
    var record = {
      uuid: newUuid(), status: 'draft', user: this.app.user, survey: survey.slug, version: survey.version,
      language: this.app.lang, site: '', mode: '', consent: '', answers: answers, repeats: {}, screen: SETUP,
      started_at: now, created_at: now
    };
    this.locateStart(survey, record);
    // A number the field worker can say aloud and find again: the tablet's own count of interviews.
    return Store.getSetting('interviewCount').then(function (counted) {
      record.number = (Number(counted) || 0) + 1;
      return Store.setSetting('interviewCount', record.number);
    }).then(function () { return Store.saveRecord(record); }).then(this.open.bind(this));
  };

  // Where the interview began, for a form with a start-geopoint row: asked once, as it starts; a tablet
  // that cannot tell (or is refused) leaves it out, and nothing is said.
  Interview.prototype.locateStart = function (survey, record) {
    var self = this;
    if ((survey.definition.metadata || []).indexOf('start-geopoint') < 0 || !global.VocesGeopoint) {
      return;
    }
    global.VocesGeopoint.locate(function (point) {
      if (!point) {
        return;
      }
      record.start_geopoint = point;
      if (self.record && self.record.uuid === record.uuid) {
        self.record.start_geopoint = point;
        self.flush();
      }
    });
  };

  Interview.prototype.open = function (record) {
    var self = this;
    return Store.getSurvey(record.survey, record.version).then(function (survey) {
      if (!survey) {
        return false;
      }
      self.record = record;
      record.repeats = record.repeats || {};  // a draft kept before the app took repeats
      self.form = Q.compile(survey.definition);
      return Store.setSetting('openDraft', record.uuid).then(function () {
        self.show(record.screen || SETUP);
        return true;
      });
    });
  };

  Interview.prototype.state = function () {
    var answers = Object.assign({}, this.record.answers);
    if (this.form.siteQuestion) {
      answers[this.form.siteQuestion.name] = this.record.site;
    }
    return Q.resolve(this.form, answers, undefined, this.record.repeats, this.record.language);
  };

  Interview.prototype.context = function (state) {
    var record = this.record;
    return {
      form: this.form, language: record.language, strings: this.app.strings, answers: record.answers,
      repeats: record.repeats, state: state, media: this.app.media, files: record.media || {}
    };
  };

  Interview.prototype.active = function (state) {
    var form = this.form;
    return [SETUP].concat(form.screens.filter(function (screen) { return Q.screenApplies(form, screen, state); }));
  };

  // The named screen, or the next one that applies when it no longer does.
  Interview.prototype.show = function (name) {
    var state = this.state();
    var active = this.active(state);
    var all = [SETUP].concat(this.form.screens).map(nameOf);
    var index = active.map(nameOf).indexOf(name);
    for (var i = all.indexOf(name); index < 0 && i >= 0 && i < all.length; i++) {
      index = active.map(nameOf).indexOf(all[i]);
    }
    this.current = name === REVIEW ? REVIEW : active[Math.max(0, index)];
    this.record.screen = nameOf(this.current);
    this.screen.textContent = '';
    if (this.current === SETUP) {
      this.screen.appendChild(this.setupScreen());
    } else if (this.current === REVIEW) {
      var self = this;
      var context = { form: this.form, language: this.record.language, strings: this.app.strings, files: this.record.media };
      this.screen.appendChild(global.VocesReview.render(context, active.slice(1), state, function (screen) {
        self.show(screen);
      }));
    } else {
      this.screen.appendChild(S.render(this.context(state), this.current));
      S.refresh(this.screen, this.form, state);
      if (global.VocesAudioRecorder) {
        global.VocesAudioRecorder.enhance(this.screen);  // a spoken answer recorded on the tablet, kept offline as a chosen file is
      }
    }
    this.find('[data-error-summary]').hidden = true;
    this.showServerErrors();
    this.updateNav(state);
    this.save();
    global.scrollTo(0, 0);
    this.screen.focus({ preventScroll: true });
  };

  Interview.prototype.setupScreen = function () {
    var record = this.record;
    var fragment = this.app.template.content.cloneNode(true);
    var sites = fragment.querySelector('[data-sites]');
    this.app.sites().forEach(function (site) {
      var id = 'setup-site-' + site.slug;
      sites.appendChild(S.el('div', { class: 'choice' }, [
        S.el('input', { type: 'radio', name: 'site', value: site.slug, id: id }),
        S.el('label', { for: id }, [site.name])
      ]));
    });
    fragment.querySelector('[data-setup=site]').hidden = !this.app.sites().length;
    fragment.querySelector('[data-setup=consent]').hidden = Boolean(this.form.consentQuestion);
    ['language', 'site', 'mode', 'consent'].forEach(function (name) {
      fragment.querySelectorAll('input[name=' + name + ']').forEach(function (input) {
        input.checked = input.value === record[name];
      });
    });
    return fragment;
  };

  Interview.prototype.readSetup = function () {
    var record = this.record;
    var screen = this.screen;
    ['language', 'site', 'mode', 'consent'].forEach(function (name) {
      var chosen = screen.querySelector('input[name=' + name + ']:checked');
      record[name] = chosen ? chosen.value : (name === 'language' ? record.language : '');
    });
  };

  Interview.prototype.update = function () {
    var state;
    if (this.current === SETUP) {
      this.readSetup();
      state = this.state();
    } else if (this.current === REVIEW) {
      state = this.state();  // nothing to read: the review only shows answers
    } else {
      for (var round = 0; round < 3; round++) {
        this.keep(S.read(this.screen));
        state = this.state();
        var redrawn = this.redraw(state);
        if (!S.refresh(this.screen, this.form, state) && !redrawn) {
          break;
        }
      }
      this.liveCheck(state);
    }
    this.updateNav(state);
    this.save();
  };

  // A message shown by Next follows the answer as it is corrected, and goes as soon as it is right.
  // None appears before Next: one drawn on the blur of the tap on Next would move the button from
  // under the finger and the tap would miss (ODK Collect and GOV.UK forms check on moving on, too).
  Interview.prototype.liveCheck = function (state) {
    var self = this;
    var problems = {};
    self.screen.querySelectorAll('[data-q].has-error').forEach(function (node) {
      var name = node.getAttribute('data-q');
      var scope = S.scopeOf(node, state);
      if (scope) {
        problems[name] = Q.problem(self.form, self.form.byName[I.splitKey(name).name], scope, self.record.language, self.app.strings);
      }
    });
    S.showProblems(self.screen, problems);
  };

  Interview.prototype.updateNav = function (state) {
    var active = this.active(state).map(nameOf);
    var reviewing = this.current === REVIEW;
    var index = reviewing ? active.length - 1 : active.indexOf(nameOf(this.current));
    this.find('[data-back]').hidden = !reviewing && index <= 0;
    this.find('[data-next]').hidden = reviewing;
    this.find('[data-finish]').hidden = !reviewing;
    this.find('[data-progress]').max = active.length;
    this.find('[data-progress]').value = index + 1;
    this.find('[data-progress-text]').textContent = reviewing ? this.app.strings.reviewProgress
      : Q.format(this.app.strings.progress, { n: index + 1, total: active.length });
    var definition = this.form.definition;
    this.find('[data-interview-title]').textContent = Q.pick(definition.title, this.record.language, this.form.fallback);
  };

  Interview.prototype.problems = function (screen, state) {
    var self = this;
    var problems = {};
    if (screen === SETUP) {
      var record = self.record;
      var strings = self.app.strings;
      if (!record.site && self.app.sites().length) {
        problems['setup-site'] = strings.chooseSite;
      }
      if (!record.mode) {
        problems['setup-mode'] = strings.chooseMode;
      }
      if (!self.form.consentQuestion && !record.consent) {
        problems['setup-consent'] = strings.chooseConsent;
      }
      return problems;
    }
    screen.questions.forEach(function (q) {
      var message = Q.problem(self.form, q, state, self.record.language, self.app.strings);
      if (message) {
        problems[q.name] = message;
      }
    });
    return Object.assign(problems, I.problems(self.form, screen.repeats, state, self.record.language, self.app.strings));
  };

  Interview.prototype.report = function (problems) {
    var self = this;
    var list = this.find('[data-error-list]');
    var summary = this.find('[data-error-summary]');
    list.textContent = '';
    Object.keys(problems).forEach(function (name) {
      var target = name.indexOf('setup-') === 0 ? name : 'fq-' + name;
      var found = I.splitKey(name);
      var q = self.form.byName[found.name];
      // In an instance, say which: "Household member 2: This question needs an answer."
      var where = found.path && q && q.repeat ? I.title(self.form, q.repeat, found.path, self.record.language, self.app.strings) + ': ' : '';
      list.appendChild(S.el('li', {}, [S.el('a', { href: '#' + target }, [where + problems[name]])]));
    });
    if (this.current === SETUP) {
      this.screen.querySelectorAll('[data-setup]').forEach(function (node) {
        var slot = node.querySelector('.error-message');
        var message = problems['setup-' + node.getAttribute('data-setup')] || '';
        if (slot) {
          slot.textContent = message;
          slot.hidden = !message;
          node.classList.toggle('has-error', Boolean(message));
        }
      });
    } else {
      S.showProblems(this.screen, problems);
    }
    summary.hidden = false;
    summary.focus();
  };

  Interview.prototype.move = function (step, check) {
    this.update();
    var state = this.state();
    var active = this.active(state);
    if (this.current === REVIEW) {
      this.show(step < 0 ? nameOf(active[active.length - 1]) : REVIEW);
      return;
    }
    if (check) {
      var problems = this.problems(this.current, state);
      if (Object.keys(problems).length) {
        this.report(problems);
        return;
      }
    }
    var index = active.map(nameOf).indexOf(nameOf(this.current));
    if (index + step >= active.length) {
      this.show(REVIEW);  // after the last screen: the answers to check before finishing
      return;
    }
    this.show(nameOf(active[Math.max(0, index + step)]));
  };

  Interview.prototype.next = function () {
    this.move(1, true);
  };

  Interview.prototype.back = function () {
    this.move(-1, false);
  };

  Interview.prototype.finish = function () {
    var self = this;
    self.update();
    var state = self.state();
    var active = self.active(state);
    for (var i = 0; i < active.length; i++) {
      var problems = self.problems(active[i], state);
      if (Object.keys(problems).length) {
        self.show(nameOf(active[i]));
        self.report(problems);
        return Promise.resolve(false);
      }
    }
    var record = self.record;
    var now = new Date().toISOString();
    var consent = self.form.consentQuestion ? state.values[self.form.consentQuestion.name] : record.consent;
    record.consent = consent;
    record.finished_at = now;
    record.status = 'pending';
    delete record.result;
    record.payload = {
      uuid: record.uuid, survey: record.survey, version: record.version, site: record.site || null,
      language: record.language, answers: Q.answersToSend(self.form, state), started_at: record.started_at,
      finished_at: now, consent: consent || null, mode: record.mode || null
    };
    if (record.start_geopoint) {
      record.payload.start_geopoint = record.start_geopoint;
    }
    if (self.form.topRepeats.length) {  // a record of a survey without repeats stays as it was
      record.payload.repeats = I.repeatsToSend(self.form, state);
    }
    self.record = null;
    return Store.saveRecord(record).then(function () {
      return Store.setSetting('openDraft', null);
    }).then(function () { self.app.onFinished(record); return true; });
  };

  Interview.prototype.leave = function () {
    var self = this;
    return self.flush().then(function () {
      self.record = null;
      return Store.setSetting('openDraft', null);
    }).then(function () { self.app.onLeave(); });
  };

  Interview.prototype.showServerErrors = function () {
    var box = this.find('[data-server-errors]');
    var list = this.find('[data-server-error-list]');
    var errors = (this.record.result && this.record.result.errors) || {};
    var form = this.form;
    var language = this.record.language;
    var strings = this.app.strings;
    list.textContent = '';
    Object.keys(errors).forEach(function (name) {
      list.appendChild(S.el('li', {}, [I.describe(form, name, language, strings) + ': ' + errors[name]]));
    });
    box.hidden = !Object.keys(errors).length;
  };

  // Save at every change: each save is its own transaction, and they are applied in order.
  Interview.prototype.save = function () {
    var self = this;
    self.flush().catch(function (error) { self.app.onProblem(error); });
  };

  Interview.prototype.flush = function () {
    return this.record && this.record.status === 'draft' ? Store.saveRecord(this.record) : Promise.resolve();
  };

  global.VocesInterview = Interview;
})(window);
