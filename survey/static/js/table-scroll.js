/*
 * A table too wide for the screen scrolls in its own box (.table-scroll in voces.css), never the page.
 * A box that scrolls is made a region the keyboard reaches (Tab to it, then the arrows scroll it), named
 * by the table's caption or the heading above it; a box the table fits in stays out of the tab order.
 */
(function (global) {
  'use strict';

  var document = global.document;
  var named = 0;

  // The caption, or the nearest heading before the box in the page.
  function labelOf(box) {
    var caption = box.querySelector('caption');
    if (caption) {
      return caption;
    }
    for (var node = box; node && node !== document.body; node = node.parentElement) {
      for (var before = node.previousElementSibling; before; before = before.previousElementSibling) {
        if (/^H[1-6]$/.test(before.tagName)) {
          return before;
        }
        var inside = before.querySelectorAll('h1, h2, h3, h4, h5, h6');
        if (inside.length) {
          return inside[inside.length - 1];
        }
      }
    }
    return null;
  }

  function settle(box) {
    // In a card the card scrolls (its overflow, not the box's): the card is already a labelled region.
    var scrolls = global.getComputedStyle(box).overflowX !== 'visible' && box.scrollWidth > box.clientWidth;
    if (scrolls && !box.hasAttribute('tabindex')) {
      var label = labelOf(box);
      if (label) {
        label.id = label.id || 'table-scroll-label-' + (++named);
        box.setAttribute('aria-labelledby', label.id);
      }
      box.setAttribute('role', 'region');
      box.setAttribute('tabindex', '0');
    } else if (!scrolls && box.hasAttribute('tabindex')) {
      ['tabindex', 'role', 'aria-labelledby'].forEach(function (name) { box.removeAttribute(name); });
    }
  }

  function settleAll() {
    document.querySelectorAll('.table-scroll').forEach(settle);
  }

  var pending = false;
  global.addEventListener('resize', function () {
    if (!pending) {
      pending = true;
      global.requestAnimationFrame(function () { pending = false; settleAll(); });
    }
  });
  settleAll();
})(window);
