/*
 * "Use my location" next to a location question: the browser's Geolocation API fills latitude,
 * longitude, altitude and accuracy. Without it (or JavaScript, or permission) they are typed by hand.
 * Used by the resident form (inputs marked data-part, in the page as it loads or in a repeat's
 * instance added later) and the tablets (VocesGeopoint.locate).
 */
(function (global) {
  'use strict';

  function rounded(number, digits) {
    return number === null || number === undefined || isNaN(number) ? '' : String(Number(number.toFixed(digits)));
  }

  // Ask the browser once; done(point) with an ODK point string, or done(null) when it cannot tell.
  function locate(done) {
    if (!global.navigator || !global.navigator.geolocation) {
      done(null);
      return;
    }
    global.navigator.geolocation.getCurrentPosition(function (position) {
      var c = position.coords;
      done([rounded(c.latitude, 6), rounded(c.longitude, 6), rounded(c.altitude, 1) || '0', rounded(c.accuracy, 1) || '0'].join(' '));
    }, function () {
      done(null);
    }, { enableHighAccuracy: true, timeout: 30000, maximumAge: 60000 });
  }

  // The boxes whose button works: a repeat's instance set aside and put back is not wired twice,
  // and one copied from another (its button shown, no listener) is.
  var wired = new WeakSet();

  function enhance(box) {
    var button = box.querySelector('[data-locate]');
    var status = box.querySelector('[data-locate-status]');
    if (!button || wired.has(box) || !global.navigator || !global.navigator.geolocation) {
      return;
    }
    wired.add(box);
    button.hidden = false;
    button.addEventListener('click', function () {
      status.textContent = button.getAttribute('data-finding');
      button.disabled = true;
      locate(function (point) {
        button.disabled = false;
        if (!point) {
          status.textContent = button.getAttribute('data-failed');
          return;
        }
        var parts = point.split(' ');
        ['latitude', 'longitude', 'altitude', 'accuracy'].forEach(function (name, index) {
          var input = box.querySelector('[data-part="' + name + '"]');
          if (input) {
            input.value = parts[index];
            input.dispatchEvent(new Event('input', { bubbles: true }));
            input.dispatchEvent(new Event('change', { bubbles: true }));
          }
        });
        status.textContent = button.getAttribute('data-found');
      });
    });
  }

  // Where the interview began (a form's start-geopoint row): asked once, as the form opens; a refusal
  // or a browser without a location leaves it empty, and nothing is said.
  function recordStart(input) {
    if (input.value) {
      return;
    }
    locate(function (point) {
      if (point && !input.value) {
        input.value = point;
      }
    });
  }

  global.VocesGeopoint = { locate: locate };
  if (global.document) {
    global.document.querySelectorAll('[data-start-geopoint]').forEach(recordStart);
    global.document.querySelectorAll('[data-geopoint]').forEach(enhance);
    // A repeat's instance added in the page (form-repeats.js) brings its own location questions.
    global.document.addEventListener('voces:instance-added', function (event) {
      event.target.querySelectorAll('[data-geopoint]').forEach(enhance);
    });
  }
})(window);
