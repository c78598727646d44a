/*
 * The questions of one screen as HTML, read back as answers, shown and hidden as answers change.
 * The markup follows the resident form's (templates/_macros/forms.html) so that voces.css and
 * screen readers treat both alike: a label or legend, the hint, the error, then the input.
 *
 * A question in a repeat instance is named by its path, as the server names it (member_name.2):
 * its data-q, its input's name and its id say so, and the instance around it (data-instance-key,
 * data-instance) says which state its relevance and outputs are read in.
 */
(function (global) {
  'use strict';

  var Q = global.VocesQuestionnaire;
  var I = global.VocesInstances;

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) {
      var value = attributes[key];
      if (value === true) {
        node.setAttribute(key, '');
      } else if (value !== false && value !== null && value !== undefined) {
        node.setAttribute(key, value);
      }
    });
    (children || []).forEach(function (child) {
      if (child) {
        node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  function text(ctx, texts) {
    return Q.pick(texts, ctx.language, ctx.form.fallback);
  }

  // A label or hint with a place for each answer it shows (${name}), which refresh() fills.
  function withOutputs(shown) {
    if (!shown) {
      return null;
    }
    var fragment = document.createDocumentFragment();
    shown.split(/\$\{([^}]*)\}/).forEach(function (part, index) {
      fragment.appendChild(index % 2 ? el('span', { 'data-output': part }) : document.createTextNode(part));
    });
    return fragment;
  }

  function heading(ctx, q, tag, forId) {
    var required = q.item.required === true && q.type !== 'note'
      ? el('span', { class: 'required' }, [' ' + ctx.strings.requiredMark]) : null;
    // A field worker interviews: the wording for an interview ("what you told us") where the survey has one.
    var label = text(ctx, q.item.interview_label) || text(ctx, q.item.label);
    return el(tag, forId ? { for: forId } : {}, [withOutputs(label), required]);
  }

  // The character the language writes between whole and fraction: "," in Spanish.
  function decimalSymbol(language) {
    try {
      var parts = new Intl.NumberFormat(language).formatToParts(1.5);
      return parts.filter(function (p) { return p.type === 'decimal'; }).map(function (p) { return p.value; })[0] || '.';
    } catch (error) {
      return '.';
    }
  }

  // "2,5" read as 2.5, as the web form and the server read it (survey/web/public/fields.py): a lone comma only.
  function decimalPoint(value, symbol) {
    var trimmed = value.trim();
    return symbol !== '.' && trimmed.split(symbol).length === 2 && trimmed.indexOf('.') < 0
      ? trimmed.replace(symbol, '.') : value;
  }

  // The answer kept for a question where it is asked: asked once, or in the instance `where` is.
  function given(q, where) {
    var value = q.item.read_only ? q.default : where.answers[q.name];
    return value === undefined || value === null ? '' : String(value);
  }

  function inputFor(ctx, q, id, described, where) {
    var value = given(q, where);
    var common = { id: id, name: where.key(q), 'aria-describedby': described, disabled: Boolean(q.item.read_only) };
    if (global.VocesMedia && global.VocesMedia.isMedia(ctx, q)) {  // a photo, recording or file (media-answers.js)
      return global.VocesMedia.input(ctx, q, common);
    }
    if (q.type === 'text') {
      var multiline = (q.item.appearance || '').split(/\s+/).indexOf('multiline') >= 0;
      var input = el(multiline ? 'textarea' : 'input', Object.assign(common, {
        type: multiline ? null : 'text', rows: multiline ? 6 : null, maxlength: q.item.max_length || 5000
      }));
      input.value = value;
      return input;
    }
    if (q.type === 'geotrace' || q.type === 'geoshape') {  // one point per line; the server joins them with ';'
      var points = el('textarea', Object.assign(common, { rows: 4 }));  // a number pad has no new line
      points.value = value.split(';').join('\n');
      return points;
    }
    // A decimal is a text box with a decimal keypad: a number box drops a comma its browser's locale does not expect.
    var symbol = decimalSymbol(ctx.language);
    var kinds = {
      integer: { type: 'number', step: '1', inputmode: 'numeric' },
      decimal: { type: 'text', inputmode: 'decimal', autocomplete: 'off', 'data-decimal-symbol': symbol },
      date: { type: 'date' },
      time: { type: 'time' },
      datetime: { type: 'datetime-local' },
      geopoint: { type: 'text', inputmode: 'decimal', autocomplete: 'off' }
    };
    var precision = q.type === 'date' ? datePrecision(q) : '';
    var field = el('input', Object.assign(common, precision ? DATE_PARTS[precision] : kinds[q.type] || { type: 'text' }));
    var stored = /^-?[0-9]*\.[0-9]+$/.test(value);
    field.value = q.type === 'decimal' && stored ? value.replace('.', symbol) : value;  // 2.5 shown as 2,5
    if (precision) {  // 2026-03-01 shown as the month 2026-03 or the year 2026
      field.value = value.slice(0, precision === 'month' ? 7 : 4);
    }
    if (q.type === 'geopoint' && !q.item.read_only) {
      return el('div', { class: 'geopoint' }, [field, locateButton(ctx, field)]);
    }
    return field;
  }

  // ODK's month-year and year appearances ask a date question for a month or a year only; read() keeps
  // its first day, as the server does (survey/questionnaire/question_types.py, DateType).
  var DATE_PARTS = {
    month: { type: 'month', pattern: '[0-9]{4}-[0-9]{1,2}', 'data-date-precision': 'month' },
    year: { type: 'number', min: '1', max: '9999', step: '1', inputmode: 'numeric', 'data-date-precision': 'year' }
  };

  function datePrecision(q) {
    var words = (q.item.appearance || '').split(/\s+/);
    return words.indexOf('month-year') >= 0 ? 'month' : words.indexOf('year') >= 0 ? 'year' : '';
  }

  // A month (2026-03) or a year (2026) as its first day; what names neither stays as typed.
  function firstDay(precision, value) {
    var text = value.trim();
    var month = /^([0-9]{4})-(0?[1-9]|1[0-2])(-[0-9]{2})?$/.exec(text);
    if (precision === 'month' && month) {
      return month[1] + '-' + ('0' + month[2]).slice(-2) + '-01';
    }
    var year = /^([0-9]{4})(-[0-9]{2}-[0-9]{2})?$/.exec(text);
    return precision === 'year' && year ? year[1] + '-01-01' : value;
  }

  // "Use my location" fills the point ("latitude longitude altitude accuracy"); typing stays possible.
  function locateButton(ctx, field) {
    if (!global.VocesGeopoint || !global.navigator.geolocation) {
      return null;
    }
    var status = el('span', { class: 'hint', 'aria-live': 'polite' });
    var button = el('button', { type: 'button', class: 'button' }, [ctx.strings.locate]);
    button.addEventListener('click', function () {
      status.textContent = ctx.strings.locating;
      global.VocesGeopoint.locate(function (point) {
        status.textContent = point ? ctx.strings.located : ctx.strings.notLocated;
        if (point) {
          field.value = point;
          field.dispatchEvent(new Event('input', { bubbles: true }));
          field.dispatchEvent(new Event('change', { bubbles: true }));
        }
      });
    });
    return el('span', {}, [button, status]);
  }

  function choicesFor(ctx, q, id, described, where) {
    var chosen = given(q, where).split(/\s+/);
    var type = q.type === 'select_one' ? 'radio' : 'checkbox';
    return el('div', { class: 'choices' }, q.choices.map(function (choice, index) {
      var choiceId = id + '-' + index;
      var input = el('input', {
        type: type, id: choiceId, name: where.key(q), value: choice.name,
        'aria-describedby': described, disabled: Boolean(q.item.read_only)
      });
      input.checked = chosen.indexOf(choice.name) >= 0;
      return el('div', { class: 'choice', 'data-choice': choice.name }, [
        input, el('label', { for: choiceId }, [text(ctx, choice.label) || choice.name])
      ]);
    }));
  }

  function questionNode(ctx, q, where) {
    if (!Q.shown(q)) {
      return null;
    }
    var key = where.key(q);
    var id = 'fq-' + key;
    var hint = text(ctx, q.item.hint);
    var hintNode = hint ? el('p', { class: 'hint', id: id + '-hint' }, [withOutputs(hint)]) : null;
    if (q.type === 'note') {
      return el('div', { class: 'field note', 'data-q': key }, [
        el('p', { class: 'note-text' }, [withOutputs(text(ctx, q.item.label))]), hintNode
      ]);
    }
    var described = (hint ? id + '-hint ' : '') + id + '-error';
    var error = el('p', { class: 'error-message', id: id + '-error', hidden: true });
    if (q.type === 'select_one' || q.type === 'select_multiple') {
      return el('fieldset', { class: 'field field-choice', id: id, 'data-q': key }, [
        heading(ctx, q, 'legend'), hintNode, error, choicesFor(ctx, q, id, described, where)
      ]);
    }
    if (q.type === 'acknowledge') {
      var box = el('input', {
        type: 'checkbox', id: id + '-input', name: key, value: Q.ACKNOWLEDGED,
        'aria-describedby': described, disabled: Boolean(q.item.read_only)
      });
      box.checked = given(q, where) === Q.ACKNOWLEDGED;
      return el('div', { class: 'field', id: id, 'data-q': key }, [
        hintNode, error, el('div', { class: 'field-check' }, [box, heading(ctx, q, 'label', id + '-input')])
      ]);
    }
    return el('div', { class: 'field', id: id, 'data-q': key }, [
      heading(ctx, q, 'label', id + '-input'), hintNode, error, inputFor(ctx, q, id + '-input', described, where)
    ]);
  }

  // Where questions are asked: once (their answers in ctx.answers), or in the instance at a path.
  function once(ctx) {
    return { path: '', answers: ctx.answers, key: function (q) { return q.name; } };
  }

  function inInstance(ctx, repeat, path) {
    var kept = I.instanceAt(ctx.form, ctx.repeats, repeat.name, path, false) || Q.blankInstance(repeat);  // not typed in yet
    return { path: path, answers: kept, key: function (q) { return q.name + Q.MARK + path; } };
  }

  function itemNodes(ctx, items, where) {
    return (items || []).map(function (item) {
      if (item.type === 'group') {
        return groupNode(ctx, item, true, where);
      }
      if (item.type === 'repeat') {
        return repeatNode(ctx, ctx.form.repeats[item.name], where.path);
      }
      return questionNode(ctx, ctx.form.byName[item.name], where);
    });
  }

  function groupNode(ctx, group, nested, where) {
    var label = text(ctx, group.label);
    var hint = text(ctx, group.hint);
    var head = label ? el(nested ? 'h3' : 'h2', { class: 'group-legend' }, [withOutputs(label)]) : null;
    return el('section', { class: 'group', 'data-group': group.name }, [
      head, hint ? el('p', { class: 'hint' }, [withOutputs(hint)]) : null
    ].concat(itemNodes(ctx, group.questions, where)));
  }

  // A repeat's instances inside the instance at parent ('' outside any), numbered, each with its
  // questions and "Remove", then "Add another"; a repeat_count fixes how many, and neither is offered.
  function repeatNode(ctx, repeat, parent) {
    var key = Q.instancesKey(repeat.name, parent);
    var states = ctx.state.instances[key] || [];
    var fixed = Boolean(repeat.item.repeat_count);
    var hint = text(ctx, repeat.item.hint);
    var section = el('section', { class: 'group repeat', 'data-repeat': repeat.name, 'data-repeat-key': key, 'data-made': String(states.length) }, [
      el(parent ? 'h3' : 'h2', { class: 'group-legend' }, [withOutputs(text(ctx, repeat.item.label) || repeat.name)]),
      hint ? el('p', { class: 'hint' }, [withOutputs(hint)]) : null,
      fixed && !states.length ? el('p', { class: 'hint' }, [ctx.strings.countedInstances]) : null
    ]);
    states.forEach(function (own, index) {
      var title = I.title(ctx.form, repeat.name, String(index + 1), ctx.language, ctx.strings);
      var remove = fixed ? null : el('button', {
        type: 'button', class: 'link-button', 'data-repeat-remove': key, 'data-instance-number': String(index + 1)
      }, [Q.format(ctx.strings.removeInstance, { title: title })]);
      section.appendChild(el('fieldset', {
        class: 'repeat-instance', 'data-instance-key': key, 'data-instance': String(index + 1)
      }, [el('legend', { class: 'instance-legend' }, [title])].concat(
        itemNodes(ctx, repeat.item.questions, inInstance(ctx, repeat, own.path)), [remove])));
    });
    if (!fixed) {
      section.appendChild(el('button', { type: 'button', class: 'button', 'data-repeat-add': key }, [ctx.strings.addInstance]));
    }
    return section;
  }

  // The screen's questions; ctx = {form, language, strings, answers, repeats, state}.
  function render(ctx, screen) {
    if (screen.group) {
      return groupNode(ctx, screen.group, false, once(ctx));
    }
    return screen.questions.length ? questionNode(ctx, screen.questions[0], once(ctx)) : repeatNode(ctx, screen.repeats[0], '');
  }

  // The sections of repeats whose instances are no longer as many as shown, drawn again (the
  // outermost only: one drawn again holds those inside it); true when one was.
  function redraw(container, ctx) {
    var redrawn = false;
    container.querySelectorAll('[data-repeat-key]').forEach(function (section) {
      var key = section.getAttribute('data-repeat-key');
      var made = (ctx.state.instances[key] || []).length;
      if (!container.contains(section) || String(made) === section.getAttribute('data-made')) {
        return;
      }
      var found = I.splitKey(key);
      section.replaceWith(repeatNode(ctx, ctx.form.repeats[found.name], found.path));
      redrawn = true;
    });
    return redrawn;
  }

  // The state a node's expressions are read in: its instance's, or the form's; null for an instance gone.
  function scopeOf(node, state) {
    var instance = node.closest('[data-instance-key]');
    if (!instance) {
      return state;
    }
    var states = state.instances[instance.getAttribute('data-instance-key')] || [];
    return states[Number(instance.getAttribute('data-instance')) - 1] || null;
  }

  // What the field worker chose or typed on this screen, as ODK strings by question name.
  function read(container) {
    var answers = {};
    container.querySelectorAll('[data-q]').forEach(function (node) {
      var inputs = Array.prototype.filter.call(node.querySelectorAll('input, textarea'), function (input) {
        return input.name === node.getAttribute('data-q') && !input.disabled;
      });
      if (!inputs.length) {
        return;
      }
      var value = inputs[0].type === 'file' ? inputs[0].getAttribute('data-file-name') || '' : inputs[0].value;
      if (inputs[0].hasAttribute('data-decimal-symbol')) {
        value = decimalPoint(value, inputs[0].getAttribute('data-decimal-symbol'));
      }
      if (inputs[0].hasAttribute('data-date-precision')) {
        value = firstDay(inputs[0].getAttribute('data-date-precision'), value);
      }
      if (inputs[0].type === 'radio' || inputs[0].type === 'checkbox') {
        value = inputs.filter(function (i) { return i.checked; }).map(function (i) { return i.value; }).join(' ');
      }
      answers[node.getAttribute('data-q')] = value;
    });
    return answers;
  }

  // Show what applies and the choices the filters let through; true when a choice was unticked.
  function refresh(container, form, state) {
    var unticked = false;
    container.querySelectorAll('[data-output]').forEach(function (node) {
      var scope = scopeOf(node, state);
      node.textContent = (scope && scope.values[node.getAttribute('data-output')]) || '';
    });
    container.querySelectorAll('[data-group]').forEach(function (node) {
      var scope = scopeOf(node, state);
      node.hidden = !scope || !Q.groupApplies(form, node.getAttribute('data-group'), scope.values, scope);
    });
    container.querySelectorAll('[data-repeat-key]').forEach(function (node) {
      var scope = scopeOf(node, state);
      node.hidden = !scope || !state.applies[node.getAttribute('data-repeat-key')];
    });
    container.querySelectorAll('[data-q]').forEach(function (node) {
      var q = form.byName[I.splitKey(node.getAttribute('data-q')).name];
      var scope = scopeOf(node, state);
      node.hidden = !scope || !scope.relevant[q.name];
      if (!q.filter || !scope) {
        return;
      }
      var allowed = Q.allowedChoices(q, scope.values, scope).map(function (c) { return c.name; });
      node.querySelectorAll('[data-choice]').forEach(function (choice) {
        var keep = allowed.indexOf(choice.getAttribute('data-choice')) >= 0;
        var input = choice.querySelector('input');
        choice.hidden = !keep;
        if (!keep && input.checked) {
          input.checked = false;
          unticked = true;
        }
      });
    });
    return unticked;
  }

  // Put each problem next to its question (or clear it); returns the first question in error.
  function showProblems(container, problems) {
    var first = null;
    container.querySelectorAll('[data-q]').forEach(function (node) {
      var message = problems[node.getAttribute('data-q')] || '';
      var slot = node.querySelector('.error-message');
      if (!slot) {
        return;
      }
      slot.textContent = message;
      slot.hidden = !message;
      node.classList.toggle('has-error', Boolean(message));
      node.querySelectorAll('input, textarea').forEach(function (input) {
        if (message) {
          input.setAttribute('aria-invalid', 'true');
        } else {
          input.removeAttribute('aria-invalid');
        }
      });
      if (message && !first) {
        first = node;
      }
    });
    return first;
  }

  global.VocesScreens = {
    el: el, decimalSymbol: decimalSymbol, render: render, redraw: redraw, read: read, refresh: refresh, scopeOf: scopeOf,
    showProblems: showProblems
  };
})(window);
