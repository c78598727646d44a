/*
 * A repeat's instances in an interview: kept in the record as the sync API takes them under
 * "repeats" (a list by repeat name; an instance is an object of answers by question name, holding
 * the instances of each repeat inside it under that repeat's name), changed as the field worker
 * types, adds and removes one, and named as the server names them: a question in an instance by
 * its path (child_name.2.1), a repeat's instances by the instance they are in (child.2).
 */
(function (global) {
  'use strict';

  var Q = global.VocesQuestionnaire;
  var UNSENT = ['note', 'calculate'];  // worked out again on the server

  // A key as the server names it: the question or repeat, and the path after it ('' for none).
  function splitKey(key) {
    var at = key.indexOf(Q.MARK);
    return at < 0 ? { name: key, path: '' } : { name: key.slice(0, at), path: key.slice(at + 1) };
  }

  // The repeats from the outermost to this one.
  function chainOf(form, name) {
    var chain = [];
    for (var repeat = form.repeats[name]; repeat; repeat = repeat.parent ? form.repeats[repeat.parent] : null) {
      chain.unshift(repeat);
    }
    return chain;
  }

  // The list of a repeat's instances inside the instance at parent ('' outside any), made as it
  // opens (one instance unless a count fixes how many) when create is true, else null if missing.
  function listAt(form, repeats, name, parent, create) {
    var chain = chainOf(form, name);
    var numbers = parent ? parent.split(Q.MARK).map(Number) : [];
    var container = repeats;
    for (var i = 0; i < chain.length; i++) {
      var list = container[chain[i].name];
      if (!Array.isArray(list)) {
        if (!create) {
          return null;
        }
        list = container[chain[i].name] = Q.madeIn(chain[i], null);
      }
      if (i === chain.length - 1) {
        return list;
      }
      while (create && list.length < numbers[i]) {
        list.push(Q.blankInstance(chain[i]));
      }
      container = list[numbers[i] - 1];
      if (!container) {
        return null;
      }
    }
    return null;
  }

  // The instance a path names (2.1), or null when nothing was kept for it yet.
  function instanceAt(form, repeats, name, path, create) {
    var parts = path.split(Q.MARK);
    var number = Number(parts.pop());
    var list = listAt(form, repeats, name, parts.join(Q.MARK), create);
    while (create && list && list.length < number) {
      list.push(Q.blankInstance(form.repeats[name]));
    }
    return (list && list[number - 1]) || null;
  }

  // Keep what was typed for a key: a question asked once in answers, one in an instance in repeats.
  function setAnswer(form, record, key, value) {
    var found = splitKey(key);
    var q = form.byName[found.name];
    if (!found.path || !q || !q.repeat) {
      record.answers[key] = value;
      return;
    }
    instanceAt(form, record.repeats, q.repeat, found.path, true)[found.name] = value;
  }

  function addInstance(form, repeats, key) {
    var found = splitKey(key);
    listAt(form, repeats, found.name, found.path, true).push(Q.blankInstance(form.repeats[found.name]));
  }

  function removeInstance(form, repeats, key, number) {
    var found = splitKey(key);
    listAt(form, repeats, found.name, found.path, true).splice(number - 1, 1);
  }

  // The instances to send, nested, from the state: as many as the form's rules make, each with its
  // relevant answers; a repeat that does not apply has none.
  function repeatsToSend(form, state) {
    function instances(repeat, parent) {
      return (state.instances[Q.instancesKey(repeat.name, parent)] || []).map(function (own) {
        var sent = {};
        repeat.questions.forEach(function (q) {
          if (own.relevant[q.name] && UNSENT.indexOf(q.type) < 0 && own.values[q.name] !== '') {
            sent[q.name] = own.values[q.name];
          }
        });
        repeat.nested.forEach(function (inner) { sent[inner.name] = instances(inner, own.path); });
        return sent;
      });
    }
    var repeats = {};
    form.topRepeats.forEach(function (repeat) { repeats[repeat.name] = instances(repeat, ''); });
    return repeats;
  }

  // What is wrong in every instance of these repeats (and of those inside them), by question and path.
  function problems(form, repeats, state, language, strings) {
    var found = {};
    function check(repeat, parent) {
      (state.instances[Q.instancesKey(repeat.name, parent)] || []).forEach(function (own) {
        repeat.questions.forEach(function (q) {
          var message = Q.problem(form, q, own, language, strings);
          if (message) {
            found[q.name + Q.MARK + own.path] = message;
          }
        });
        repeat.nested.forEach(function (inner) { check(inner, own.path); });
      });
    }
    repeats.forEach(function (repeat) { check(repeat, ''); });
    return found;
  }

  function label(form, item, language) {
    return Q.pick(item.label, language, form.fallback) || item.name;
  }

  // "Woman 2 › Child 1": an instance named with those it is inside (repeats.py: instance_path_title).
  function title(form, name, path, language, strings) {
    var chain = chainOf(form, name);
    var numbers = path.split(Q.MARK);
    return numbers.map(function (number, index) {
      var repeat = chain[chain.length - numbers.length + index];
      return Q.format(strings.instanceTitle, { label: repeat ? label(form, repeat.item, language) : name, number: number });
    }).join(' › ');
  }

  // What a key the server names (child_name.2.1, child.2, village) is called: "Woman 2 › Child 1: Child's name".
  function describe(form, key, language, strings) {
    var found = splitKey(key);
    var q = form.byName[found.name];
    var repeat = form.repeats[found.name];
    var named = q || repeat;
    var own = named ? label(form, named.item, language) : key;
    if (!found.path || !named) {
      return own;
    }
    var around = q ? q.repeat : repeat.parent;
    return around ? title(form, around, found.path, language, strings) + ': ' + own : own;
  }

  global.VocesInstances = {
    splitKey: splitKey,
    instanceAt: instanceAt,
    setAnswer: setAnswer,
    addInstance: addInstance,
    removeInstance: removeInstance,
    repeatsToSend: repeatsToSend,
    problems: problems,
    title: title,
    describe: describe
  };
})(window);
