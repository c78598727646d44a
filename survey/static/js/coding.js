/* Coding a passage: a selection made in the testimony with the mouse, by touch or with the keyboard
   (arrow keys move, Shift extends, Ctrl moves a word at a time) fills the form's first and last
   characters. Offsets are counted in characters (code points), as the server counts them. */
(() => {
  "use strict";
  const text = document.getElementById("coding-text");
  const form = document.getElementById("coding-form");
  if (!text || !form) return;
  const first = form.querySelector("#start");
  const after = form.querySelector("#end");
  const whole = form.querySelector("#whole");
  const shown = document.getElementById("coding-selection");
  const full = text.textContent;
  let anchor = 0;
  let focus = 0;

  const points = (units) => Array.from(full.slice(0, units)).length;

  function unitsBefore(node, offset) {
    const range = document.createRange();
    range.setStart(text, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function position(units) {
    const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
    let seen = 0;
    let last = null;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (units <= seen + node.data.length) return [node, units - seen];
      seen += node.data.length;
      last = node;
    }
    return last ? [last, last.data.length] : [text, 0];
  }

  function report() {
    const low = Math.min(anchor, focus);
    const high = Math.max(anchor, focus);
    shown.hidden = false;
    if (high === low) {
      shown.textContent = shown.dataset.caret
        .replace("{at}", points(low))
        .replace("{next}", full.slice(low, low + 30));
      return;
    }
    first.value = points(low);
    after.value = points(high);
    if (whole) whole.checked = false;
    shown.textContent = shown.dataset.selected
      .replace("{text}", full.slice(low, high))
      .replace("{start}", first.value)
      .replace("{end}", after.value);
  }

  function select() {
    const selection = window.getSelection();
    const range = document.createRange();
    range.setStart(...position(anchor));
    selection.removeAllRanges();
    selection.addRange(range);
    selection.extend(...position(focus));
  }

  document.addEventListener("selectionchange", () => {
    const selection = window.getSelection();
    if (!selection.rangeCount || !text.contains(selection.anchorNode) || !text.contains(selection.focusNode)) return;
    anchor = unitsBefore(selection.anchorNode, selection.anchorOffset);
    focus = unitsBefore(selection.focusNode, selection.focusOffset);
    report();
  });

  function step(from, forward, byWord) {
    const size = (at) => (forward ? (full.codePointAt(at) > 0xffff ? 2 : 1) : (/[\udc00-\udfff]/.test(full[at - 1] || "") ? 2 : 1));
    let at = from;
    if (!byWord) return Math.max(0, Math.min(full.length, at + (forward ? size(at) : -size(at))));
    const space = (c) => /\s/.test(c || "");
    if (forward) {
      while (at < full.length && space(full[at])) at += 1;
      while (at < full.length && !space(full[at])) at += 1;
    } else {
      while (at > 0 && space(full[at - 1])) at -= 1;
      while (at > 0 && !space(full[at - 1])) at -= 1;
    }
    return at;
  }

  text.addEventListener("keydown", (event) => {
    let next;
    if (event.key === "ArrowRight") next = step(focus, true, event.ctrlKey || event.altKey);
    else if (event.key === "ArrowLeft") next = step(focus, false, event.ctrlKey || event.altKey);
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = full.length;
    else return;
    event.preventDefault();
    focus = next;
    if (!event.shiftKey) anchor = focus;
    select();
    report();
  });
})();
