/*
 * Maps over the tile server the settings name (MAP_TILE_URL); the pages write none where it is not set,
 * and without JavaScript the coordinates stay as text. Leaflet draws them (vendored, never a CDN).
 * - [data-point-map]: the locations an evaluator's page lists, each with a circle for its accuracy.
 * - [data-geopoint-map]: beside a location question, the point typed or found, to check it.
 * Labels are set as text, never as HTML: they are the survey's own words.
 */
(function (global) {
  'use strict';
  var L = global.L;
  var ZOOM = 16;  // a street: enough to check a point whose accuracy is tens of metres

  function escaped(text) {
    var holder = document.createElement('div');
    holder.textContent = text || '';
    return holder.innerHTML;
  }

  function baseMap(element) {
    var map = L.map(element, { scrollWheelZoom: false });
    L.tileLayer(element.getAttribute('data-tiles'), {
      attribution: escaped(element.getAttribute('data-attribution')),
      maxZoom: 19
    }).addTo(map);
    return map;
  }

  function addPoint(map, point) {
    var where = [point.latitude, point.longitude];
    var layers = [];
    if (point.accuracy > 0) {
      layers.push(L.circle(where, { radius: point.accuracy, weight: 1, fillOpacity: 0.15 }).addTo(map));
    }
    var marker = L.circleMarker(where, { radius: 6, weight: 2, fillOpacity: 0.9 }).addTo(map);
    if (point.label) {
      var label = document.createElement('span');
      label.textContent = point.label;
      marker.bindTooltip(label);
    }
    layers.push(marker);
    return layers;
  }

  function drawPoints(element) {
    var points;
    try {
      points = JSON.parse(element.getAttribute('data-points'));
    } catch (error) {
      return;
    }
    if (!points || !points.length) {
      return;
    }
    var map = baseMap(element);
    points.forEach(function (point) { addPoint(map, point); });
    map.fitBounds(points.map(function (p) { return [p.latitude, p.longitude]; }), { maxZoom: ZOOM, padding: [24, 24] });
  }

  function number(box, part) {
    var input = box.querySelector('[data-part="' + part + '"]');
    var text = input ? input.value.trim().replace(',', '.') : '';
    return text === '' || isNaN(Number(text)) ? null : Number(text);
  }

  // The question's point as typed, or null while it is not one.
  function typedPoint(box) {
    var latitude = number(box, 'latitude');
    var longitude = number(box, 'longitude');
    if (latitude === null || longitude === null || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
      return null;
    }
    var accuracy = number(box, 'accuracy');
    return { latitude: latitude, longitude: longitude, accuracy: accuracy && accuracy > 0 ? accuracy : 0 };
  }

  var watched = new WeakSet();

  function watchQuestion(figure) {
    var box = figure.closest('[data-geopoint]');
    if (!box || watched.has(figure)) {
      return;
    }
    watched.add(figure);
    var element = figure.querySelector('.map');
    var map = null;
    var shown = [];
    function update() {
      var point = typedPoint(box);
      figure.hidden = point === null;
      if (point === null) {
        return;
      }
      var first = map === null;
      map = map || baseMap(element);  // made once shown: Leaflet measures its box
      map.invalidateSize();
      shown.forEach(function (layer) { layer.remove(); });
      shown = addPoint(map, point);
      map.setView([point.latitude, point.longitude], first ? ZOOM : map.getZoom());  // the reader's zoom stays
    }
    // A question on a page not shown yet has no size: the map measures itself again when it gets one.
    if (global.ResizeObserver) {
      new global.ResizeObserver(function () {
        if (map) {
          map.invalidateSize();
        }
      }).observe(element);
    }
    box.addEventListener('input', update);
    box.addEventListener('change', update);
    update();
  }

  if (!L || !global.document) {
    return;
  }
  document.querySelectorAll('[data-point-map]').forEach(drawPoints);
  document.querySelectorAll('[data-geopoint-map]').forEach(watchQuestion);
  // A repeat's instance added in the page (form-repeats.js) brings its own location questions.
  document.addEventListener('voces:instance-added', function (event) {
    event.target.querySelectorAll('[data-geopoint-map]').forEach(watchQuestion);
  });
})(window);
