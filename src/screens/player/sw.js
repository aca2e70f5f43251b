/* linju lobby screens: keeps the show running when the network drops.
   Playlists and pages: network first, the last good copy when offline.
   Photos and everything else: from the cache first. Plain ES5. */
var CACHE = 'linju-screens-1';
var MAX_ENTRIES = 300;

self.addEventListener('install', function () { self.skipWaiting(); });
self.addEventListener('activate', function (event) { event.waitUntil(self.clients.claim()); });

function withoutQuery(request) { return request.url.split('?')[0]; }

function trim(cache) {
  return cache.keys().then(function (keys) {
    var extra = keys.length - MAX_ENTRIES;
    for (var i = 0; i < extra; i++) { cache['delete'](keys[i]); }
  });
}

function networkFirst(request) {
  return caches.open(CACHE).then(function (cache) {
    return fetch(request).then(function (response) {
      if (response.ok) { cache.put(withoutQuery(request), response.clone()); }
      return response;
    }, function () {
      return cache.match(withoutQuery(request)).then(function (hit) { return hit || Response.error(); });
    });
  });
}

function cacheFirst(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (hit) {
      if (hit) { return hit; }
      return fetch(request).then(function (response) {
        if (response.ok) { cache.put(request, response.clone()); trim(cache); }
        return response;
      });
    });
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.method !== 'GET') { return; }
  var fresh = request.mode === 'navigate' || /\.(json|html)(\?|$)/.test(request.url) || /\/(\?|$)/.test(request.url);
  event.respondWith(fresh ? networkFirst(request) : cacheFirst(request));
});
