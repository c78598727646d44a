/*
 * The resident form one page at a time, and a draft of it kept in this browser.
 *
 * The server writes every page (section[data-page]) into the form, hiding all but one, with Next,
 * Back and the form's own send button; without this script those buttons post and the server
 * turns the page. Here they turn it in the browser: Next first checks the page with
 * window.VocesFormLogic (required answers, constraints, as the server would), pages whose
 * questions all do not apply are skipped, and the new page's heading takes the focus.
 *
 * What is typed is kept in localStorage under the form's data-draft-key (survey and version), with
 * how many instances each repeat shows (form-repeats.js makes them again), and put back when the
 * resident returns, with the notice the server wrote (data-draft-notice); the thank-you page
 * (data-clear-draft) removes it once the answers are stored.
 */
(function (global) {
  'use strict';

  var PREFIX = 'q_';
  var storage = (function () {
    try {
      return global.localStorage;
    } catch (error) {
      return null;  // storage switched off: paging still works
    }
  })();

  function sectionsOf(form) {
    return Array.prototype.slice.call(form.querySelectorAll('section[data-page]'));
  }

  function numberOf(section) {
    return Number(section.getAttribute('data-page'));
  }

  function Pager(form) {
    this.form = form;
    this.sections = sectionsOf(form);
    this.input = form.querySelector('[data-current-page]');
    this.next = form.querySelector('[data-page-next]');
    this.back = form.querySelector('[data-page-back]');
    this.finish = form.querySelector('[data-page-finish]');
    this.current = Number(this.input.value) || 1;
  }

  Pager.prototype.section = function (number) {
    return this.sections.filter(function (s) { return numberOf(s) === number; })[0];
  };

  // The nearest page that way with something that applies; null at either end.
  Pager.prototype.neighbour = function (step) {
    for (var n = this.current + step; n >= 1 && n <= this.sections.length; n += step) {
      if (global.VocesFormLogic.showsSomething(this.section(n))) {
        return n;
      }
    }
    return null;
  };

  Pager.prototype.show = function (number, focus) {
    this.current = number;
    this.input.value = String(number);
    this.sections.forEach(function (s) { s.hidden = numberOf(s) !== number; });
    var last = this.neighbour(1) === null;
    this.next.hidden = last;
    this.finish.hidden = !last;
    this.back.hidden = this.neighbour(-1) === null;
    if (focus) {
      var heading = this.section(number).querySelector('.page-title');
      heading.focus();
      heading.scrollIntoView({ block: 'start' });
    }
  };

  Pager.prototype.clearProblems = function () {
    this.form.querySelectorAll('[data-page-error], [data-page-summary]').forEach(function (e) { e.remove(); });
    this.form.querySelectorAll('.has-error[data-question]').forEach(function (q) { q.classList.remove('has-error'); });
  };

  // "Household member 2: " for a question of a repeat's instance, as the review page names it;
  // "Woman 2 › Child 1: " in a repeat inside another.
  function instanceOf(question) {
    var titles = [];
    for (var instance = question.closest('.repeat-instance'); instance;
      instance = instance.parentElement.closest('.repeat-instance')) {
      var legend = instance.querySelector('.instance-legend');
      if (legend) {
        titles.unshift(legend.textContent.trim());
      }
    }
    return titles.length ? titles.join(' › ') + ': ' : '';
  }

  // Say what is wrong on this page as the server would: a summary linking to each question, and its message.
  Pager.prototype.report = function (found) {
    var section = this.section(this.current);
    var summary = document.createElement('div');
    summary.className = 'error-summary';
    summary.setAttribute('role', 'alert');
    summary.setAttribute('tabindex', '-1');
    summary.setAttribute('data-page-summary', '');
    var title = document.createElement('h3');
    title.textContent = this.form.getAttribute('data-problem-title');
    var list = document.createElement('ul');
    found.forEach(function (problem) {
      var question = problem.question;
      var input = question.querySelector('input:not([type=hidden]), select, textarea');
      var item = document.createElement('li');
      var link = document.createElement('a');
      link.href = '#' + (input ? input.id : '');
      var heading = question.querySelector('legend, label');
      if (heading) {  // the question, then what is wrong, as the server's summary says it
        var asked = heading.cloneNode(true);
        asked.querySelectorAll('.required').forEach(function (mark) { mark.remove(); });
        var label = document.createElement('span');
        label.className = 'summary-question';
        label.textContent = instanceOf(question) + asked.textContent.trim();
        link.appendChild(label);
        link.appendChild(document.createTextNode(' '));
      }
      link.appendChild(document.createTextNode(problem.message));
      item.appendChild(link);
      list.appendChild(item);
      question.classList.add('has-error');
      var message = document.createElement('p');
      message.className = 'error-message';
      message.setAttribute('data-page-error', '');
      message.textContent = problem.message;
      var live = question.querySelector('[data-live-error]');
      if (live && !live.hidden && live.textContent === problem.message) {
        return;  // already said, in the room kept for it
      }
      question.insertBefore(message, heading ? heading.nextSibling : question.firstChild);
    });
    summary.appendChild(title);
    summary.appendChild(list);
    section.querySelector('.page-progress').after(summary);
    summary.focus();
  };

  Pager.prototype.forward = function () {
    this.clearProblems();
    var found = global.VocesFormLogic.problems(this.form, this.section(this.current));
    if (found.length) {
      this.report(found);
      return;
    }
    var next = this.neighbour(1);
    if (next !== null) {
      this.show(next, true);
    }
  };

  Pager.prototype.backward = function () {
    this.clearProblems();
    var previous = this.neighbour(-1);
    if (previous !== null) {
      this.show(previous, true);
    }
  };

  // A link or an address naming a question on another page (the error summary, "Change" on review).
  Pager.prototype.reveal = function (id) {
    var target = id && document.getElementById(id);
    var section = target && target.closest('section[data-page]');
    if (section && this.form.contains(section)) {
      this.show(numberOf(section), false);
      target.scrollIntoView();
    }
  };

  // The draft: every answer typed (files cannot be kept), the page, and when.
  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, function (e) {
      return e.name && e.name.indexOf(PREFIX) === 0 && e.type !== 'file';
    });
  }

  // How many instances each repeat shows (r_woman, r_child.2), kept with the answers.
  function countsOf(form) {
    return Array.prototype.slice.call(form.querySelectorAll('[data-repeat-count]'));
  }

  function snapshot(form, page) {
    var answers = [];
    fieldsOf(form).concat(countsOf(form)).forEach(function (e) {
      if ((e.type !== 'radio' && e.type !== 'checkbox') || e.checked) {
        answers.push([e.name, e.value]);
      }
    });
    return { saved: new Date().toISOString(), page: page, answers: answers };
  }

  // Answers put back can make instances (a repeat_count), and so can the instances a repeat kept
  // (an outer instance holds the inner repeat's count): they are filled in on the next pass.
  function restore(form, draft) {
    var values = {};
    draft.answers.forEach(function (pair) {
      (values[pair[0]] = values[pair[0]] || []).push(pair[1]);
    });
    for (var pass = 0, fields = -1; pass < 5 && fieldsOf(form).length !== fields; pass++) {
      fields = fieldsOf(form).length;
      if (global.VocesFormRepeats) {
        countsOf(form).forEach(function (count) {
          if (values[count.name] && /^[0-9]+$/.test(values[count.name][0])) {
            global.VocesFormRepeats.show(count.closest('[data-repeat]'), Number(values[count.name][0]));
          }
        });
      }
      var left = {};  // a name with several inputs (a geopoint's) takes its values in turn
      Object.keys(values).forEach(function (name) { left[name] = values[name].slice(); });
      fieldsOf(form).forEach(function (e) {
        var kept = left[e.name] || [];
        if (e.type === 'radio' || e.type === 'checkbox') {
          e.checked = kept.indexOf(e.value) >= 0;
        } else if (kept.length) {
          e.value = kept.shift();
        } else {
          e.value = '';
        }
      });
      form.dispatchEvent(new Event('change', { bubbles: true }));  // skip logic follows the answers
    }
  }

  function read(key) {
    try {
      var draft = JSON.parse(storage.getItem(key));
      return draft && Array.isArray(draft.answers) ? draft : null;
    } catch (error) {
      return null;
    }
  }

  function write(key, value) {
    try {
      storage.setItem(key, JSON.stringify(value));
    } catch (error) {
      // full or refused: the form works on without a draft
    }
  }

  function showNotice(saved) {
    var notice = document.querySelector('[data-draft-notice]');
    var time = notice && notice.querySelector('[data-draft-time]');
    if (!notice || !time) {
      return;
    }
    var when = new Date(saved);
    time.setAttribute('datetime', when.toISOString());
    time.textContent = when.toLocaleString(document.documentElement.lang || undefined,
      { dateStyle: 'medium', timeStyle: 'short' });
    notice.hidden = false;
  }

  function keepDrafts(form, pager) {
    var key = form.getAttribute('data-draft-key');
    if (!storage || !key) {
      return;
    }
    var draft = read(key);
    if (draft && !form.hasAttribute('data-draft-shown')) {  // the server's answers win over the browser's
      restore(form, draft);
      if (pager.section(Number(draft.page))) {
        pager.show(Number(draft.page), false);
      }
      showNotice(draft.saved);
    }
    var save = function () { write(key, snapshot(form, pager.current)); };
    form.addEventListener('input', save);
    form.addEventListener('change', function (event) {
      if (event.target !== form) {  // not the change restore() announces
        save();
      }
    });
    var restart = document.querySelector('[data-draft-restart]');
    if (restart) {
      restart.addEventListener('click', function () { storage.removeItem(key); });  // the server forgets its own
    }
    return save;
  }

  function clearDrafts(marker) {
    var prefix = marker.getAttribute('data-clear-draft');
    if (!storage || !prefix) {
      return;
    }
    for (var i = storage.length - 1; i >= 0; i--) {
      var key = storage.key(i);
      if (key && key.indexOf(prefix) === 0) {
        storage.removeItem(key);
      }
    }
  }

  function start() {
    var marker = document.querySelector('[data-clear-draft]');
    if (marker) {
      clearDrafts(marker);
    }
    var form = document.querySelector('form[data-form-logic]');
    if (!form || !global.VocesFormLogic || !form.querySelector('section[data-page]')) {
      return;
    }
    var pager = new Pager(form);
    var save = keepDrafts(form, pager) || function () {};
    var hash = global.location.hash.slice(1);
    if (hash && document.getElementById(hash)) {
      pager.reveal(hash);
    } else {
      pager.show(pager.current, false);
    }
    pager.next.addEventListener('click', function (event) {
      event.preventDefault();
      pager.forward();
      save();
    });
    pager.back.addEventListener('click', function (event) {
      event.preventDefault();
      pager.backward();
      save();
    });
    document.addEventListener('click', function (event) {
      var link = event.target.closest && event.target.closest('a[href^="#"]');
      if (link && link.closest('.error-summary')) {
        pager.reveal(link.getAttribute('href').slice(1));
      }
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})(window);
