/*
 * What an interview does as the field worker changes a repeat's instances on its screen: keeps
 * each answer typed in its instance (instances.js), draws again the repeats whose instances a
 * repeat_count made more or fewer, and answers "Add another" and "Remove", putting the focus where
 * the field worker goes on. These are methods of the interview (interview.js takes them in), with
 * `this` the interview: its screen, form, record, state(), context(), updateNav() and save().
 */
(function (global) {
  'use strict';

  var S = global.VocesScreens;
  var I = global.VocesInstances;

  // Keep what was typed, by key: a question asked once in answers, one in an instance in repeats.
  function keep(typed) {
    var self = this;
    Object.keys(typed).forEach(function (key) { I.setAnswer(self.form, self.record, key, typed[key]); });
  }

  // Draw again the repeats whose instances changed in number (a repeat_count typed), keeping the focus.
  function redraw(state) {
    var focused = document.activeElement && document.activeElement.id;
    if (!S.redraw(this.screen, this.context(state))) {
      return false;
    }
    var again = focused && document.getElementById(focused);
    if (again && document.activeElement !== again) {
      again.focus();
    }
    return true;
  }

  // "Add another" and "Remove": change the instances kept, draw them again, and say where the field worker is.
  function changeInstances(event) {
    var add = event.target.closest('[data-repeat-add]');
    var remove = event.target.closest('[data-repeat-remove]');
    if (!add && !remove) {
      return;
    }
    this.keep(S.read(this.screen));
    var key = (add || remove).getAttribute(add ? 'data-repeat-add' : 'data-repeat-remove');
    if (add) {
      I.addInstance(this.form, this.record.repeats, key);
    } else {
      I.removeInstance(this.form, this.record.repeats, key, Number(remove.getAttribute('data-instance-number')));
    }
    var state = this.state();
    S.redraw(this.screen, this.context(state));
    S.refresh(this.screen, this.form, state);
    var section = this.screen.querySelector('[data-repeat-key="' + key + '"]');
    var instances = section ? section.querySelectorAll('[data-instance-key="' + key + '"]') : [];
    var last = instances.length ? instances[instances.length - 1] : null;
    var target = add && last ? last.querySelector('input:not([disabled]), textarea') : section && section.querySelector('[data-repeat-add]');
    if (target) {
      target.focus();
    }
    this.updateNav(state);
    this.save();
  }

  global.VocesInstanceControls = { keep: keep, redraw: redraw, changeInstances: changeInstances };
})(window);
