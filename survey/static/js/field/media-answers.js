/*
 * Photos, recordings and files on the tablet: a question answered with a file shows a file input
 * (accept and capture as survey/questionnaire/media_types.py says, data-record-audio for a spoken
 * answer, which audio-recorder.js turns into a recorder where the page has it) and the file kept,
 * with its size and a way to remove it.
 *
 * The File itself is kept in the record, in IndexedDB, under record.media[question] = {file, name,
 * type, size}; the answer is its name, as ODK keeps it. The file input's data-file-name is what
 * screens.js reads back as the answer, so that a reload, which empties every file input, loses
 * nothing. The interview takes in `controls` (this is the interview, as in instance-controls.js).
 */
(function (global) {
  'use strict';

  var Q = global.VocesQuestionnaire;
  var SCRIPTABLE = ['image/svg+xml'];  // survey/services/media.py: a drawing that can hold a script
  var NAME_CHARS = 100;

  function el(tag, attributes, children) {
    return global.VocesScreens.el(tag, attributes, children);
  }

  // "2.5 MB", "40 KB", as the interview's language writes the number.
  function fileSize(bytes, language) {
    var large = bytes >= 1024 * 1024;
    var amount = large ? bytes / 1024 / 1024 : Math.max(1, Math.round(bytes / 1024));
    return amount.toLocaleString(language, { maximumFractionDigits: 1 }) + (large ? ' MB' : ' KB');
  }

  // A name the server keeps as it is (werkzeug's secure_filename keeps these characters only).
  function safeName(file, type) {
    var name = (file.name || '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '');
    return name.slice(-NAME_CHARS) || type;
  }

  function isMedia(ctx, q) {
    return Boolean(ctx.media && ctx.media.kinds[q.type]);
  }

  // The kept file's name and size, and the button that removes it; empty and hidden when none is kept.
  function showChosen(node, kept, ctx) {
    node.textContent = '';
    node.hidden = !kept;
    if (!kept) {
      return;
    }
    var name = node.getAttribute('data-media-chosen');
    node.appendChild(el('span', { 'data-media-name': '' }, [kept.name + ' (' + fileSize(kept.size, ctx.language) + ')']));
    node.appendChild(document.createTextNode(' '));
    node.appendChild(el('button', { type: 'button', class: 'link-button', 'data-media-remove': name }, [
      ctx.strings.removeFile, el('span', { class: 'visually-hidden' }, [' ' + kept.name])
    ]));
  }

  // common: the input's id, name and aria-describedby, as screens.js gives every input.
  function input(ctx, q, common) {
    var kind = ctx.media.kinds[q.type];
    var kept = (ctx.files || {})[q.name] || null;
    var field = el('input', Object.assign({}, common, {
      type: 'file', accept: kind.accept || null, capture: kind.capture || null,
      'data-record-audio': q.type === 'audio' ? q.name : null, 'data-file-name': kept ? kept.name : ''
    }));
    var chosen = el('p', { class: 'media-chosen', 'data-media-chosen': q.name, 'aria-live': 'polite' });
    showChosen(chosen, kept, ctx);
    return el('div', { class: 'media-answer' }, [field, chosen]);
  }

  // What the tablet refuses before keeping a file: too large, empty, or not of the kind asked.
  function fileProblem(media, q, file, strings, language) {
    if (file.size > media.maxBytes) {
      return Q.format(strings.fileTooLarge, { size: fileSize(media.maxBytes, language) });
    }
    if (!file.size) {
      return strings.fileEmpty;
    }
    var accept = (media.kinds[q.type].accept || '').replace('*', '');
    var type = (file.type || '').split(';')[0].toLowerCase();
    // A browser that cannot tell the type says ''; the server then goes by the file's name.
    if (SCRIPTABLE.indexOf(type) >= 0 || (type && accept && type.indexOf(accept) !== 0)) {
      return strings.fileWrongKind;
    }
    return '';
  }

  // The reason beside this question alone: the others' messages stay as they are.
  function showProblem(screen, name, message) {
    var node = screen.querySelector('[data-q="' + name + '"]');
    var slot = node.querySelector('.error-message');
    slot.textContent = message;
    slot.hidden = !message;
    node.classList.toggle('has-error', Boolean(message));
    var field = node.querySelector('input');
    if (message) {
      field.setAttribute('aria-invalid', 'true');
    } else {
      field.removeAttribute('aria-invalid');
    }
  }

  var controls = {
    // A file taken, recorded or chosen: kept with the draft, or refused with the reason beside the question.
    takeFile: function (field) {
      var name = field.name;
      var file = field.files && field.files[0];
      if (!file) {
        return;  // the picker closed with nothing chosen: the file kept before stays
      }
      var q = this.form.byName[name];
      var problem = fileProblem(this.app.media, q, file, this.app.strings, this.record.language);
      if (problem) {
        field.value = '';
        showProblem(this.screen, name, problem);
        return;
      }
      var kept = { file: file, name: safeName(file, q.type), type: file.type || '', size: file.size };
      this.record.media = this.record.media || {};
      this.record.media[name] = kept;
      field.setAttribute('data-file-name', kept.name);
      showChosen(this.screen.querySelector('[data-media-chosen="' + name + '"]'), kept, this.context(this.state()));
      showProblem(this.screen, name, '');
      this.update();
    },

    removeFile: function (name) {
      var field = this.screen.querySelector('input[type=file][name="' + name + '"]');
      delete (this.record.media || {})[name];
      field.value = '';
      field.setAttribute('data-file-name', '');
      showChosen(this.screen.querySelector('[data-media-chosen="' + name + '"]'), null, this.context(this.state()));
      this.update();
      field.focus();
    }
  };

  global.VocesMedia = {
    fileSize: fileSize, isMedia: isMedia, input: input, fileProblem: fileProblem, controls: controls
  };
})(window);
