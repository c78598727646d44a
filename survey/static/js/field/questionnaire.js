/*
 * A survey definition (as /api/v1/surveys sends it) turned into screens the tablet shows offline:
 * one screen per top-level group, or per question or repeat outside a group. Relevance, calculations,
 * choice filters, constraints and required answers follow survey/questionnaire/logic.py and
 * survey/questionnaire/validate.py, evaluated with window.VocesExpressions; the server checks again.
 *
 * Answers are ODK strings: '' when unanswered, select_multiple choices space-separated. A repeat's
 * instances are kept as the sync API takes them (instances.js): a list by repeat name, each instance
 * an object of answers that holds the instances of a repeat inside it under that repeat's name. As
 * on the server, an instance is named by its path (2.1: the first inside the outer repeat's second)
 * and a repeat's instances by instances key (child.2: the children inside the second woman).
 * indexed-repeat(), sum() and count() read the instances the form keeps with what applies in each,
 * as survey/questionnaire/instances.py reads them: an answer that no longer applies reads as ''.
 */
(function (global) {
  'use strict';

  var E = global.VocesExpressions;
  var ACKNOWLEDGED = 'OK';
  var CHOICE_PREFIX = 'choice.';
  var FILTER_COLUMN = /^(?!(?:and|or|div|mod)$)[A-Za-z_][A-Za-z0-9_-]*$/;
  var FILTER_TOKEN = /'[^']*'?|"[^"]*"?|\$\{[^}]*\}?|[A-Za-z_][A-Za-z0-9_-]*|[0-9]+|[\s\S]/g;
  var INTEGER = /^-?[0-9]+$/;
  var DECIMAL = /^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;
  var DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
  // As survey/questionnaire/place_and_time_types.py checks them on the server.
  var TIME = '(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]{1,6})?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?';
  var TIME_OF_DAY = new RegExp('^' + TIME + '$');
  var DATE_AND_TIME = new RegExp('^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])T' + TIME + '$');
  var FEWEST_POINTS = { geotrace: 2, geoshape: 3 };
  var MARK = '.';  // survey/questionnaire/validate.py: INSTANCE_MARK
  var MAX_MADE = 1000;  // instances of one repeat, as the sync API takes them (logic.py: MAX_MADE)

  // Whether "latitude longitude [altitude [accuracy]]" is a possible point.
  function isPoint(value) {
    var words = value.trim().split(/\s+/);
    if (words.length < 2 || words.length > 4 || !words.every(function (w) { return DECIMAL.test(w); })) {
      return false;
    }
    var n = words.map(Number);
    return Math.abs(n[0]) <= 90 && Math.abs(n[1]) <= 180 && !(n[3] < 0);
  }

  function points(value) {
    return value.split(/[;\n]/).map(function (p) { return p.trim(); }).filter(Boolean);
  }

  // Text in the language, else the form's default language, else any.
  function pick(texts, language, fallback) {
    if (!texts) {
      return '';
    }
    if (typeof texts === 'string') {
      return texts;
    }
    var any = Object.keys(texts).map(function (k) { return texts[k]; }).filter(Boolean)[0];
    return texts[language] || texts[fallback] || any || '';
  }

  // scope: {today, position, repeats, choices, tables}: an instance's number for position(..), the
  // instances indexed-repeat(), sum() and count() read, the labels jr:choice-name() gives and the
  // rows pulldata() and instance() read; a state is one.
  function run(expression, values, current, scope) {
    var options = { current: current, today: scope && scope.today };
    if (scope && scope.position) {
      options.position = scope.position;
    }
    if (scope && scope.repeats) {
      options.repeats = scope.repeats;
    }
    if (scope && scope.choices) {
      options.choices = scope.choices;
    }
    if (scope && scope.tables) {
      options.tables = scope.tables;
    }
    try {
      return E.evaluate(expression, values, options);
    } catch (error) {
      return '';  // as on the server: an expression that fails at run time counts as empty
    }
  }

  function holds(expression, values, scope) {
    return !expression || E.truthy(run(expression, values, '', scope));
  }

  function instancePath(parent, position) {
    return parent ? parent + MARK + position : String(position);
  }

  function instancesKey(repeat, parent) {
    return parent ? repeat + MARK + parent : repeat;
  }

  function asAnswer(result) {
    if (typeof result === 'boolean') {
      return result ? 'true' : 'false';
    }
    return typeof result === 'number' ? String(run('string(.)', {}, result)) : String(result);
  }

  // A choice_filter's bare choice-sheet columns (state=${state}) read as ${choice.state}.
  // A name in a path (instance('list')/root/item, current()/../name) or in a lookup's [filter] stays
  // as written (rules.py: choice_filter_expression).
  function filterExpression(expression) {
    var depth = 0;
    var previous = '';
    return expression.replace(FILTER_TOKEN, function (token, offset) {
      var rest = expression.slice(offset + token.length).replace(/^\s+/, '');
      depth += token === '[' ? 1 : (token === ']' ? -1 : 0);
      var column = FILTER_COLUMN.test(token) && rest.charAt(0) !== '(' && rest.charAt(0) !== '/' &&
        previous !== '/' && !depth;
      previous = token.trim() ? token : previous;
      return column ? '${' + CHOICE_PREFIX + token + '}' : token;
    });
  }

  function choicesOf(item, lists) {
    return (lists[item.choices] || []).map(function (raw) {
      var columns = {};
      Object.keys(raw).forEach(function (key) {
        if (key !== 'name' && key !== 'label' && raw[key] !== null && raw[key] !== undefined) {
          columns[key] = String(raw[key]);
        }
      });
      return { name: String(raw.name), label: raw.label, columns: columns };
    });
  }

  // The definition once over: questions in order with the groups around them, and the screens.
  function compile(definition) {
    var lists = definition.choices || {};
    // questions: those asked once; a repeat's are its own. A screen lists the questions asked once
    // on it and the repeats not inside another that it shows.
    var form = {
      definition: definition, fallback: definition.default_language || 'en',
      questions: [], byName: {}, groups: {}, screens: [], repeats: {}, topRepeats: []
    };
    function walk(items, path, screen, repeat) {
      items.forEach(function (item) {
        if (item.type === 'group') {
          form.groups[item.name] = { item: item, path: path.slice() };
          var inner = screen || { name: item.name, group: item, questions: [], repeats: [] };
          walk(item.questions || [], path.concat(item.name), inner, repeat);
          if (!screen) {
            form.screens.push(inner);
          }
          return;
        }
        if (item.type === 'repeat') {  // its questions keep the groups around it, as on the server
          var own = { name: item.name, item: item, groups: path.slice(), parent: repeat ? repeat.name : null, questions: [], nested: [] };
          form.repeats[item.name] = own;
          (repeat ? repeat.nested : form.topRepeats).push(own);
          var where = screen || { name: item.name, group: null, questions: [], repeats: [] };
          if (!repeat) {
            where.repeats.push(own);
          }
          walk(item.questions || [], path, where, own);
          if (!screen) {
            form.screens.push(where);
          }
          return;
        }
        var question = {
          name: item.name, type: item.type, item: item, groups: path.slice(), repeat: repeat ? repeat.name : null,
          choices: choicesOf(item, lists), filter: item.choice_filter ? filterExpression(item.choice_filter) : '',
          default: item.default === undefined || item.default === null ? '' : String(item.default)
        };
        form.byName[item.name] = question;
        if (repeat) {
          repeat.questions.push(question);
          return;
        }
        form.questions.push(question);
        if (screen) {
          screen.questions.push(question);
        } else if (item.type !== 'calculate' && item.type !== 'site') {
          form.screens.push({ name: item.name, group: null, questions: [question], repeats: [] });
        }
      });
    }
    walk(definition.questions || [], [], null, null);
    form.siteQuestion = form.questions.filter(function (q) { return q.type === 'site'; })[0] || null;
    form.consentQuestion = form.questions.filter(function (q) { return q.item.bind === 'consent'; })[0] || null;
    return form;
  }

  function groupApplies(form, name, values, scope) {
    var group = form.groups[name];
    return group.path.concat([name]).every(function (g) {
      return holds(form.groups[g].item.relevant, values, scope);
    });
  }

  // Relevance and value of these questions, the others' values given, repeated until nothing
  // changes (logic.py: _settle); the state is the scope its expressions were evaluated in.
  function settle(form, questions, outside, answers, scope) {
    var values = Object.assign({}, outside);
    var relevant = {};
    for (var pass = 0; pass <= questions.length; pass++) {
      var changed = false;
      questions.forEach(function (q) {
        var applies = q.groups.concat([null]).every(function (g) {
          return holds(g === null ? q.item.relevant : form.groups[g].item.relevant, values, scope);
        });
        relevant[q.name] = applies;
        var value = '';
        if (applies && q.type === 'calculate') {
          value = asAnswer(run(q.item.calculation, values, '', scope));
        } else if (applies && q.item.read_only) {
          value = q.default;
        } else if (applies && q.type !== 'note') {
          value = String(answers[q.name] === undefined || answers[q.name] === null ? '' : answers[q.name]);
        }
        if (values[q.name] !== value) {
          values[q.name] = value;
          changed = true;
        }
      });
      if (!changed) {
        break;
      }
    }
    return {
      values: values, relevant: relevant, today: scope.today, position: scope.position, repeats: scope.repeats,
      choices: scope.choices, tables: scope.tables
    };
  }

  // A new instance of a repeat, however it is made (opened, added or counted): its questions'
  // defaults, as a new interview has them for the questions asked once.
  function blankInstance(repeat) {
    var instance = {};
    repeat.questions.forEach(function (q) {
      if (q.default && !q.item.read_only && q.type !== 'calculate') {
        instance[q.name] = q.default;
      }
    });
    return instance;
  }

  // The instances kept for a repeat in a container (the repeats, or an outer instance): a repeat
  // not yet touched opens with one instance, as ODK and the web form open it, unless a count fixes it.
  function madeIn(repeat, container) {
    var made = container && container[repeat.name];
    if (Array.isArray(made)) {
      return made;
    }
    return repeat.item.repeat_count ? [] : [blankInstance(repeat)];
  }

  // What was typed in each instance: every question of the repeat, '' when unanswered (validate.py: typed_instances).
  function typedInstances(repeat, made) {
    return made.map(function (instance) {
      var typed = {};
      repeat.questions.forEach(function (q) {
        var value = instance && instance[q.name];
        typed[q.name] = value === undefined || value === null ? '' : String(value);
      });
      return typed;
    });
  }

  // Whether an answer a repeat_count reads (${name}) breaks its constraint (logic.py: _count_breaks_constraint).
  function countBreaksConstraint(form, repeat, values, scope) {
    return (repeat.item.repeat_count.match(/\$\{[^}]+\}/g) || []).some(function (reference) {
      var q = form.byName[reference.slice(2, -1).trim()];
      var value = q ? values[q.name] : '';
      return Boolean(q && q.item.constraint && value) && !E.truthy(run(q.item.constraint, values, value, scope));
    });
  }

  // None if the repeat does not apply, what its repeat_count says, else as many as made (logic.py:
  // instance_count). Inside an instance, its groups' conditions read that instance's position(..)
  // and repeats. A count read from an answer that breaks its constraint keeps as many as made, as
  // the server's page shown again with that error does (keep_made): the interview cannot go on
  // until it is corrected, and the instances on the screen stay meanwhile.
  function instanceCount(form, repeat, around, made) {
    var scope = {
      today: around.today, position: around.position, repeats: around.repeats, choices: around.choices, tables: around.tables
    };
    var conditions = repeat.groups.map(function (g) { return form.groups[g].item.relevant; }).concat([repeat.item.relevant]);
    if (!conditions.every(function (c) { return holds(c, around.values, scope); })) {
      return 0;
    }
    if (!repeat.item.repeat_count) {
      return Math.min(made, MAX_MADE);
    }
    var count = run('number(' + repeat.item.repeat_count + ')', around.values, '', scope);
    if (typeof count !== 'number' || isNaN(count)) {
      return 0;
    }
    if (countBreaksConstraint(form, repeat, around.values, scope)) {
      return Math.min(made, MAX_MADE);
    }
    return count < 0 ? 0 : Math.floor(Math.min(count, MAX_MADE));
  }

  function fitted(repeat, typed, count) {
    var blank = typedInstances(repeat, [blankInstance(repeat)])[0];
    var instances = typed.slice(0, count);
    while (instances.length < count) {
      instances.push(Object.assign({}, blank));
    }
    return instances;
  }

  // A chain of sums, each changing what applies to the next one summed, is seldom two long, and one
  // that goes round is refused on import: this only bounds the work (instances.py: ROUNDS).
  var ROUNDS = 10;

  // An instance's answers as the expressions around it read them: '' where a question does not
  // apply there, by its own relevant or a group's, whatever was typed before (instances.py: _applying).
  function applying(repeat, own) {
    var read = {};
    repeat.questions.forEach(function (q) { read[q.name] = own.values[q.name]; });
    return read;
  }

  // What two rounds must agree on: every answer but the calculations worked out anew each time
  // (once(uuid()) in a roster, now()), which would never let them (instances.py: _steady).
  var VOLATILE = /\b(?:uuid|now)\s*\(/;

  function steady(form, read) {
    var volatile = {};
    form.questions.forEach(function (q) {
      if (q.item.calculation && VOLATILE.test(q.item.calculation)) {
        volatile[q.name] = true;
      }
    });
    return JSON.stringify(read, function (key, value) { return volatile[key] ? undefined : value; });
  }

  // A scope (the form, or one instance) settled with the instances of the repeats directly inside
  // it, which its indexed-repeat(), sum() and count() read (instances.py: _Work.scope): each may
  // follow from the other, so both are worked out until neither changes. settleWith settles the
  // scope for the instances given; container holds what was kept for the repeats inside it.
  function settleScope(form, settleWith, nested, around, path, container) {
    var inside = {};
    nested.forEach(function (r) { inside[r.name] = typedInstances(r, madeIn(r, container)); });  // at first, as typed
    var state, inner;
    for (var round = 0; round < ROUNDS; round++) {
      var repeats = Object.assign({}, around, inside);
      state = settleWith(repeats);
      inner = nested.map(function (r) { return settleInstances(form, r, state, path, repeats, madeIn(r, container)); });
      var read = {};
      inner.forEach(function (found) {
        read[found.repeat.name] = found.instances.map(function (i) { return applying(found.repeat, i.state); });
      });
      if (steady(form, read) === steady(form, inside)) {
        break;
      }
      inside = read;
    }
    return { state: state, inner: inner };
  }

  // A repeat's instances inside one scope: as many as the form keeps, each settled; applies says
  // whether the repeat applies there (instances.py: _Work.instances).
  function settleInstances(form, repeat, around, parent, inScope, made) {
    var key = instancesKey(repeat.name, parent);
    var count = instanceCount(form, repeat, around, made.length);
    var own = fitted(repeat, typedInstances(repeat, made), count);
    var repeats = Object.assign({}, inScope);
    repeats[repeat.name] = own;  // its own repeat's, as typed, for indexed-repeat()
    var instances = own.map(function (typed, index) {
      var path = instancePath(parent, index + 1);
      var settled = settleScope(form, function (all) {
        return settle(form, repeat.questions, around.values, typed, {
          today: around.today, position: index + 1, repeats: all, choices: around.choices, tables: around.tables
        });
      }, repeat.nested, repeats, path, made[index] || {});
      settled.state.key = key;
      settled.state.path = path;
      return settled;
    });
    var applies = count > 0 || instanceCount(form, repeat, around, 1) > 0;
    return { repeat: repeat, key: key, applies: applies, instances: instances };
  }

  // Each instance's state into state.instances, by instances key (validate.py: validate_instances);
  // state.applies says, by instances key, whether the repeat applies there.
  function keepInstances(state, inner) {
    inner.forEach(function (found) {
      state.instances[found.key] = found.instances.map(function (i) { return i.state; });
      state.applies[found.key] = found.applies;
      found.instances.forEach(function (i) { keepInstances(state, i.inner); });
    });
  }

  // Each select question's choice labels by name in a language, as jr:choice-name() reads them
  // (model.py: Definition.choice_labels); worked out once per language.
  function choiceLabels(form, language) {
    var key = language || form.fallback;
    form.labels = form.labels || {};
    if (!form.labels[key]) {
      var labels = {};
      Object.keys(form.byName).forEach(function (name) {
        var q = form.byName[name];
        if (q.choices.length) {
          labels[name] = {};
          q.choices.forEach(function (c) { labels[name][c.name] = pick(c.label, key, form.fallback); });
        }
      });
      form.labels[key] = labels;
    }
    return form.labels[key];
  }

  // The rows pulldata() and instance('name')/root/item read (model.py: Definition.tables): each
  // choice list's, its labels in a language, and each CSV file's sent with the form, which wins.
  function tablesOf(form, language) {
    var key = language || form.fallback;
    form.tables = form.tables || {};
    if (!form.tables[key]) {
      var tables = {};
      var lists = form.definition.choices || {};
      Object.keys(lists).forEach(function (name) {
        tables[name] = (lists[name] || []).map(function (raw) {
          var row = {};
          Object.keys(raw).forEach(function (column) {
            if (raw[column] !== null && raw[column] !== undefined && column !== 'label') {
              row[column] = String(raw[column]);
            }
          });
          row.label = pick(raw.label, key, form.fallback);
          return row;
        });
      });
      Object.assign(tables, form.definition.data || {});
      form.tables[key] = tables;
    }
    return form.tables[key];
  }

  // Relevance and value of every question (logic.py: resolve_form), and of each instance's
  // (instances.py: settle_form); repeats holds the instances kept, as instances.js keeps them, and
  // language the interview's, whose choice labels jr:choice-name() gives.
  function resolve(form, answers, today, repeats, language) {
    var outside = {};
    var choices = choiceLabels(form, language);
    var tables = tablesOf(form, language);
    Object.keys(form.byName).concat(Object.keys(form.repeats)).forEach(function (name) { outside[name] = ''; });
    var settled = settleScope(form, function (all) {
      return settle(form, form.questions, outside, answers, {
        today: today, position: null, repeats: all, choices: choices, tables: tables
      });
    }, form.topRepeats, {}, '', repeats);
    var state = settled.state;
    state.instances = {};
    state.applies = {};
    keepInstances(state, settled.inner);
    return state;
  }

  function shown(q) {
    return q.type !== 'calculate' && q.type !== 'site';
  }

  function screenApplies(form, screen, state) {
    if (screen.group && !groupApplies(form, screen.group.name, state.values, state)) {
      return false;
    }
    return screen.questions.some(function (q) { return shown(q) && state.relevant[q.name]; }) ||
      screen.repeats.some(function (r) { return state.applies[r.name]; });
  }

  function allowedChoices(q, values, scope) {
    if (!q.filter) {
      return q.choices;
    }
    var blank = {};
    blank[CHOICE_PREFIX + 'name'] = '';
    q.choices.forEach(function (c) {
      Object.keys(c.columns).forEach(function (k) { blank[CHOICE_PREFIX + k] = ''; });
    });
    return q.choices.filter(function (c) {
      var columns = Object.assign({}, blank);
      columns[CHOICE_PREFIX + 'name'] = c.name;
      Object.keys(c.columns).forEach(function (k) { columns[CHOICE_PREFIX + k] = c.columns[k]; });
      return holds(q.filter, Object.assign({}, values, columns), scope);
    });
  }

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (all, key) { return key in values ? values[key] : all; });
  }

  function typeProblem(q, value, state, strings) {
    var allowed = allowedChoices(q, state.values, state).map(function (c) { return c.name; });
    switch (q.type) {
      case 'select_one':
        return allowed.indexOf(value) >= 0 ? '' : strings.notChoice;
      case 'select_multiple':
        return value.split(/\s+/).every(function (v) { return allowed.indexOf(v) >= 0; }) ? '' : strings.notChoice;
      case 'integer':
        return INTEGER.test(value) ? '' : strings.wholeNumber;
      case 'decimal':
        return DECIMAL.test(value) ? '' : strings.number;
      case 'date':
        return DATE.test(value) && !isNaN(Date.parse(value)) ? '' : strings.date;
      case 'time':
        return TIME_OF_DAY.test(value) ? '' : strings.time;
      case 'datetime':
        return DATE_AND_TIME.test(value) ? '' : strings.datetime;
      case 'geopoint':
        return isPoint(value) ? '' : strings.geopoint;
      case 'geotrace':
      case 'geoshape': {
        var given = points(value);
        return given.length >= FEWEST_POINTS[q.type] && given.every(isPoint)
          ? '' : format(strings.geopoints, { n: FEWEST_POINTS[q.type] });
      }
      case 'acknowledge':
        return value === ACKNOWLEDGED ? '' : strings.required;
      case 'text': {
        var most = q.item.max_length || 5000;
        return Array.from(value).length > most ? format(strings.tooLong, { max: most }) : '';
      }
      default:
        return '';
    }
  }

  // Whether a question needs an answer now: always, or when its required expression holds.
  function requiredNow(q, state) {
    var required = q.item.required;
    return typeof required === 'string' ? E.truthy(run(required, state.values, '', state)) : Boolean(required);
  }

  // What is wrong with one question's answer, in the interview's language; '' when nothing is.
  function problem(form, q, state, language, strings) {
    if (!state.relevant[q.name] || !shown(q) || q.type === 'note' || q.item.read_only) {
      return '';
    }
    var value = state.values[q.name];
    if (value === '') {
      return requiredNow(q, state) ? (pick(q.item.required_message, language, form.fallback) || strings.required) : '';
    }
    var wrong = typeProblem(q, value, state, strings);
    if (!wrong && q.item.constraint && !E.truthy(run(q.item.constraint, state.values, value, state))) {
      wrong = pick(q.item.constraint_message, language, form.fallback) || strings.notAllowed;
    }
    return wrong;
  }

  // The answers to send: relevant, stored, non-empty (a calculation is worked out again on the server).
  // questions: those asked once, else a repeat's in one instance's state.
  function answersToSend(form, state, questions) {
    var answers = {};
    (questions || form.questions).forEach(function (q) {
      if (state.relevant[q.name] && q.type !== 'note' && q.type !== 'calculate' && state.values[q.name] !== '') {
        answers[q.name] = state.values[q.name];
      }
    });
    return answers;
  }

  global.VocesQuestionnaire = {
    ACKNOWLEDGED: ACKNOWLEDGED,
    MARK: MARK,
    instancePath: instancePath,
    instancesKey: instancesKey,
    blankInstance: blankInstance,
    madeIn: madeIn,
    pick: pick,
    format: format,
    compile: compile,
    resolve: resolve,
    shown: shown,
    groupApplies: groupApplies,
    screenApplies: screenApplies,
    allowedChoices: allowedChoices,
    problem: problem,
    answersToSend: answersToSend
  };
})(window);
