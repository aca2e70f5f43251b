/* linju lobby screens: keeps the show running when the network drops.
   Playlists and pages: network first, the last good copy when offline.
   Videos: fetched whole once, then every range the player asks for is cut
   from the cached copy (a media element asks for ranges, and the Cache API
   keeps only whole responses), so a clip replays offline.
   Photos and everything else: from the cache first. Plain ES5. */
var CACHE = 'linju-screens-2';
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

/* [start, end] of a "bytes=" header within size bytes, or null. */
function rangeOf(header, size) {
  var match = /bytes=(\d*)-(\d*)/.exec(header || '');
  if (!match || size === 0) { return null; }
  var start, end;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  return start <= end && start < size ? [start, end] : null;
}

function fromWhole(response, request) {
  var type = response.headers.get('content-type') || 'video/mp4';
  return response.arrayBuffer().then(function (buffer) {
    var size = buffer.byteLength;
    var range = rangeOf(request.headers.get('range'), size);
    if (!range) {
      return new Response(buffer, { status: 200, headers: { 'Content-Type': type, 'Accept-Ranges': 'bytes' } });
    }
    var part = buffer.slice(range[0], range[1] + 1);
    return new Response(part, {
      status: 206,
      statusText: 'Partial Content',
      headers: { 'Content-Type': type, 'Accept-Ranges': 'bytes', 'Content-Range': 'bytes ' + range[0] + '-' + range[1] + '/' + size }
    });
  });
}

function media(request) {
  var key = withoutQuery(request);
  return caches.open(CACHE).then(function (cache) {
    return cache.match(key).then(function (hit) {
      if (hit) { return fromWhole(hit, request); }
      return fetch(key).then(function (response) {
        if (response.status !== 200) { return response; }
        return cache.put(key, response.clone()).then(function () { return fromWhole(response, request); });
      });
    });
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.method !== 'GET') { return; }
  if (/\.(mp4|webm|m4v)(\?|$)/i.test(request.url)) { event.respondWith(media(request)); return; }
  var fresh = request.mode === 'navigate' || /\.(json|html)(\?|$)/.test(request.url) || /\/(\?|$)/.test(request.url);
  event.respondWith(fresh ? networkFirst(request) : cacheFirst(request));
});
