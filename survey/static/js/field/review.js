/*
 * The answers of an interview before it is finished: each question that applies, its answer in
 * words, and a button back to the screen that asks it. Nothing here changes an answer.
 */
(function (global) {
  'use strict';

  var Q = global.VocesQuestionnaire;
  var S = global.VocesScreens;
  var UNSHOWN = ['calculate', 'site', 'note'];

  // A choice's label (labels, for several), or the answer as typed.
  function answerText(ctx, q, value) {
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

  // ctx: {form, language, strings}; screens: those that apply; onChange(screenName) goes back to one.
  function render(ctx, screens, state, onChange) {
    var list = S.el('dl', { class: 'review-list' });
    screens.forEach(function (screen) {
      screen.questions.forEach(function (q) {
        if (UNSHOWN.indexOf(q.type) >= 0 || !state.relevant[q.name]) {
          return;
        }
        var label = labelOf(ctx, q, state);
        var value = state.values[q.name];
        var change = S.el('button', { type: 'button', class: 'link-button', 'data-change': screen.name }, [
          ctx.strings.change, S.el('span', { class: 'visually-hidden' }, [' ' + label])
        ]);
        change.addEventListener('click', function () { onChange(screen.name); });
        list.appendChild(S.el('div', { class: 'review-row', 'data-review': q.name }, [
          S.el('dt', {}, [label]),
          S.el('dd', {}, [
            S.el('span', { class: 'review-answer' + (value ? '' : ' muted') }, [value ? answerText(ctx, q, value) : ctx.strings.notAnswered]),
            change
          ])
        ]));
      });
    });
    var fragment = document.createDocumentFragment();
    fragment.appendChild(S.el('h2', { id: 'h-review' }, [ctx.strings.reviewTitle]));
    fragment.appendChild(S.el('p', {}, [ctx.strings.reviewLead]));
    fragment.appendChild(list);
    return fragment;
  }

  global.VocesReview = { render: render, answerText: answerText };
})(window);
