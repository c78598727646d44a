/*
 * A survey definition (as /api/v1/surveys sends it) turned into screens the tablet shows offline:
 * one screen per top-level group, or per question outside a group. Relevance, calculations,
 * choice filters, constraints and required answers follow survey/questionnaire/logic.py and
 * survey/questionnaire/validate.py, evaluated with window.VocesExpressions; the server checks again.
 *
 * Answers are ODK strings: '' when unanswered, select_multiple choices space-separated.
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

  function run(expression, values, current, today) {
    try {
      return E.evaluate(expression, values, { current: current, today: today });
    } catch (error) {
      return '';  // as on the server: an expression that fails at run time counts as empty
    }
  }

  function holds(expression, values, today) {
    return !expression || E.truthy(run(expression, values, '', today));
  }

  function asAnswer(result) {
    if (typeof result === 'boolean') {
      return result ? 'true' : 'false';
    }
    return typeof result === 'number' ? String(run('string(.)', {}, result)) : String(result);
  }

  // A choice_filter's bare choice-sheet columns (state=${state}) read as ${choice.state}.
  function filterExpression(expression) {
    return expression.replace(FILTER_TOKEN, function (token, offset) {
      var rest = expression.slice(offset + token.length).replace(/^\s+/, '');
      return FILTER_COLUMN.test(token) && rest.charAt(0) !== '(' ? '${' + CHOICE_PREFIX + token + '}' : token;
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
    var form = {
      definition: definition, fallback: definition.default_language || 'en',
      questions: [], byName: {}, groups: {}, screens: []
    };
    function walk(items, path, screen) {
      items.forEach(function (item) {
        if (item.type === 'group') {
          form.groups[item.name] = { item: item, path: path.slice() };
          var inner = screen || { name: item.name, group: item, questions: [] };
          walk(item.questions || [], path.concat(item.name), inner);
          if (!screen) {
            form.screens.push(inner);
          }
          return;
        }
        var question = {
          name: item.name, type: item.type, item: item, groups: path.slice(),
          choices: choicesOf(item, lists), filter: item.choice_filter ? filterExpression(item.choice_filter) : '',
          default: item.default === undefined || item.default === null ? '' : String(item.default)
        };
        form.questions.push(question);
        form.byName[item.name] = question;
        if (screen) {
          screen.questions.push(question);
        } else if (item.type !== 'calculate' && item.type !== 'site') {
          form.screens.push({ name: item.name, group: null, questions: [question] });
        }
      });
    }
    walk(definition.questions || [], [], null);
    form.siteQuestion = form.questions.filter(function (q) { return q.type === 'site'; })[0] || null;
    form.consentQuestion = form.questions.filter(function (q) { return q.item.bind === 'consent'; })[0] || null;
    return form;
  }

  function groupApplies(form, name, values, today) {
    var group = form.groups[name];
    return group.path.concat([name]).every(function (g) {
      return holds(form.groups[g].item.relevant, values, today);
    });
  }

  // Relevance and value of every question, repeated until nothing changes (form_logic.resolve_form).
  function resolve(form, answers, today) {
    var values = {};
    var relevant = {};
    form.questions.forEach(function (q) { values[q.name] = ''; });
    for (var pass = 0; pass <= form.questions.length; pass++) {
      var changed = false;
      form.questions.forEach(function (q) {
        var applies = q.groups.concat([null]).every(function (g) {
          return holds(g === null ? q.item.relevant : form.groups[g].item.relevant, values, today);
        });
        relevant[q.name] = applies;
        var value = '';
        if (applies && q.type === 'calculate') {
          value = asAnswer(run(q.item.calculation, values, '', today));
        } else if (applies && q.item.read_only) {
          value = q.default;
        } else if (applies && q.type !== 'note') {
          value = String(answers[q.name] || '');
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
    return { values: values, relevant: relevant, today: today };
  }

  function shown(q) {
    return q.type !== 'calculate' && q.type !== 'site';
  }

  function screenApplies(form, screen, state) {
    if (screen.group && !groupApplies(form, screen.group.name, state.values, state.today)) {
      return false;
    }
    return screen.questions.some(function (q) { return shown(q) && state.relevant[q.name]; });
  }

  function allowedChoices(q, values, today) {
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
      return holds(q.filter, Object.assign({}, values, columns), today);
    });
  }

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (all, key) { return key in values ? values[key] : all; });
  }

  function typeProblem(q, value, state, strings) {
    var allowed = allowedChoices(q, state.values, state.today).map(function (c) { return c.name; });
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
    return typeof required === 'string' ? E.truthy(run(required, state.values, '', state.today)) : Boolean(required);
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
    if (!wrong && q.item.constraint && !E.truthy(run(q.item.constraint, state.values, value, state.today))) {
      wrong = pick(q.item.constraint_message, language, form.fallback) || strings.notAllowed;
    }
    return wrong;
  }

  // The answers to send: relevant, stored, non-empty (a calculation is worked out again on the server).
  function answersToSend(form, state) {
    var answers = {};
    form.questions.forEach(function (q) {
      if (state.relevant[q.name] && q.type !== 'note' && q.type !== 'calculate' && state.values[q.name] !== '') {
        answers[q.name] = state.values[q.name];
      }
    });
    return answers;
  }

  global.VocesQuestionnaire = {
    ACKNOWLEDGED: ACKNOWLEDGED,
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
