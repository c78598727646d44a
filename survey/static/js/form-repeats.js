/*
 * "Add another" and "Remove" for a repeat's instances, in the page: a new instance is a copy of the
 * last one, emptied and numbered; removing one numbers those after it again. Without this script
 * the buttons post the form and the server sends it back changed (survey/web/public/repeats.py),
 * which is also what happens when a repeat has no instance left to copy.
 *
 * Fields are named q_<question>.<n> and the form says in r_<repeat> how many instances it shows.
 */
(function (global) {
  'use strict';

  var NUMBERED = /^(q_[^.]+)\.(\d+)/;
  var ATTRIBUTES = ['name', 'id', 'for', 'data-field', 'aria-describedby', 'href'];

  // Give every numbered name, id and reference inside an instance its new number.
  function renumber(instance, repeat, number) {
    instance.setAttribute('data-instance', String(number));
    var elements = [instance].concat(Array.prototype.slice.call(instance.querySelectorAll('*')));
    elements.forEach(function (element) {
      ATTRIBUTES.forEach(function (attribute) {
        var value = element.getAttribute(attribute);
        if (value && NUMBERED.test(value)) {
          element.setAttribute(attribute, value.split(' ').map(function (part) {
            return part.replace(NUMBERED, '$1.' + number);
          }).join(' '));
        }
      });
    });
    var title = repeat.getAttribute('data-instance-title').replace('__n__', String(number));
    instance.querySelector('.instance-legend').textContent = title;
    var remove = instance.querySelector('[data-repeat-remove]');
    if (remove) {
      remove.value = 'remove:' + repeat.getAttribute('data-repeat') + ':' + number;
      remove.textContent = repeat.getAttribute('data-remove-title').replace('__n__', String(number));
    }
  }

  // An instance as new: nothing typed or chosen, no error from the copied one.
  function emptied(instance) {
    instance.querySelectorAll('input, textarea, select').forEach(function (input) {
      if (input.type === 'checkbox' || input.type === 'radio') {
        input.checked = false;
      } else if (input.tagName === 'SELECT') {
        input.selectedIndex = 0;
      } else if (input.type !== 'hidden' && input.type !== 'submit') {
        input.value = '';
      }
      input.removeAttribute('aria-invalid');
    });
    instance.querySelectorAll('.error-message:not(.live-error)').forEach(function (error) { error.remove(); });
    instance.querySelectorAll('[data-live-error]').forEach(function (error) { error.hidden = true; });
    return instance;
  }

  function instancesOf(repeat) {
    return Array.prototype.slice.call(repeat.querySelectorAll('[data-instance]'));
  }

  function changed(form, repeat) {
    var instances = instancesOf(repeat);
    repeat.querySelector('[data-repeat-count]').value = String(instances.length);
    instances.forEach(function (instance, index) { renumber(instance, repeat, index + 1); });
    form.dispatchEvent(new Event('change'));  // skip logic and the draft follow
  }

  function add(form, repeat, event) {
    var instances = instancesOf(repeat);
    if (!instances.length) {
      return;  // nothing to copy: the server makes the first one
    }
    event.preventDefault();
    var last = instances[instances.length - 1];
    var copy = emptied(last.cloneNode(true));
    last.parentNode.insertBefore(copy, last.nextSibling);
    changed(form, repeat);
    var first = copy.querySelector('input:not([type=hidden]), textarea, select');
    if (first) {
      first.focus();
    }
  }

  function remove(form, repeat, button, event) {
    event.preventDefault();
    var instance = button.closest('[data-instance]');
    instance.remove();
    changed(form, repeat);
    repeat.querySelector('[data-repeat-add]').focus();
  }

  function start() {
    var form = document.querySelector('form[data-form-logic]');
    if (!form) {
      return;
    }
    form.addEventListener('click', function (event) {
      var button = event.target.closest && event.target.closest('[data-repeat-add], [data-repeat-remove]');
      var repeat = button && button.closest('[data-repeat]');
      if (!repeat) {
        return;
      }
      if (button.hasAttribute('data-repeat-add')) {
        add(form, repeat, event);
      } else {
        remove(form, repeat, button, event);
      }
    });
  }

  global.VocesFormRepeats = { renumber: renumber };

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})(window);
