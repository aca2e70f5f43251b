/* linju default theme: 关怀版 (care mode) and 朗读 (read aloud).
   Plain ES5, no request of its own: old Android WebViews and WeChat's
   browser run it as they are.

   Care mode: the switch in the header is a link to `#care`, which the
   stylesheet honours without JavaScript (`#care:target`). With JavaScript
   the choice becomes a class on <html>, remembered in localStorage so every
   page opens the way the reader left the last one. The inline script in
   <head> sets the class before the first paint, so a page never flashes
   small type at someone who asked for large.

   Read aloud: the browser's own speech synthesis, with a Chinese voice;
   no voice, no button. It reads what the page marks with data-speak (the
   title, the facts, the text), never the menus. */
(function () {
  'use strict';
  var KEY = 'linju-care';
  var root = document.documentElement;

  function remember(on) {
    try { localStorage.setItem(KEY, on ? '1' : '0'); } catch (e) { /* private mode: this page only */ }
  }

  function setCare(on) {
    var has = /(^|\s)care(\s|$)/.test(root.className);
    if (on && !has) { root.className += ' care'; }
    if (!on && has) { root.className = root.className.replace(/(^|\s)care(?=\s|$)/g, ''); }
    remember(on);
  }

  /* With JavaScript the class decides, so a `#care` in the address (a
     shared link) is taken over and cleared: otherwise `:target` would keep
     care mode on after the reader switched it off. A fragment navigation
     clears `:target`; replaceState then drops the bare `#`. */
  function takeOverTarget() {
    setCare(true);
    location.replace('#');
    if (window.history && history.replaceState) {
      history.replaceState(null, '', location.pathname + location.search);
    }
  }

  function wireSwitches() {
    var links = document.querySelectorAll('[data-care]');
    for (var i = 0; i < links.length; i++) {
      links[i].addEventListener('click', function (event) {
        event.preventDefault();
        setCare(this.getAttribute('data-care') === 'on');
        var other = document.querySelector('[data-care="' + (this.getAttribute('data-care') === 'on' ? 'off' : 'on') + '"]');
        if (other) { other.focus(); }
      });
    }
    if (location.hash === '#care') { takeOverTarget(); }
  }

  /* ---- read aloud ---- */

  function chineseVoice(synth) {
    var voices = synth.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      var lang = (voices[i].lang || '').toLowerCase().replace('_', '-');
      if (lang.indexOf('zh') === 0 || lang.indexOf('cmn') === 0) { return voices[i]; }
    }
    return null;
  }

  var BLOCKS = 'h1,h2,h3,h4,h5,h6,p,li,dt,dd,figcaption,th,td,footer';

  function textOf(element) {
    return (element.innerText || element.textContent || '').replace(/\s+/g, ' ').replace(/^ | $/g, '');
  }

  /* The blocks to read, in page order: only those holding no other block,
     a term joined to its description (姓名：张桂兰), hidden ones left out. */
  function blocks() {
    var out = [];
    var parts = document.querySelectorAll('[data-speak]');
    for (var i = 0; i < parts.length; i++) {
      var found = parts[i].matches && parts[i].matches(BLOCKS) ? [parts[i]] : parts[i].querySelectorAll(BLOCKS);
      for (var j = 0; j < found.length; j++) {
        var block = found[j];
        if (block.querySelector(BLOCKS) || !block.offsetParent && block.getClientRects().length === 0) { continue; }
        if (block.tagName === 'DD' && block.previousElementSibling && block.previousElementSibling.tagName === 'DT') { continue; }
        var text = textOf(block);
        if (block.tagName === 'DT' && block.nextElementSibling && block.nextElementSibling.tagName === 'DD') {
          text += '：' + textOf(block.nextElementSibling);
        }
        if (text) { out.push(text); }
      }
    }
    return out;
  }

  /* The text cut into sentences short enough that no browser stops halfway
     (Chrome drops an utterance after about fifteen seconds). */
  function sentences() {
    var all = blocks().join('\n');
    var pieces = all.match(/[^。！？!?；;\n]+[。！？!?；;]*/g) || [];
    var out = [];
    for (var j = 0; j < pieces.length; j++) {
      var piece = pieces[j].replace(/^\s+|\s+$/g, '');
      while (piece.length > 120) { out.push(piece.slice(0, 120)); piece = piece.slice(120); }
      if (piece && /[^\s。！？!?；;]/.test(piece)) { out.push(piece); }
    }
    return out;
  }

  function wireReader() {
    var box = document.querySelector('[data-read-aloud]');
    var synth = window.speechSynthesis;
    if (!box || !synth || !window.SpeechSynthesisUtterance) { return; }
    var buttons = {
      start: box.querySelector('[data-read="start"]'),
      pause: box.querySelector('[data-read="pause"]'),
      resume: box.querySelector('[data-read="resume"]'),
      stop: box.querySelector('[data-read="stop"]')
    };
    var status = box.querySelector('[data-read-status]');
    var state = 'idle';
    var run = 0;

    function show(next, message) {
      state = next;
      box.setAttribute('data-state', next);
      buttons.start.hidden = next !== 'idle';
      buttons.pause.hidden = next !== 'speaking';
      buttons.resume.hidden = next !== 'paused';
      buttons.stop.hidden = next === 'idle';
      status.textContent = message;
    }

    function start() {
      var voice = chineseVoice(synth);
      if (!voice) { return; }
      synth.cancel();
      run += 1;
      var mine = run;
      var queue = sentences();
      for (var i = 0; i < queue.length; i++) {
        var utterance = new SpeechSynthesisUtterance(queue[i]);
        utterance.voice = voice;
        utterance.lang = voice.lang || 'zh-CN';
        utterance.rate = 0.9;
        if (i === queue.length - 1) {
          utterance.onend = function () { if (mine === run) { show('idle', '朗读完毕'); } };
        }
        synth.speak(utterance);
      }
      show('speaking', '正在朗读');
    }

    buttons.start.addEventListener('click', start);
    buttons.pause.addEventListener('click', function () { synth.pause(); show('paused', '已暂停'); });
    buttons.resume.addEventListener('click', function () { synth.resume(); show('speaking', '正在朗读'); });
    buttons.stop.addEventListener('click', function () { run += 1; synth.cancel(); show('idle', '已停止'); });
    window.addEventListener('pagehide', function () { synth.cancel(); });

    function offerIfVoice() {
      if (chineseVoice(synth)) { box.hidden = false; if (state === 'idle') { show('idle', ''); } }
    }
    offerIfVoice();
    if (synth.addEventListener) { synth.addEventListener('voiceschanged', offerIfVoice); }
  }

  wireSwitches();
  wireReader();
}());
