/* linju lobby screen player. Plain ES5, no framework, no external request:
   it has to run for months in the old WebViews of cheap display boxes.
   The playlist arrives inline and is polled for updates; every slide carries
   its publish and expiry time and its window (dates, days, hours), so the
   screen follows its schedule by itself, on its own clock, in the site's
   time zone. It never reloads itself and never shows an empty screen.

   What plays at a moment (plan below), highest first:
     urgent notice (over everything, at night too)
     > night (the screen's blank hours: dark, a dim clock)
     > pinned slides (only they play while one is on)
     > scheduled slides (a window that holds now), then the default mix
     > the idle slide (site title and date).
   The week preview (?week=YYYY-MM-DD) asks the same plan. */
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
  function contains(list, value) {
    for (var i = 0; list && i < list.length; i++) { if (list[i] === value) { return true; } }
    return false;
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
  var DAY = 86400000;

  /* Calendar fields in the site's time zone, whatever the box's own. */
  function siteDate(t) { return new Date(t + zoneMs); }
  function minutesOfDay(t) { var d = siteDate(t); return d.getUTCHours() * 60 + d.getUTCMinutes(); }
  function dayNumber(t) { return Math.floor((t + zoneMs) / DAY); }
  function weekday(t) { var d = siteDate(t).getUTCDay(); return d === 0 ? 7 : d; }
  function two(n) { return n < 10 ? '0' + n : String(n); }
  function hhmm(t) { var d = siteDate(t); return two(d.getUTCHours()) + ':' + two(d.getUTCMinutes()); }
  var WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];
  function dateText(t) { var d = siteDate(t); return (d.getUTCMonth() + 1) + '月' + d.getUTCDate() + '日 ' + WEEKDAYS[d.getUTCDay()]; }

  /* Whether minutes-of-day window [from, to) holds at t; a window that
     ends before it starts runs over midnight. Returns the moment whose day
     the window belongs to (the evening it started), or -1 outside it. */
  function windowDay(hours, t) {
    var m = minutesOfDay(t), from = hours[0], to = hours[1];
    if (from < to) { return m >= from && m < to ? t : -1; }
    if (m >= from) { return t; }
    return m < to ? t - DAY : -1;
  }

  function inWindow(when, t) {
    if (!when) { return true; }
    if (when.from !== null && when.from !== undefined && t < when.from) { return false; }
    if (when.until !== null && when.until !== undefined && t >= when.until) { return false; }
    var day = t;
    if (when.hours) {
      day = windowDay(when.hours, t);
      if (day < 0) { return false; }
    }
    return !(when.days && when.days.length) || contains(when.days, weekday(day));
  }

  function isActive(item, t) {
    if (item.publish && t < item.publish) { return false; }
    if (item.expires && t >= item.expires) { return false; }
    if (item.end && t >= item.end) { return false; }
    return inWindow(item.when, t);
  }

  function blankHours() { return playlist.blank || config.blank || null; }
  function isBlank(t) { var b = blankHours(); return !!b && windowDay(b, t) >= 0; }

  function urgentFor(t) {
    var notices = urgent.notices || [];
    for (var i = 0; i < notices.length; i++) {
      var n = notices[i];
      var here = !config.community || !n.community_slug || n.community_slug === config.community;
      if (here && isActive(n, t)) { return n; }
    }
    return null;
  }

  /* What plays at t: a mode and the slides (indexes) of one round. */
  function plan(t, list) {
    var slides = (list || playlist).slides || [];
    var notice = urgentFor(t);
    if (isBlank(t)) { return { mode: 'blank', slides: [], urgent: notice }; }
    var pinned = [], scheduled = [], mix = [];
    for (var i = 0; i < slides.length; i++) {
      if (!isActive(slides[i], t)) { continue; }
      if (slides[i].pin) { pinned.push(i); } else if (slides[i].scheduled) { scheduled.push(i); } else { mix.push(i); }
    }
    if (pinned.length) { return { mode: 'pinned', slides: pinned, urgent: notice }; }
    var round = scheduled.concat(mix);
    if (!round.length) { return { mode: 'idle', slides: [], urgent: notice }; }
    return { mode: scheduled.length ? 'scheduled' : 'mix', slides: round, urgent: notice };
  }

  /* The status a screen keeps, for the hidden corner, its QR code and the
     optional heartbeat. Kept in localStorage, so a reload keeps counting. */
  var statusKey = 'linju-screen-status:' + (config.name || '');
  var status = (function () {
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem(statusKey) || 'null'); } catch (e) { saved = null; }
    return saved && saved.screen === config.name ? saved : {
      screen: config.name || '', started: now(), fetched: 0, offline_since: 0, offline_ms: 0, shown: 0, errors: []
    };
  }());
  function saveStatus() {
    status.build = playlist.version || '';
    status.at = now();
    try { localStorage.setItem(statusKey, JSON.stringify(status)); } catch (e) { /* full or private */ }
  }
  function noteError(what) {
    status.errors.push({ at: now(), what: String(what).slice(0, 80) });
    if (status.errors.length > 5) { status.errors.shift(); }
    saveStatus();
  }
  function noteFetch(ok) {
    var t = now();
    if (ok) {
      if (status.offline_since) { status.offline_ms += t - status.offline_since; status.offline_since = 0; }
      status.fetched = t;
    } else if (!status.offline_since) {
      status.offline_since = t;
    }
    saveStatus();
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
    if (slide.video) {
      return '<video class="clip" muted playsinline preload="auto"></video>' +
        '<div class="clip-title"><span class="label">' + escapeHtml(slide.label) + '</span> ' + escapeHtml(slide.title) + '</div>';
    }
    var html = '';
    if (slide.image) {
      html += '<div class="photo" style="background-image:url(&quot;' + escapeHtml(slide.image.url) + '&quot;)"></div>';
    }
    html += '<div class="text"><div><span class="label">' + escapeHtml(slide.label) + '</span>';
    if (slide.community) { html += '<span class="community">' + escapeHtml(slide.community) + '</span>'; }
    html += '<span class="page-count"></span></div><h1>' + escapeHtml(slide.title) + '</h1>';
    var left = countdown(slide, t);
    if (left) { html += '<p class="countdown">' + escapeHtml(left) + '</p>'; }
    /* A station says first whether it is open, by the same rules as its page. */
    if (slide.opening && typeof linjuOpening !== 'undefined') {
      var open = linjuOpening.status(slide.opening, t);
      html += '<p class="open-status ' + (open[1] ? 'is-open' : 'is-closed') + '">' + escapeHtml(open[0]) + '</p>';
    }
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
      html += '<div class="fit"><p class="fit-inner quote">“' + escapeHtml(slide.quote) + '”</p></div>';
    } else if (slide.text) {
      html += '<div class="fit"><p class="fit-inner body-text">' + escapeHtml(slide.text) + '</p></div>';
    }
    html += '</div>' + qrHtml(slide);
    return html;
  }

  function idleHtml(t) {
    return '<div class="text idle"><h1>' + escapeHtml(config.site_title) + '</h1><p class="body-text">' +
      dateText(t) + '</p></div>';
  }

  /* Type that fits: the text as large as its box allows, between a size
     read from five metres and three times that; a text too long even at
     the smallest is shown a page at a time, whole lines only. */
  function fitText(slideEl) {
    var box = slideEl.getElementsByClassName('fit')[0];
    if (!box) { return 1; }
    var inner = box.firstChild;
    var unit = Math.min(window.innerWidth, window.innerHeight) / 100;
    var low = 4.4 * unit, high = 13 * unit;
    function fits(size) {
      inner.style.fontSize = size + 'px';
      return inner.scrollHeight <= box.clientHeight + 1 && inner.scrollWidth <= box.clientWidth + 1;
    }
    if (fits(high)) { low = high; } else if (fits(low)) {
      for (var i = 0; i < 10 && high - low > 1; i++) {
        var middle = (low + high) / 2;
        if (fits(middle)) { low = middle; } else { high = middle; }
      }
    }
    inner.style.fontSize = Math.floor(low) + 'px';
    slideEl.setAttribute('data-font', String(Math.floor(low)));
    if (inner.scrollHeight <= box.clientHeight + 1) { slideEl.setAttribute('data-pages', '1'); return 1; }
    var line = parseFloat(window.getComputedStyle(inner).lineHeight) || Math.floor(low) * 1.6;
    var pageHeight = Math.max(line, Math.floor(box.clientHeight / line) * line);
    box.style.height = pageHeight + 'px';
    box.style.flex = 'none';
    var pages = Math.ceil(inner.scrollHeight / pageHeight);
    slideEl.setAttribute('data-pages', String(pages));
    slideEl.setAttribute('data-page-height', String(pageHeight));
    return pages;
  }

  function showPage(slideEl, page, pages) {
    var box = slideEl.getElementsByClassName('fit')[0];
    if (!box) { return; }
    box.firstChild.style.marginTop = (-page * parseFloat(slideEl.getAttribute('data-page-height') || '0')) + 'px';
    var count = slideEl.getElementsByClassName('page-count')[0];
    if (count) { count.textContent = pages > 1 ? ' 第 ' + (page + 1) + '/' + pages + ' 页' : ''; }
    slideEl.setAttribute('data-page', String(page + 1));
  }

  /* Two slide elements, reused for ever: memory stays flat. */
  var buffers = [byId('slide-a'), byId('slide-b')];
  var front = 0;
  var lastId = null;
  var history = [];
  var pending = null;
  var images = {};
  var timer = null;
  var mode = '';
  var skipped = {};
  var videosEnded = 0;
  var videosShown = 0;

  function record(id, t) {
    status.shown += 1;
    history.push(id + '@' + t);
    if (history.length > 40) { history.shift(); }
    document.body.setAttribute('data-shown', String(status.shown));
    document.body.setAttribute('data-history', history.join(' '));
    document.body.setAttribute('data-version', playlist.version || '');
    document.body.setAttribute('data-nodes', String(document.getElementsByTagName('*').length));
    saveStatus();
  }

  function restartProgress(ms) {
    var fill = byId('progress-fill');
    fill.style.transition = 'none';
    fill.style.webkitTransition = 'none';
    fill.style.width = '0';
    if (!ms) { return; }
    void fill.offsetWidth;
    var transition = 'width ' + (ms / 1000) + 's linear';
    fill.style.transition = transition;
    fill.style.webkitTransition = transition;
    fill.style.width = '100%';
  }

  function later(ms) {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(tick, Math.max(50, ms));
  }

  function setMode(next) {
    if (next === mode) { return; }
    mode = next;
    document.body.setAttribute('data-mode', next);
    document.documentElement.className = document.documentElement.className.replace(/ ?is-blank/g, '') + (next === 'blank' ? ' is-blank' : '');
  }

  /* The slide after the last one shown, in this moment's round, passing
     over clips that failed in the last ten minutes. */
  function nextIndex(round, slides, t) {
    var at = -1;
    for (var i = 0; i < round.length; i++) { if (slides[round[i]].id === lastId) { at = i; break; } }
    for (var step = 1; step <= round.length; step++) {
      var candidate = round[(at + step) % round.length];
      if (!(skipped[slides[candidate].id] > t)) { return candidate; }
    }
    return -1;
  }

  function stopVideos(el) {
    var videos = el.getElementsByTagName('video');
    for (var i = 0; i < videos.length; i++) {
      try { videos[i].pause(); videos[i].removeAttribute('src'); videos[i].load(); } catch (e) { /* gone */ }
    }
  }

  function swapIn(back, slide, t, id) {
    var kind = slide ? ' ' + slide.type + (slide.image || slide.video ? '' : ' no-photo') + (slide.urgent ? ' urgent-slide' : '') + (slide.video ? ' video-slide' : '') : ' no-photo';
    back.className = 'slide is-current' + kind;
    var old = buffers[front];
    old.className = old.className.replace(' is-current', '').replace('is-current', '');
    stopVideos(old);
    front = 1 - front;
    lastId = slide ? slide.id : null;
    record(id || (slide ? slide.id : 'idle'), t);
  }

  /* A text slide: fitted, then shown a page at a time. */
  function playText(back, slide, t) {
    back.className = 'slide' + (slide ? ' ' + slide.type + (slide.image ? '' : ' no-photo') : ' no-photo');
    back.innerHTML = slide ? slideHtml(slide, t) : idleHtml(t);
    var pages = fitText(back);
    var each = slide && slide.seconds ? slide.seconds * 1000 : slideMs;
    var page = 0;
    showPage(back, 0, pages);
    swapIn(back, slide, t);
    restartProgress(each);
    function turn() {
      page += 1;
      if (page >= pages) { tick(); return; }
      showPage(back, page, pages);
      restartProgress(each);
      timer = setTimeout(turn, each);
    }
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(turn, each);
  }

  /* A video slide comes on only once it can play; one that fails is
     skipped (and noted), so the screen never shows a black slide. */
  function playVideo(back, slide, t) {
    back.className = 'slide ' + slide.type + ' video-slide';
    back.innerHTML = slideHtml(slide, t);
    var video = back.getElementsByTagName('video')[0];
    var settled = false;
    function fail(why) {
      if (settled) { return; }
      settled = true;
      skipped[slide.id] = now() + 600000;
      noteError('视频放不出来 ' + slide.title + ' (' + why + ')');
      back.innerHTML = '';
      tick();
    }
    function start() {
      if (settled) { return; }
      settled = true;
      videosShown += 1;
      document.body.setAttribute('data-videos-shown', String(videosShown));
      swapIn(back, slide, t);
      // As long as the clip, or its seconds; a clip that stalls is given up
      // five seconds after its length (never a frozen screen).
      var length = video.duration > 0 && isFinite(video.duration) ? video.duration * 1000 + 5000 : 600000;
      var limit = slide.seconds ? slide.seconds * 1000 : length;
      restartProgress(slide.seconds ? limit : 0);
      later(limit);
      try {
        var playing = video.play();
        if (playing && playing.then) { playing.then(function () {}, function () { later(50); }); }
      } catch (e) { later(50); }
    }
    video.onerror = function () { fail('error'); };
    video.onended = function () {
      videosEnded += 1;
      document.body.setAttribute('data-videos-ended', String(videosEnded));
      if (settled && back.className.indexOf('is-current') >= 0) { later(50); }
    };
    video.oncanplay = start;
    video.muted = true;
    video.setAttribute('muted', '');
    video.setAttribute('playsinline', '');
    video.src = slide.video.url;
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(function () { fail('timeout'); }, 15000);
  }

  function showBlank(t) {
    var back = buffers[1 - front];
    back.innerHTML = '<div class="night-clock"><div class="night-time">' + hhmm(t) + '</div><div>' + dateText(t) + '</div></div>';
    back.className = 'slide night';
    swapIn(back, null, t, 'blank');
    restartProgress(0);
    // Wake at the end of the window, or look again within a minute.
    var b = blankHours(), m = minutesOfDay(t);
    var left = ((b[1] - m + 1440) % 1440) * 60000 - (t % 60000);
    later(Math.min(Math.max(left, 1000), 60000));
  }

  function advance() {
    if (pending) {
      playlist = pending;
      pending = null;
      skipped = {};
      keepImagesOf(playlist);
    }
    var t = now();
    var moment = plan(t);
    setMode(moment.mode);
    if (moment.mode === 'blank') { showBlank(t); return; }
    var slides = playlist.slides || [];
    var next = nextIndex(moment.slides, slides, t);
    var back = buffers[1 - front];
    stopVideos(back);
    var slide = next === -1 ? null : slides[next];
    if (slide && slide.video) { playVideo(back, slide, t); } else { playText(back, slide, t); }
  }

  function tick() {
    try { advance(); } catch (e) { noteError(e && e.message ? e.message : e); later(slideMs); }
  }

  function updateClock() {
    var t = now();
    byId('time').textContent = hhmm(t);
    byId('date').textContent = dateText(t);
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

  function heartbeat() {
    if (!config.heartbeat_url) { return; }
    var body = JSON.stringify(status);
    try {
      if (navigator.sendBeacon) { navigator.sendBeacon(config.heartbeat_url, body); return; }
      var request = new XMLHttpRequest();
      request.open('POST', config.heartbeat_url, true);
      request.setRequestHeader('Content-Type', 'text/plain');
      request.send(body);
    } catch (e) { /* the next beat tries again */ }
  }

  function pollPlaylist() {
    get(config.playlist_url || 'playlist.json', function (next) {
      noteFetch(!!(next && next.slides));
      if (next && next.slides && next.version !== playlist.version &&
          !(pending && pending.version === next.version)) {
        preload(next, function () { pending = next; });
      }
      heartbeat();
      setTimeout(pollPlaylist, pollMs);
    });
  }

  var shownUrgent = '';
  function applyUrgent() {
    var box = byId('urgent');
    var notice = urgentFor(now());
    var key = notice ? notice.id + notice.title + notice.text : '';
    if (key === shownUrgent) { return; }
    shownUrgent = key;
    if (!notice) { box.style.display = 'none'; box.innerHTML = ''; return; }
    box.innerHTML = '<span class="label">紧急通知</span><h1>' + escapeHtml(notice.title) + '</h1><div class="fit"><p class="fit-inner">' +
      escapeHtml(notice.text) + '</p></div>' + qrHtml(notice);
    box.style.display = 'block';
  }

  function pollUrgent() {
    get(config.urgent_url || '../urgent.json', function (next) {
      if (next && next.notices) { urgent = next; applyUrgent(); }
      setTimeout(pollUrgent, urgentMs);
    });
  }

  /* The hidden corner: a tap (or the S key) shows the screen's status and
     a QR code of it, which opens /screens/status/ on a phone. */
  function statusUrl() {
    var last = status.errors.length ? status.errors[status.errors.length - 1] : null;
    var offline = status.offline_ms + (status.offline_since ? now() - status.offline_since : 0);
    var fields = [
      ['s', status.screen], ['b', playlist.version || ''], ['f', status.fetched], ['o', offline],
      ['n', status.shown], ['e', status.errors.length], ['l', last ? last.what : ''], ['t', now()], ['u', status.started]
    ];
    var parts = [];
    for (var i = 0; i < fields.length; i++) { parts.push(fields[i][0] + '=' + encodeURIComponent(fields[i][1])); }
    return config.status_page + '#' + parts.join('&');
  }

  function loadQr(done) {
    if (window.qrcode) { done(); return; }
    var script = document.createElement('script');
    script.src = config.qr_script;
    script.onload = done;
    script.onerror = function () { done(); };
    document.head.appendChild(script);
  }

  function showStatus() {
    var box = byId('status');
    var url = statusUrl();
    var ago = function (t) { return t ? Math.round((now() - t) / 60000) + ' 分钟前' : '还没有'; };
    var offline = status.offline_ms + (status.offline_since ? now() - status.offline_since : 0);
    var lines = [
      ['屏幕', status.screen], ['节目版本', playlist.version], ['上次更新', ago(status.fetched)],
      ['累计断网', Math.round(offline / 60000) + ' 分钟'], ['已放', status.shown + ' 张'],
      ['出错', status.errors.length ? status.errors.length + ' 次，最近：' + status.errors[status.errors.length - 1].what : '没有']
    ];
    var html = '<h2>屏幕状态</h2><table>';
    for (var i = 0; i < lines.length; i++) { html += '<tr><th>' + lines[i][0] + '</th><td>' + escapeHtml(lines[i][1]) + '</td></tr>'; }
    html += '</table><div id="status-qr"></div><p>用手机扫码，把状态带回办公室</p>';
    box.innerHTML = html;
    box.style.display = 'block';
    box.setAttribute('data-url', url);
    loadQr(function () {
      if (!window.qrcode) { return; }
      var code = window.qrcode(0, 'M');
      code.addData(url);
      code.make();
      byId('status-qr').innerHTML = code.createSvgTag({ cellSize: 6, margin: 4, scalable: true });
    });
  }

  function toggleStatus() {
    var box = byId('status');
    if (box.style.display === 'block') { box.style.display = 'none'; box.innerHTML = ''; } else { showStatus(); }
  }

  /* Keep the display awake where the browser allows; say nothing where not. */
  function keepAwake() {
    try {
      if (navigator.wakeLock && navigator.wakeLock.request) {
        navigator.wakeLock.request('screen').then(function () {}, function () {});
      }
    } catch (e) { /* not supported */ }
  }

  /* ?week=YYYY-MM-DD: the week's plan as a timetable for staff, asked of
     the same plan() at every five minutes and merged where it holds. */
  function weekPreview(first) {
    var start = Date.parse(first + 'T00:00:00Z') - zoneMs;
    if (isNaN(start)) { return false; }
    var slides = playlist.slides || [];
    var html = '<h1>' + escapeHtml(config.title || config.name) + ' · 一周播放安排</h1>';
    for (var d = 0; d < 7; d++) {
      var dayStart = start + d * DAY;
      html += '<section class="day"><h2>' + dateText(dayStart) + '</h2><table><tr><th>时间</th><th>播放</th></tr>';
      var from = dayStart, key = null, row = null;
      for (var t = dayStart; t <= dayStart + DAY; t += 300000) {
        var moment = t < dayStart + DAY ? plan(t) : null;
        var ids = [];
        for (var i = 0; moment && i < moment.slides.length; i++) { ids.push(slides[moment.slides[i]].id); }
        var nextKey = moment ? moment.mode + '|' + ids.join(',') + '|' + (moment.urgent ? moment.urgent.id : '') : null;
        if (nextKey !== key) {
          if (row) { html += previewRow(row, from, t, slides); }
          from = t; key = nextKey; row = moment;
        }
      }
      html += '</table></section>';
    }
    var page = byId('week');
    page.innerHTML = html;
    page.style.display = 'block';
    document.documentElement.className += ' is-preview';
    return true;
  }

  function previewRow(moment, from, until, slides) {
    var ids = [], titles = [];
    for (var i = 0; i < moment.slides.length; i++) {
      var s = slides[moment.slides[i]];
      ids.push(s.id);
      titles.push(escapeHtml(s.title) + (s.pin ? '（置顶）' : '') + (s.video ? '（视频）' : ''));
    }
    var what = moment.mode === 'blank' ? '黑屏（夜间）' : (moment.mode === 'idle' ? '待机画面' : titles.join('、'));
    if (moment.urgent) { what = '<strong>紧急通知全屏：' + escapeHtml(moment.urgent.title) + '</strong>' + (what ? '<br>' + what : ''); }
    var end = until - from >= DAY ? '24:00' : (minutesOfDay(until) === 0 ? '24:00' : hhmm(until));
    return '<tr data-from="' + from + '" data-until="' + until + '" data-mode="' + moment.mode + '" data-ids="' +
      escapeHtml(ids.join(' ')) + '"><td>' + hhmm(from) + '–' + end + '</td><td>' + what + '</td></tr>';
  }

  function start() {
    byId('site').textContent = config.site_title || '';
    if (params.week && weekPreview(params.week)) { return; }
    updateClock();
    var seconds = 0;
    setInterval(function () {
      seconds += 1;
      try {
        updateClock();
        applyUrgent();
        // Night begins and ends on the second, not at the end of a slide.
        if (isBlank(now()) !== (mode === 'blank')) { tick(); }
        if (seconds % 5 === 0 && byId('status').style.display === 'block') { showStatus(); }
      } catch (e) { /* keep going */ }
    }, 1000);
    applyUrgent();
    tick();
    setTimeout(pollPlaylist, pollMs);
    setTimeout(pollUrgent, urgentMs);
    keepAwake();
    byId('status-corner').onclick = toggleStatus;
    document.addEventListener('keydown', function (event) {
      var key = event.key || String.fromCharCode(event.keyCode || 0);
      if (key === 's' || key === 'S' || key === 'i' || key === 'I') { toggleStatus(); }
    });
    if (params.status) { showStatus(); }
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'visible') { keepAwake(); }
    });
    if ('serviceWorker' in navigator && config.service_worker) {
      try { navigator.serviceWorker.register(config.service_worker).then(function () {}, function () {}); } catch (e) { /* none */ }
    }
  }

  start();
}());
