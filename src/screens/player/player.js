/* linju lobby screen player. Plain ES5, no framework, no external request:
   it has to run for months in the old WebViews of cheap display boxes.
   The playlist arrives inline and is polled for updates; every slide carries
   its publish and expiry time, so the screen drops what has expired by itself.
   It never reloads itself and never shows an empty screen. */
(function () {
  'use strict';

  function byId(id) { return document.getElementById(id); }
  function readJson(id) {
    try { return JSON.parse(byId(id).textContent); } catch (e) { return null; }
  }
  function parseQuery(search) {
    var out = {};
    var parts = search.replace(/^\?/, '').split('&');
    for (var i = 0; i < parts.length; i++) {
      var pair = parts[i].split('=');
      if (pair[0]) { out[decodeURIComponent(pair[0])] = decodeURIComponent(pair[1] || ''); }
    }
    return out;
  }
  function escapeHtml(text) {
    return String(text === null || text === undefined ? '' : text)
      .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }

  var config = readJson('linju-config') || {};
  var playlist = readJson('linju-playlist') || { version: '', slides: [] };
  var urgent = readJson('linju-urgent') || { version: '', notices: [] };
  var params = parseQuery(location.search);

  // Screen time: real time, or (for previews and tests) shifted by ?now=.
  var offset = 0;
  if (params.now) {
    var wanted = Number(params.now);
    if (isNaN(wanted)) { wanted = Date.parse(params.now); }
    if (!isNaN(wanted)) { offset = wanted - Date.now(); }
  }
  function now() { return Date.now() + offset; }

  var slideMs = 1000 * (Number(params.slide_seconds) || config.slide_seconds || 12);
  var pollMs = 1000 * (Number(params.poll_seconds) || config.poll_seconds || 60);
  var urgentMs = 1000 * (Number(params.urgent_poll_seconds) || config.urgent_poll_seconds || 15);
  var zoneMs = 60000 * (config.utc_offset_minutes || 0);

  /* Calendar fields in the site's time zone, whatever the box's own. */
  function siteDate(t) { return new Date(t + zoneMs); }
  function minutesOfDay(t) { var d = siteDate(t); return d.getUTCHours() * 60 + d.getUTCMinutes(); }
  function dayNumber(t) { return Math.floor((t + zoneMs) / 86400000); }
  function two(n) { return n < 10 ? '0' + n : String(n); }
  function hhmm(t) { var d = siteDate(t); return two(d.getUTCHours()) + ':' + two(d.getUTCMinutes()); }
  var WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

  function isActive(item, t) {
    if (item.publish && t < item.publish) { return false; }
    if (item.expires && t >= item.expires) { return false; }
    if (item.end && t >= item.end) { return false; }
    if (item.hours) {
      var m = minutesOfDay(t), from = item.hours[0], to = item.hours[1];
      var inside = from <= to ? (m >= from && m < to) : (m >= from || m < to);
      if (!inside) { return false; }
    }
    return true;
  }

  function countdown(slide, t) {
    if (!slide.start) { return ''; }
    if (t >= slide.start) { return '正在进行'; }
    var days = dayNumber(slide.start) - dayNumber(t);
    if (days === 0) { return '今天 ' + hhmm(slide.start) + ' 开始'; }
    if (days === 1) { return '明天 ' + hhmm(slide.start) + ' 开始'; }
    return '还有 ' + days + ' 天';
  }

  function qrHtml(item) {
    return item.qr ? '<div class="qr">' + item.qr + '<div>扫码看全文</div></div>' : '';
  }

  function slideHtml(slide, t) {
    var html = '';
    if (slide.image) {
      html += '<div class="photo" style="background-image:url(&quot;' + escapeHtml(slide.image.url) + '&quot;)"></div>';
    }
    html += '<div class="text"><div><span class="label">' + escapeHtml(slide.label) + '</span>';
    if (slide.community) { html += '<span class="community">' + escapeHtml(slide.community) + '</span>'; }
    html += '</div><h1>' + escapeHtml(slide.title) + '</h1>';
    var left = countdown(slide, t);
    if (left) { html += '<p class="countdown">' + escapeHtml(left) + '</p>'; }
    if (slide.facts && slide.facts.length) {
      html += '<dl class="facts">';
      for (var i = 0; i < slide.facts.length; i++) {
        html += '<div><dt>' + escapeHtml(slide.facts[i][0]) + '</dt><dd>' + escapeHtml(slide.facts[i][1]) + '</dd></div>';
      }
      html += '</dl>';
    }
    if (slide.council && slide.council.length) {
      html += '<ol class="steps">';
      for (var s = 0; s < slide.council.length; s++) {
        var step = slide.council[s];
        var state = step.done ? 'done' : (step.current ? 'current' : '');
        html += '<li class="' + state + '">' + escapeHtml(step.label) + '</li>';
      }
      html += '</ol>';
    }
    if (slide.quote) {
      html += '<p class="quote">“' + escapeHtml(slide.quote) + '”</p>';
    } else if (slide.text) {
      html += '<p class="body-text">' + escapeHtml(slide.text) + '</p>';
    }
    html += '</div>' + qrHtml(slide);
    return html;
  }

  function idleHtml(t) {
    var d = siteDate(t);
    return '<div class="text idle"><h1>' + escapeHtml(config.site_title) + '</h1><p class="body-text">' +
      (d.getUTCMonth() + 1) + '月' + d.getUTCDate() + '日 ' + WEEKDAYS[d.getUTCDay()] + '</p></div>';
  }

  /* Two slide elements, reused for ever: memory stays flat. */
  var buffers = [byId('slide-a'), byId('slide-b')];
  var front = 0;
  var current = -1;
  var shown = 0;
  var history = [];
  var pending = null;
  var images = {};

  function record(id, t) {
    shown += 1;
    history.push(id + '@' + t);
    if (history.length > 40) { history.shift(); }
    document.body.setAttribute('data-shown', String(shown));
    document.body.setAttribute('data-history', history.join(' '));
    document.body.setAttribute('data-version', playlist.version || '');
    document.body.setAttribute('data-nodes', String(document.getElementsByTagName('*').length));
  }

  function restartProgress() {
    var fill = byId('progress-fill');
    fill.style.transition = 'none';
    fill.style.webkitTransition = 'none';
    fill.style.width = '0';
    void fill.offsetWidth;
    var transition = 'width ' + (slideMs / 1000) + 's linear';
    fill.style.transition = transition;
    fill.style.webkitTransition = transition;
    fill.style.width = '100%';
  }

  function advance() {
    if (pending) {
      playlist = pending;
      pending = null;
      current = -1;
      keepImagesOf(playlist);
    }
    var slides = playlist.slides || [];
    var t = now();
    var next = -1;
    for (var step = 1; step <= slides.length; step++) {
      var i = (current + step) % slides.length;
      if (isActive(slides[i], t)) { next = i; break; }
    }
    var back = buffers[1 - front];
    var slide = next === -1 ? null : slides[next];
    back.innerHTML = slide ? slideHtml(slide, t) : idleHtml(t);
    var kind = slide ? ' ' + slide.type + (slide.image ? '' : ' no-photo') + (slide.urgent ? ' urgent-slide' : '') : ' no-photo';
    back.className = 'slide is-current' + kind;
    buffers[front].className = buffers[front].className.replace(' is-current', '').replace('is-current', '');
    front = 1 - front;
    current = next;
    record(slide ? slide.id : 'idle', t);
    restartProgress();
  }

  function tick() {
    try { advance(); } catch (e) { /* a bad slide must not stop the show */ }
    setTimeout(tick, slideMs);
  }

  function updateClock() {
    var t = now();
    var d = siteDate(t);
    byId('time').textContent = hhmm(t);
    byId('date').textContent = (d.getUTCMonth() + 1) + '月' + d.getUTCDate() + '日 ' + WEEKDAYS[d.getUTCDay()];
  }

  function get(url, done) {
    var request = new XMLHttpRequest();
    request.open('GET', url + (url.indexOf('?') < 0 ? '?' : '&') + 't=' + Date.now(), true);
    request.timeout = 20000;
    request.onreadystatechange = function () {
      if (request.readyState !== 4) { return; }
      var value = null;
      if (request.status === 200) {
        try { value = JSON.parse(request.responseText); } catch (e) { value = null; }
      }
      done(value);
    };
    try { request.send(); } catch (e) { done(null); }
  }

  /* Loads a new playlist's photos before it is shown: no blank frame. */
  function preload(next, ready) {
    var slides = next.slides || [];
    var waiting = 0;
    var finished = false;
    function one() {
      waiting -= 1;
      if (waiting <= 0 && !finished) { finished = true; ready(); }
    }
    for (var i = 0; i < slides.length; i++) {
      var image = slides[i].image;
      if (image && !images[image.url]) {
        waiting += 1;
        var img = new Image();
        img.onload = one;
        img.onerror = one;
        img.src = image.url;
        images[image.url] = img;
      }
    }
    if (waiting === 0) { finished = true; ready(); }
    setTimeout(function () { if (!finished) { finished = true; ready(); } }, 30000);
  }

  function keepImagesOf(list) {
    var keep = {};
    var slides = list.slides || [];
    for (var i = 0; i < slides.length; i++) {
      if (slides[i].image) { keep[slides[i].image.url] = true; }
    }
    for (var url in images) {
      if (images.hasOwnProperty(url) && !keep[url]) { delete images[url]; }
    }
  }

  function pollPlaylist() {
    get(config.playlist_url || 'playlist.json', function (next) {
      if (next && next.slides && next.version !== playlist.version &&
          !(pending && pending.version === next.version)) {
        preload(next, function () { pending = next; });
      }
      setTimeout(pollPlaylist, pollMs);
    });
  }

  function urgentFor(t) {
    var notices = urgent.notices || [];
    for (var i = 0; i < notices.length; i++) {
      var n = notices[i];
      var here = !config.community || !n.community_slug || n.community_slug === config.community;
      if (here && isActive(n, t)) { return n; }
    }
    return null;
  }

  var shownUrgent = '';
  function applyUrgent() {
    var box = byId('urgent');
    var notice = urgentFor(now());
    var key = notice ? notice.id + notice.title + notice.text : '';
    if (key === shownUrgent) { return; }
    shownUrgent = key;
    if (!notice) { box.style.display = 'none'; box.innerHTML = ''; return; }
    box.innerHTML = '<span class="label">紧急通知</span><h1>' + escapeHtml(notice.title) + '</h1><p>' +
      escapeHtml(notice.text) + '</p>' + qrHtml(notice);
    box.style.display = 'block';
  }

  function pollUrgent() {
    get(config.urgent_url || '../urgent.json', function (next) {
      if (next && next.notices) { urgent = next; applyUrgent(); }
      setTimeout(pollUrgent, urgentMs);
    });
  }

  /* Keep the display awake where the browser allows; say nothing where not. */
  function keepAwake() {
    try {
      if (navigator.wakeLock && navigator.wakeLock.request) {
        navigator.wakeLock.request('screen').then(function () {}, function () {});
      }
    } catch (e) { /* not supported */ }
  }

  function start() {
    byId('site').textContent = config.site_title || '';
    updateClock();
    setInterval(function () {
      try { updateClock(); applyUrgent(); } catch (e) { /* keep going */ }
    }, 1000);
    applyUrgent();
    tick();
    setTimeout(pollPlaylist, pollMs);
    setTimeout(pollUrgent, urgentMs);
    keepAwake();
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'visible') { keepAwake(); }
    });
    if ('serviceWorker' in navigator && config.service_worker) {
      try { navigator.serviceWorker.register(config.service_worker).then(function () {}, function () {}); } catch (e) { /* none */ }
    }
  }

  start();
}());
