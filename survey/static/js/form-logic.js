/*
 * Live skip logic for the resident form: shows and hides questions and groups as they become
 * relevant, offers only the choices a choice_filter lets through, and says at once when an
 * answer breaks a constraint.
 *
 * It reads what the server wrote into data- attributes (data-question, data-type, data-relevant,
 * data-constraint, data-constraint-message, data-choice-filter, data-calculation and
 * data-decimal-symbol on questions; data-group and data-relevant on groups; data-choice on
 * filtered choices; data-output where a label or hint shows an answer, ${name}) and evaluates
 * them with window.VocesExpressions. Inside a repeat instance (data-instance, its number) a
 * question's inputs are named by data-field, and its expressions read that instance's answers
 * over the rest of the form's (an instance of a repeat inside another: over its outer instance's),
 * with position(..) its number. sum() and count() read the instances of the repeats directly
 * inside the scope (the form's, or an instance's), with what applies in each. It mirrors
 * survey/questionnaire/logic.py, which decides again on submit: without this script every
 * question is shown and the server alone decides.
 */
(function (global) {
  'use strict';

  var E = global.VocesExpressions;
  var PREFIX = 'q_';
  var ACKNOWLEDGED = 'OK';

  // Where an expression is evaluated: the form's answers, or one instance's over them.
  function Scope(values, position, repeats, choices, tables) {
    this.values = values;
    this.position = position;
    this.repeats = repeats;
    this.choices = choices;  // the choice labels jr:choice-name() gives, as the page shows them
    this.tables = tables;  // the rows pulldata() and instance('name')/root/item read
  }

  function run(expression, values, current, scope) {
    try {
      var options = { current: current };
      if (scope && scope.position) {
        options.position = scope.position;
      }
      if (scope && scope.repeats) {
        options.repeats = scope.repeats;  // indexed-repeat(), sum() and count() read them
      }
      if (scope && scope.choices) {
        options.choices = scope.choices;
      }
      if (scope && scope.tables) {
        options.tables = scope.tables;
      }
      return E.evaluate(expression, values, options);
    } catch (error) {
      return '';  // the server has the final word on an expression that fails here
    }
  }

  function holds(expression, values, scope) {
    return E.truthy(run(expression, values, '', scope));
  }

  function asAnswer(result) {
    if (typeof result === 'boolean') {
      return result ? 'true' : 'false';
    }
    return typeof result === 'number' ? run('string(.)', {}, result) : String(result);
  }

  function nameOf(question) {
    return question.getAttribute('data-question');
  }

  function inputsOf(form, question) {
    var field = question.getAttribute('data-field') || PREFIX + nameOf(question);
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.name === field;
    });
  }

  function instanceOf(element) {
    return element.closest('[data-instance]');
  }

  // What the resident typed or chose, as an ODK string (select_multiple: space-separated).
  function typed(form, question) {
    var type = question.getAttribute('data-type');
    var inputs = inputsOf(form, question);
    if (type === 'acknowledge') {
      return inputs.some(function (i) { return i.checked; }) ? ACKNOWLEDGED : '';
    }
    if (type === 'geopoint') {  // latitude, longitude, altitude, accuracy: one ODK point
      var parts = inputs.map(function (i) { return i.value.trim(); });
      return parts[0] || parts[1] ? parts.join(' ') : '';
    }
    if (inputs.length && (inputs[0].type === 'radio' || inputs[0].type === 'checkbox')) {
      return inputs.filter(function (i) { return i.checked; })
        .map(function (i) { return i.value; }).join(' ');
    }
    if (inputs.length && question.hasAttribute('data-date-precision')) {
      return firstDay(question.getAttribute('data-date-precision'), inputs[0].value);
    }
    return inputs.length ? decimalPoint(question, inputs[0].value) : '';
  }

  // A month (2026-03) or a year (2026) as the date ODK stores for it, its first day, as the server
  // stores it (survey/questionnaire/question_types.py, first_day); what names neither stays as typed.
  function firstDay(precision, value) {
    var text = value.trim();
    var month = /^([0-9]{4})-(0?[1-9]|1[0-2])(-[0-9]{2})?$/.exec(text);
    if (precision === 'month' && month) {
      return month[1] + '-' + ('0' + month[2]).slice(-2) + '-01';
    }
    var year = /^([0-9]{4})(-[0-9]{2}-[0-9]{2})?$/.exec(text);
    return precision === 'year' && year ? year[1] + '-01-01' : value;
  }

  // A decimal as the language writes it ("2,5") read as the expressions read numbers ("2.5"),
  // as the server reads it (survey/web/public/fields.py, decimal_point): a lone comma only.
  function decimalPoint(question, value) {
    var symbol = question.getAttribute('data-decimal-symbol');
    var trimmed = value.trim();
    if (symbol && trimmed.split(symbol).length === 2 && trimmed.indexOf('.') < 0) {
      return trimmed.replace(symbol, '.');
    }
    return value;
  }

  // The relevant expressions a question or group depends on: its groups', outermost first, then its own.
  function conditions(element, form) {
    var found = [];
    for (var node = element; node && node !== form; node = node.parentElement) {
      if (node.hasAttribute('data-relevant')) {
        found.unshift(node.getAttribute('data-relevant'));
      }
    }
    return found;
  }

  function applies(element, form, scope) {
    return conditions(element, form).every(function (expression) {
      return holds(expression, scope.values, scope);
    });
  }

  // Relevance and values of these questions, the others' given, repeated until nothing changes (as the server does).
  function settle(form, questions, scope) {
    var values = scope.values;
    questions.forEach(function (q) { values[nameOf(q)] = ''; });
    for (var pass = 0; pass <= questions.length; pass++) {
      var changed = false;
      questions.forEach(function (q) {
        var value = '';
        if (applies(q, form, scope)) {
          var calculation = q.getAttribute('data-calculation');
          value = calculation ? asAnswer(run(calculation, values, '', scope)) : typed(form, q);
        }
        if (values[nameOf(q)] !== value) {
          values[nameOf(q)] = value;
          changed = true;
        }
      });
      if (!changed) {
        break;
      }
    }
    return values;
  }

  // A chain of sums, each changing what applies to the next one summed, is seldom two long, and one
  // that goes round is refused on import: this only bounds the work, as on the server.
  var ROUNDS = 10;

  // The form's scope, and each repeat instance's, keyed by its element: what the answers mean now.
  // As on the server (survey/questionnaire/instances.py), sum() and count() read what applies in
  // each instance: a question that does not apply there reads as '' (as ODK reads it), and a repeat
  // that does not apply has no instances. A scope and the instances inside it are worked out
  // together until neither changes, since each may follow from the other.
  function resolve(form) {
    var outside = Array.prototype.filter.call(form.querySelectorAll('[data-question]'), function (q) {
      return !instanceOf(q);
    });
    var blank = {};
    form.querySelectorAll('[data-question][data-field]').forEach(function (q) { blank[nameOf(q)] = ''; });
    form.querySelectorAll('[data-repeat]').forEach(function (r) { blank[r.getAttribute('data-repeat')] = ''; });
    var choices = {};
    form.querySelectorAll('[data-choice-labels]').forEach(function (q) {
      choices[nameOf(q)] = JSON.parse(q.getAttribute('data-choice-labels'));
    });
    var tables = form.hasAttribute('data-tables') ? JSON.parse(form.getAttribute('data-tables')) : {};
    var state = { top: null, instances: new Map() };
    state.top = settleScope(form, outside, form, null, {}, state, function (repeats) {
      return new Scope(Object.assign({}, blank), null, repeats, choices, tables);
    });
    return state;
  }

  // What two rounds must agree on: every answer but the calculations worked out anew each time
  // (once(uuid()) in a roster, now()), which would never let them (instances.py: _steady).
  var VOLATILE = /\b(?:uuid|now)\s*\(/;

  function steady(form, read) {
    var volatile = {};
    form.querySelectorAll('[data-calculation]').forEach(function (q) {
      if (VOLATILE.test(q.getAttribute('data-calculation'))) {
        volatile[nameOf(q)] = true;
      }
    });
    return JSON.stringify(read, function (key, value) { return volatile[key] ? undefined : value; });
  }

  // A scope (the form, or one instance) settled with the instances of the repeats directly inside
  // it, which its sum() and count() read; scopeFor makes the scope reading the instances given.
  function settleScope(form, questions, container, instance, around, state, scopeFor) {
    var nested = innerRepeats(container, instance);
    var inside = {};
    nested.forEach(function (r) { inside[r.getAttribute('data-repeat')] = typedInstances(form, r); });
    var scope;
    for (var round = 0; round < ROUNDS; round++) {
      scope = scopeFor(Object.assign({}, around, inside));
      settle(form, questions, scope);
      var read = {};
      nested.forEach(function (r) { read[r.getAttribute('data-repeat')] = settleInstances(form, r, scope, state); });
      if (steady(form, read) === steady(form, inside)) {
        break;
      }
      inside = read;
    }
    return scope;
  }

  // Settle a repeat's instances in a scope, keeping each instance's scope in state by its element
  // (an instance of a repeat inside another reads over its outer instance's); returns each
  // instance's answers as the scope reads them: '' where a question does not apply, and no
  // instance at all if the repeat does not apply.
  function settleInstances(form, repeat, around, state) {
    var repeats = Object.assign({}, around.repeats);
    repeats[repeat.getAttribute('data-repeat')] = typedInstances(form, repeat);  // for indexed-repeat()
    var read = ownInstances(repeat).map(function (instance) {
      var questions = ownQuestions(instance);
      var position = Number(instance.getAttribute('data-instance'));
      var scope = settleScope(form, questions, instance, instance, repeats, state, function (all) {
        return new Scope(Object.assign({}, around.values), position, all, around.choices, around.tables);
      });
      state.instances.set(instance, scope);
      var answers = {};
      questions.forEach(function (q) { answers[nameOf(q)] = scope.values[nameOf(q)]; });
      return answers;
    });
    return applies(repeat, form, around) ? read : [];
  }

  // What was typed in each of a repeat's own instances: every question of it, '' when unanswered.
  function typedInstances(form, repeat) {
    return ownInstances(repeat).map(function (instance) {
      var own = {};
      ownQuestions(instance).forEach(function (q) { own[nameOf(q)] = typed(form, q); });
      return own;
    });
  }

  // The repeats directly inside a container (the form, or one instance).
  function innerRepeats(container, instance) {
    return Array.prototype.filter.call(container.querySelectorAll('[data-repeat]'), function (repeat) {
      return repeat.parentElement.closest('[data-instance]') === instance;
    });
  }

  // A repeat's own instances, not those of a repeat inside it.
  function ownInstances(repeat) {
    return Array.prototype.filter.call(repeat.querySelectorAll('[data-instance]'), function (instance) {
      return instance.parentElement.closest('[data-repeat]') === repeat;
    });
  }

  // An instance's own questions, not those of the instances of a repeat inside it.
  function ownQuestions(instance) {
    return Array.prototype.filter.call(instance.querySelectorAll('[data-question]'), function (q) {
      return instanceOf(q) === instance;
    });
  }

  function scopeOf(element, state) {
    var instance = instanceOf(element);
    return (instance && state.instances.get(instance)) || state.top;
  }

  // Hide the choices the filter leaves out, unticking them; true when something was unticked.
  function filterChoices(question, scope) {
    var expression = question.getAttribute('data-choice-filter');
    var unticked = false;
    question.querySelectorAll('[data-choice]').forEach(function (choice) {
      var columns = JSON.parse(choice.getAttribute('data-choice'));
      var allowed = holds(expression, Object.assign({}, scope.values, columns), scope);
      choice.hidden = !allowed;
      var input = choice.querySelector('input');
      if (!allowed && input && input.checked) {
        input.checked = false;
        unticked = true;
      }
    });
    return unticked;
  }

  // A slot for a question's live error, made before the resident touches anything: it keeps the
  // message's room (CSS sizes it by data-reserve), so that saying a constraint is broken, on the
  // blur of the resident tapping the next question, moves nothing under their finger.
  function reserveLiveError(question) {
    var slot = document.createElement('p');
    slot.className = 'error-message live-error';
    slot.setAttribute('data-reserve', question.getAttribute('data-constraint-message') || '');
    slot.setAttribute('aria-live', 'polite');
    var message = document.createElement('span');
    message.setAttribute('data-live-error', '');
    message.hidden = true;
    slot.appendChild(message);
    var heading = question.querySelector('legend, label');
    question.insertBefore(slot, heading ? heading.nextSibling : question.firstChild);
  }

  // Whether a question's answer breaks its constraint, in its scope; an empty answer never does.
  function breaks(question, scope) {
    var constraint = question.getAttribute('data-constraint');
    var value = scope.values[nameOf(question)];
    return Boolean(constraint) && value !== '' && !E.truthy(run(constraint, scope.values, value, scope));
  }

  // Say at once that an answer breaks its constraint; check again as the resident corrects it.
  function checkConstraint(question, scope, announce) {
    var broken = breaks(question, scope);
    var message = question.querySelector('[data-live-error]');
    if (!message) {  // an instance made in the page after start(), from the repeat's blank one
      reserveLiveError(question);
      message = question.querySelector('[data-live-error]');
    }
    if (broken && (announce || !message.hidden)) {
      message.textContent = question.getAttribute('data-constraint-message');
      message.hidden = false;
    } else if (!broken) {
      message.hidden = true;
    }
  }

  // The notes saying when a question applies are for pages without this script, which show everything.
  function hideRelevanceNotes(form) {
    form.querySelectorAll('[data-relevance-note]:not([hidden])').forEach(function (note) { note.hidden = true; });
  }

  function update(form, event) {
    hideRelevanceNotes(form);  // an instance made in the page brings its own
    var state = resolve(form);
    for (var round = 0; round < 3; round++) {
      var unticked = false;
      form.querySelectorAll('[data-choice-filter]').forEach(function (q) {
        unticked = filterChoices(q, scopeOf(q, state)) || unticked;
      });
      if (!unticked) {
        break;
      }
      state = resolve(form);
    }
    form.querySelectorAll('[data-output]').forEach(function (output) {
      output.textContent = scopeOf(output, state).values[output.getAttribute('data-output')] || '';
    });
    form.querySelectorAll('[data-relevant]:not([data-calculation])').forEach(function (element) {
      element.hidden = !applies(element, form, scopeOf(element, state));
    });
    form.querySelectorAll('[data-constraint]').forEach(function (q) {
      var announce = Boolean(event && event.type === 'change' && q.contains(event.target));
      checkConstraint(q, scopeOf(q, state), announce);
    });
  }

  // Shown: neither it nor a group around it (inside the container) is hidden; calculations never are.
  function shownWithin(question, container) {
    if (question.hasAttribute('data-calculation')) {
      return false;
    }
    for (var node = question; node && node !== container; node = node.parentElement) {
      if (node.hidden) {
        return false;
      }
    }
    return true;
  }

  // What is wrong with the shown questions inside a container (a page): an empty required answer
  // or a broken constraint, with the words the server would use. The server checks again.
  function problems(form, container) {
    var state = resolve(form);
    var found = [];
    container.querySelectorAll('[data-question]').forEach(function (q) {
      var scope = scopeOf(q, state);
      if (!shownWithin(q, container) || !applies(q, form, scope)) {
        return;
      }
      var values = scope.values;
      var value = values[nameOf(q)];
      var required = q.getAttribute('data-required');
      if (required && value === '' && holds(required, values, scope)) {
        found.push({ question: q, message: q.getAttribute('data-required-message') });
      } else if (breaks(q, scope)) {
        found.push({ question: q, message: q.getAttribute('data-constraint-message') });
      }
    });
    return found;
  }

  // Whether anything inside a container (a page) is for the resident to see, after their answers.
  function showsSomething(container) {
    return Array.prototype.some.call(container.querySelectorAll('[data-question]'), function (q) {
      return shownWithin(q, container);
    });
  }

  // Whether an answer a repeat_count reads (${name}: in the repeat's own instance, one around it,
  // or asked once) breaks its constraint, as a mistyped 40 for 4 children would.
  function countBroken(form, repeat, state) {
    var names = (repeat.getAttribute('data-count').match(/\$\{[^}]+\}/g) || []).map(function (reference) {
      return reference.slice(2, -1).trim();
    });
    return Array.prototype.some.call(form.querySelectorAll('[data-constraint]'), function (q) {
      var instance = instanceOf(q);
      var scope = scopeOf(q, state);
      return names.indexOf(nameOf(q)) >= 0 && (!instance || instance.contains(repeat)) &&
        applies(q, form, scope) && breaks(q, scope);
    });
  }

  // How many instances each counted repeat (data-count) that applies asks for now, as
  // survey/questionnaire/logic.py reads a repeat_count: a number below zero or none is none, a
  // fraction is cut, and it is at most data-count-limit. A count that fails here is left out: the
  // page keeps the instances it has, and the server has the final word. So is a number read from
  // an answer that breaks its constraint, which the server refuses: the instances typed in stay
  // until the answer is corrected, where following it would take them away or make hundreds.
  function counts(form) {
    var state = resolve(form);
    var found = [];
    form.querySelectorAll('[data-repeat][data-count]').forEach(function (repeat) {
      var scope = scopeOf(repeat, state);
      if (!applies(repeat, form, scope)) {
        return;  // hidden: what was typed in it waits there in case it applies again
      }
      var options = { current: '' };
      if (scope.position) {
        options.position = scope.position;
      }
      options.repeats = scope.repeats;
      var number;
      try {
        var result = E.evaluate(repeat.getAttribute('data-count'), scope.values, options);
        number = E.evaluate('number(.)', {}, { current: result });  // as the server reads it: '0x10' is none
      } catch (error) {
        return;
      }
      if (number === number && countBroken(form, repeat, state)) {  // not a number: none, as on the server
        return;
      }
      var limit = Number(repeat.getAttribute('data-count-limit'));
      found.push({ repeat: repeat, count: number > 0 ? Math.trunc(Math.min(number, limit)) : 0 });
    });
    return found;
  }

  global.VocesFormLogic = { problems: problems, showsSomething: showsSomething, counts: counts };

  function start() {
    var form = document.querySelector('form[data-form-logic]');
    if (!form || !E) {
      return;
    }
    form.querySelectorAll('[data-constraint]').forEach(reserveLiveError);
    var refresh = function (event) { update(form, event); };
    form.addEventListener('input', refresh);
    form.addEventListener('change', refresh);
    refresh(null);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})(window);
