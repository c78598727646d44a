/*
 * "Add another" and "Remove" for a repeat's instances, in the page: a new instance is a copy of the
 * blank one the server writes into the repeat's <template> (nothing typed, the questions' defaults),
 * numbered; removing one numbers those after it again. Without this script the buttons post the
 * form and the server sends it back changed (survey/web/public/repeats.py).
 *
 * Fields are named q_<question>.<n> and the form says in r_<repeat> how many instances it shows.
 * In a repeat inside another, an instance is named by its path (q_<question>.2.1: the first inside
 * the outer repeat's second), each outer instance holds r_<repeat>.<its path>, and the buttons name
 * the instances so (add:child.2, remove:child.2:1): renumbering changes the part of the path that is
 * the renumbered repeat's, whatever is inside it.
 *
 * A repeat whose repeat_count says how many (data-count) follows it as the resident answers: its
 * blank instance is copied as the count grows, and the instances the count takes away are kept
 * aside (what was typed and all) and put back if it grows again before the page is left, where
 * ODK would empty them. Its "Update after my answers" button, for pages without this script, is
 * hidden. The server counts again on submit.
 *
 * Every instance put in the page fires voces:instance-added (bubbling) for the scripts that wire
 * widgets in it, such as geopoint.js's "Use my location".
 */
