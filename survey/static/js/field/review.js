/*
 * The answers of an interview before it is finished: each question that applies, its answer in
 * words, and a button back to the screen that asks it; each instance of a repeat under its own
 * title ("Household member 2"). Nothing here changes an answer.
 */
(function (global) {
  'use strict';

  var Q = global.VocesQuestionnaire;
  var S = global.VocesScreens;
  var I = global.VocesInstances;
  var UNSHOWN = ['calculate', 'site', 'note'];

  // A choice's label (labels, for several), a kept file's name and size, or the answer as typed.
  function answerText(ctx, q, value) {
    var kept = ctx.files && ctx.files[q.name];
    if (kept && kept.name === value) {
      return kept.name + ' (' + global.VocesMedia.fileSize(kept.size, ctx.language) + ')';
    }
    if (q.type === 'decimal') {
      return value.replace('.', S.decimalSymbol(ctx.language));  // as the language writes it: 2,5
    }
    if (!q.choices.length) {
      return value;
    }
    var names = value.split(/\s+/);
    return q.choices.filter(function (c) { return names.indexOf(c.name) >= 0; }).map(function (c) {
      return Q.pick(c.label, ctx.language, ctx.form.fallback);
    }).join(', ') || value;
  }

  function labelOf(ctx, q, state) {
    var label = Q.pick(q.item.interview_label, ctx.language, ctx.form.fallback) ||
      Q.pick(q.item.label, ctx.language, ctx.form.fallback) || q.name;
    return label.replace(/\$\{([^}]*)\}/g, function (all, name) { return state.values[name] || ''; });
  }

  // The rows of these questions, read in a state (the form's, or an instance's, whose path names them).
  function rows(ctx, questions, state, screen, onChange) {
    var list = S.el('dl', { class: 'review-list' });
    questions.forEach(function (q) {
      if (UNSHOWN.indexOf(q.type) >= 0 || !state.relevant[q.name]) {
        return;
      }
      var label = labelOf(ctx, q, state);
      var value = state.values[q.name];
      var change = S.el('button', { type: 'button', class: 'link-button', 'data-change': screen.name }, [
        ctx.strings.change, S.el('span', { class: 'visually-hidden' }, [' ' + label])
      ]);
      change.addEventListener('click', function () { onChange(screen.name); });
      list.appendChild(S.el('div', { class: 'review-row', 'data-review': state.path ? q.name + Q.MARK + state.path : q.name }, [
        S.el('dt', {}, [label]),
        S.el('dd', {}, [
          S.el('span', { class: 'review-answer' + (value ? '' : ' muted') }, [value ? answerText(ctx, q, value) : ctx.strings.notAnswered]),
          change
        ])
      ]));
    });
    return list;
  }

  // Each instance of a repeat under its title ("Woman 2 › Child 1"), then the instances inside it.
  function instances(ctx, repeat, parent, state, screen, onChange, into) {
    (state.instances[Q.instancesKey(repeat.name, parent)] || []).forEach(function (own) {
      var title = I.title(ctx.form, repeat.name, own.path, ctx.language, ctx.strings);
      into.appendChild(S.el('h3', { class: 'review-instance', 'data-review-instance': repeat.name + Q.MARK + own.path }, [title]));
      into.appendChild(rows(ctx, repeat.questions, own, screen, onChange));
      repeat.nested.forEach(function (inner) { instances(ctx, inner, own.path, state, screen, onChange, into); });
    });
  }

  // ctx: {form, language, strings, files}; screens: those that apply; onChange(screenName) goes back to one.
  function render(ctx, screens, state, onChange) {
    var fragment = document.createDocumentFragment();
    fragment.appendChild(S.el('h2', { id: 'h-review' }, [ctx.strings.reviewTitle]));
    fragment.appendChild(S.el('p', {}, [ctx.strings.reviewLead]));
    screens.forEach(function (screen) {
      fragment.appendChild(rows(ctx, screen.questions, state, screen, onChange));
      screen.repeats.forEach(function (repeat) { instances(ctx, repeat, '', state, screen, onChange, fragment); });
    });
    return fragment;
  }

  global.VocesReview = { render: render, answerText: answerText };
})(window);
