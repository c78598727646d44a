/*
 * Record a spoken answer in the page, for a resident who cannot write: Record and Stop buttons, the
 * time recorded, a player to listen to the take, "Record again" and "Remove". The take is put into
 * the question's own file input, so it is sent, checked and refused exactly as a chosen file is.
 * Without JavaScript, a microphone, or MediaRecorder, the file input alone is left, as before.
 *
 * The contract, for any page that includes this script:
 * - Mark each file input to enhance: <input type="file" data-record-audio="QUESTION">. The recording
 *   is named recording-QUESTION.webm (.ogg, .m4a: the recorder's format); with the attribute empty,
 *   the input's name stands for QUESTION. A disabled input is left alone.
 * - The words shown and the size limit are data attributes, read from the input or else from its
 *   nearest ancestor that has them (templates/_macros/audio_recorder.html writes them all, once,
 *   for a form): data-record-start, -stop, -again, -remove (button names), data-record-preview (the
 *   player's name), data-record-recording, -done, -removed, -limit, -denied, -missing, -failed
 *   (status messages), and data-record-max-bytes (the largest file the server takes: MEDIA_MAX_BYTES).
 * - A take replaces input.files and a bubbling "change" is dispatched on the input; "Remove" empties
 *   it and dispatches "change" too, then a bubbling "voces:recording-removed" for a page that keeps
 *   the file elsewhere (an empty "change" may also be a picker closed with nothing chosen). A file the resident chooses instead drops the take.
 * - Inputs in the page when the script runs are enhanced; content added later is enhanced by
 *   VocesAudioRecorder.enhance(root), and by the "voces:instance-added" event the resident form's
 *   repeats dispatch.
 */