(function (global) {
  'use strict';

  // q_name.2.1, r_child.2, add:child.2, remove:child.2:1: the prefix and name, the path, the rest.
  var NUMBERED = /^(q_[^.]+|r_[^.]+|add:[^.:]+|remove:[^.:]+)((?:\.\d+)+)(.*)$/;
  var ATTRIBUTES = ['name', 'id', 'for', 'data-field', 'aria-describedby', 'href'];
  var BUTTONS = '[data-repeat-add], [data-repeat-remove]';
  var aside = new WeakMap();  // by counted repeat: the instances its count took away, in order

  // An element and all inside it, with the blank instances' (<template>) and those set aside: a
  // renumbered instance's copies-to-be and kept answers must follow its new number too.
  function everyElement(root) {
    var found = [];
    (function walk(element) {
      found.push(element);
      Array.prototype.forEach.call(element.children, walk);
      if (element.tagName === 'TEMPLATE') {
        Array.prototype.forEach.call(element.content.children, walk);
      }
      (aside.get(element) || []).forEach(walk);
    })(root);
    return found;
  }

  // How many repeats a repeat is inside: the place of its own number in a path.
  function depthOf(repeat) {
    var depth = 0;
    for (var node = repeat.parentElement; node; node = node.parentElement) {
      if (node.hasAttribute('data-instance')) {
        depth++;
      }
    }
    return depth;
  }

  function withNumber(value, depth, number) {
    return value.split(' ').map(function (part) {
      var found = NUMBERED.exec(part);
      if (!found) {
        return part;
      }
      var path = found[2].slice(1).split('.');
      if (path.length <= depth) {
        return part;  // a path outside the renumbered repeat (an outer count, for instance)
      }
      path[depth] = String(number);
      return found[1] + '.' + path.join('.') + found[3];
    }).join(' ');
  }

  // Give every numbered name, id and reference inside an instance its new number.
  function renumber(instance, repeat, number) {
    var depth = depthOf(repeat);
    instance.setAttribute('data-instance', String(number));
    everyElement(instance).forEach(function (element) {
      var attributes = element.matches(BUTTONS) ? ATTRIBUTES.concat(['value']) : ATTRIBUTES;
      attributes.forEach(function (attribute) {
        var value = element.getAttribute(attribute);
        if (value && NUMBERED.test(value)) {
          element.setAttribute(attribute, withNumber(value, depth, number));
        }
      });
    });
    var title = repeat.getAttribute('data-instance-title').replace('__n__', String(number));
    ownOf(instance, '.instance-legend').textContent = title;
    var remove = ownOf(instance, '[data-repeat-remove]');
    var add = ownOf(repeat, '[data-repeat-add]');
    if (remove && add) {
      remove.value = 'remove:' + add.value.replace(/^add:/, '') + ':' + number;
      remove.textContent = repeat.getAttribute('data-remove-title').replace('__n__', String(number));
    }
  }

  // The first element matching inside a repeat or instance that is its own, not a repeat's inside it.
  function ownOf(container, selector) {
    var owner = container.hasAttribute('data-repeat') ? '[data-repeat]' : '[data-instance]';
    return Array.prototype.find.call(container.querySelectorAll(selector), function (element) {
      return element.parentElement.closest(owner) === container;
    }) || null;
  }

  // A repeat's own instances, not those of a repeat inside it.
  function instancesOf(repeat) {
    return Array.prototype.filter.call(repeat.querySelectorAll('[data-instance]'), function (instance) {
      return instance.parentElement.closest('[data-repeat]') === repeat;
    });
  }

  function numberAll(repeat) {
    var instances = instancesOf(repeat);
    ownOf(repeat, '[data-repeat-count]').value = String(instances.length);
    instances.forEach(function (instance, index) { renumber(instance, repeat, index + 1); });
  }

  // From the repeat, not the form: form-pages.js keeps a draft on a change inside the form.
  function changed(repeat) {
    numberAll(repeat);
    repeat.dispatchEvent(new Event('change', { bubbles: true }));  // skip logic and the draft follow
  }

  // Make a counted repeat show as many instances as its count: those set aside first, then blank
  // ones. Whether it changed anything.
  function fit(repeat, count) {
    var blank = ownOf(repeat, 'template[data-blank-instance]');
    if (!blank || instancesOf(repeat).length === count) {
      return false;
    }
    var kept = aside.get(repeat) || [];
    for (var instances = instancesOf(repeat); instances.length > count; instances.pop()) {
      var last = instances[instances.length - 1];
      last.remove();
      kept.unshift(last);
    }
    for (var shown = instancesOf(repeat).length; shown < count; shown++) {
      var next = kept.shift() || blank.content.firstElementChild.cloneNode(true);
      blank.parentNode.insertBefore(next, blank);
      handled(next);
      added(next);
    }
    aside.set(repeat, kept);
    numberAll(repeat);
    ownOf(repeat, '[data-repeat-none]').hidden = count > 0;
    return true;
  }

  function follow(form) {
    var moved = false;
    global.VocesFormLogic.counts(form).forEach(function (wanted) {
      moved = fit(wanted.repeat, wanted.count) || moved;
    });
    if (moved) {
      form.dispatchEvent(new Event('change'));  // skip logic, counts inside new instances, the draft
    }
  }

  // The counted repeats inside are followed here: their buttons asking the server are not needed.
  function handled(container) {
    container.querySelectorAll('[data-repeat][data-count]').forEach(function (repeat) {
      var refresh = ownOf(repeat, '[data-repeat-refresh]');
      if (refresh) {
        refresh.hidden = true;
      }
    });
  }

  // Tell the page's other scripts (geopoint.js) of an instance put in it, to wire what they add.
  function added(instance) {
    instance.dispatchEvent(new CustomEvent('voces:instance-added', { bubbles: true }));
  }

  // A copy of the repeat's blank instance, put after its instances; null when it has none.
  function blankCopy(repeat) {
    var blank = ownOf(repeat, 'template[data-blank-instance]');
    if (!blank) {
      return null;
    }
    var copy = blank.content.firstElementChild.cloneNode(true);
    blank.parentNode.insertBefore(copy, blank);
    if (follows()) {
      handled(copy);
    }
    return copy;
  }

  // Show as many instances of a repeat the resident adds to as a draft kept (form-pages.js): blank
  // ones added, the last ones taken away. Its answers are the draft's to put back.
  function show(repeat, count) {
    if (repeat.hasAttribute('data-count')) {
      return;  // its repeat_count says how many, once its answers are back
    }
    var instances = instancesOf(repeat);
    instances.slice(count).forEach(function (extra) { extra.remove(); });
    var made = [];
    for (var shown = instances.length; shown < count; shown++) {
      var copy = blankCopy(repeat);
      if (!copy) {
        return;
      }
      made.push(copy);
    }
    numberAll(repeat);
    made.forEach(added);
  }

  function add(form, repeat, event) {
    var copy = blankCopy(repeat);
    if (!copy) {
      return;  // nothing to copy: the server adds it
    }
    event.preventDefault();
    changed(repeat);
    added(copy);
    var first = copy.querySelector('input:not([type=hidden]), textarea, select');
    if (first) {
      first.focus();
    }
  }

  function remove(form, repeat, button, event) {
    event.preventDefault();
    var instance = button.closest('[data-instance]');
    instance.remove();
    changed(repeat);
    ownOf(repeat, '[data-repeat-add]').focus();
  }

  // Whether the page follows the counts as they are typed; without form-logic.js the server counts.
  function follows() {
    return Boolean(global.VocesExpressions && global.VocesFormLogic && global.VocesFormLogic.counts);
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
    if (follows()) {
      handled(form);
      var counted = function () { follow(form); };
      form.addEventListener('input', counted);
      form.addEventListener('change', counted);
      follow(form);
    }
  }

  global.VocesFormRepeats = { renumber: renumber, show: show };

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})(window);
