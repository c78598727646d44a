/* The field app's service worker. The settings change whenever a shell file does, which makes the
   browser install the worker anew; its code is in static/js/field/service-worker.js. */
self.VOCES_SHELL = {{ shell | tojson }};
importScripts({{ worker | tojson }});