(function (global) {
  'use strict';

  var FORMATS = ['audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus', 'audio/ogg', 'audio/mp4'];
  var EXTENSIONS = { 'audio/webm': 'webm', 'audio/ogg': 'ogg', 'audio/mp4': 'm4a', 'audio/mpeg': 'mp3', 'audio/wav': 'wav' };
  var SLICE_MS = 500;  // how often the recorder hands over what it has: the size limit is checked as often

  function supported() {
    if (!global.navigator || !global.navigator.mediaDevices || !global.navigator.mediaDevices.getUserMedia ||
        typeof global.MediaRecorder !== 'function' || typeof global.DataTransfer !== 'function') {
      return false;
    }
    try {
      return typeof new global.DataTransfer().items.add === 'function';
    } catch (error) {
      return false;  // a browser whose file inputs cannot be given a file
    }
  }

  function wording(input, name) {
    var attribute = 'data-record-' + name;
    var holder = input.closest('[' + attribute + ']');
    return holder ? holder.getAttribute(attribute) : '';
  }

  function chosenFormat() {
    if (typeof global.MediaRecorder.isTypeSupported !== 'function') {
      return '';
    }
    for (var i = 0; i < FORMATS.length; i++) {
      if (global.MediaRecorder.isTypeSupported(FORMATS[i])) {
        return FORMATS[i];
      }
    }
    return '';  // the browser's own choice
  }

  function elapsed(ms) {
    var seconds = Math.floor(ms / 1000);
    var rest = seconds % 60;
    return Math.floor(seconds / 60) + ':' + (rest < 10 ? '0' : '') + rest;
  }

  function button(label, extraClass) {
    var made = global.document.createElement('button');
    made.type = 'button';
    made.className = 'button' + (extraClass ? ' ' + extraClass : '');
    made.textContent = label;
    return made;
  }

  var wired = new WeakSet();

  function enhanceInput(input) {
    if (wired.has(input) || input.disabled) {
      return;
    }
    wired.add(input);
    var question = input.getAttribute('data-record-audio') || input.name || 'answer';
    var maxBytes = parseInt(wording(input, 'max-bytes'), 10) || Infinity;
    var doc = global.document;

    var box = doc.createElement('div');
    box.className = 'audio-recorder';
    box.setAttribute('role', 'group');
    if (input.labels && input.labels.length) {
      box.setAttribute('aria-label', input.labels[0].textContent.trim());
    }
    var controls = doc.createElement('div');
    controls.className = 'audio-recorder-controls';
    var start = button(wording(input, 'start'), 'button-primary');
    var stop = button(wording(input, 'stop'));
    var again = button(wording(input, 'again'));
    var remove = button(wording(input, 'remove'));
    var time = doc.createElement('span');
    time.className = 'audio-recorder-time';
    time.textContent = elapsed(0);
    var preview = doc.createElement('audio');
    preview.controls = true;
    preview.setAttribute('aria-label', wording(input, 'preview'));
    var status = doc.createElement('p');
    status.className = 'hint audio-recorder-status';
    status.setAttribute('role', 'status');
    status.setAttribute('aria-live', 'polite');
    [start, stop, again, remove, time].forEach(function (part) { controls.appendChild(part); });
    box.appendChild(controls);
    box.appendChild(preview);
    box.appendChild(status);
    input.insertAdjacentElement('beforebegin', box);

    var recorder = null;
    var take = null;  // the File the recorder put into the input
    var previewUrl = '';
    var timer = 0;

    function show(state) {
      start.hidden = state !== 'idle';
      stop.hidden = state !== 'recording';
      time.hidden = state !== 'recording';
      again.hidden = remove.hidden = preview.hidden = state !== 'taken';
      input.disabled = state === 'recording';  // no file chosen under a take being made
    }

    function forgetPreview() {
      if (previewUrl) {
        global.URL.revokeObjectURL(previewUrl);
        previewUrl = '';
      }
      preview.removeAttribute('src');
    }

    function putIntoInput(file) {
      var transfer = new global.DataTransfer();
      if (file) {
        transfer.items.add(file);
      }
      input.files = transfer.files;
      take = file;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    }

    function keep(chunks, type, stoppedAtLimit) {
      var blob = new Blob(chunks, { type: type });
      if (!blob.size || blob.size > maxBytes) {
        show(take ? 'taken' : 'idle');  // an earlier take stays
        status.textContent = wording(input, blob.size ? 'limit' : 'failed');
        return;
      }
      var base = type.split(';')[0].trim();
      var file = new File([blob], 'recording-' + question + '.' + (EXTENSIONS[base] || 'webm'), { type: type });
      forgetPreview();
      previewUrl = global.URL.createObjectURL(file);
      preview.src = previewUrl;
      putIntoInput(file);
      show('taken');
      status.textContent = wording(input, stoppedAtLimit ? 'limit' : 'done');
    }

    function record() {
      status.textContent = '';
      start.disabled = again.disabled = true;
      global.navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        start.disabled = again.disabled = false;
        var format = chosenFormat();
        try {
          recorder = format ? new global.MediaRecorder(stream, { mimeType: format }) : new global.MediaRecorder(stream);
        } catch (error) {  // a microphone this browser cannot record from
          stream.getTracks().forEach(function (track) { track.stop(); });
          show(take ? 'taken' : 'idle');
          status.textContent = wording(input, 'failed');
          return;
        }
        var chunks = [];
        var size = 0;
        var largest = 0;
        var atLimit = false;
        recorder.addEventListener('dataavailable', function (event) {
          if (!event.data || !event.data.size) {
            return;
          }
          chunks.push(event.data);
          size += event.data.size;
          largest = Math.max(largest, event.data.size);
          // Stop while two more slices still fit: the last one comes after stop() is asked.
          if (recorder && recorder.state === 'recording' && size + 2 * largest > maxBytes) {
            atLimit = true;
            recorder.stop();
          }
        });
        recorder.addEventListener('stop', function () {
          global.clearInterval(timer);
          stream.getTracks().forEach(function (track) { track.stop(); });
          var type = recorder.mimeType || format || (chunks[0] && chunks[0].type) || 'audio/webm';
          recorder = null;
          keep(chunks, type, atLimit);
        });
        var began = Date.now();
        time.textContent = elapsed(0);
        timer = global.setInterval(function () { time.textContent = elapsed(Date.now() - began); }, 250);
        recorder.start(SLICE_MS);
        show('recording');
        status.textContent = wording(input, 'recording');
        stop.focus();
      }, function (error) {
        start.disabled = again.disabled = false;
        show(take ? 'taken' : 'idle');
        var name = error && error.name;
        status.textContent = wording(input, name === 'NotFoundError' || name === 'OverconstrainedError' ? 'missing' : 'denied');
      });
    }

    start.addEventListener('click', record);
    again.addEventListener('click', record);
    stop.addEventListener('click', function () {
      if (recorder && recorder.state !== 'inactive') {
        recorder.stop();
      }
    });
    remove.addEventListener('click', function () {
      forgetPreview();
      putIntoInput(null);
      // A page that keeps the file apart from the input (the field app's drafts) is told to forget it.
      input.dispatchEvent(new CustomEvent('voces:recording-removed', { bubbles: true }));
      show('idle');
      status.textContent = wording(input, 'removed');
      start.focus();
    });
    input.addEventListener('change', function () {
      if (take && (!input.files || input.files[0] !== take)) {  // a file chosen instead of the take
        take = null;
        forgetPreview();
        show('idle');
        status.textContent = '';
      }
    });
    show('idle');
  }

  function enhance(root) {
    if (!supported()) {
      return;
    }
    if (root.matches && root.matches('input[type=file][data-record-audio]')) {
      enhanceInput(root);
    }
    root.querySelectorAll('input[type=file][data-record-audio]').forEach(enhanceInput);
  }

  global.VocesAudioRecorder = { enhance: enhance };
  if (global.document) {
    enhance(global.document);
    global.document.addEventListener('voces:instance-added', function (event) {
      enhance(event.target);
    });
  }
})(window);
