/* linju site search: plain ES5, no build step, no WebAssembly, so it runs
 * in WeChat's browser and old Android WebViews. It mirrors
 * src/search/tokens.rs and pinyin.rs: the same tokens on both sides. */
(function () {
  'use strict';

  var SYLLABLES = '/*SYLLABLES*/'.split(' ');
  var MAX_WORD = 24;
  var PAGE_SIZE = 8;
  var PREVIEW_SIZE = 5;
  var LAST = '0123456789abcdefghijklmnopqrstuv';
  var MORE = 'wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_';

  var imul = Math.imul || function (a, b) {
    var low = (a & 0xffff) * b;
    var high = ((a >>> 16) * b) & 0xffff;
    return (low + (high << 16)) | 0;
  };

  // ---- packed files: shards and results are raw DEFLATE after their
  // length (4 bytes, little-endian), as src/search/mod.rs writes them ----

  var PACKED = /^[fs]\//;

  /*INFLATE*/

  /* UTF-8 bytes to a string, where TextDecoder is missing. */
  function utf8(bytes) {
    var out = '', i = 0;
    while (i < bytes.length) {
      var b = bytes[i++], c;
      if (b < 0x80) { c = b; }
      else if (b < 0xe0) { c = ((b & 0x1f) << 6) | (bytes[i++] & 0x3f); }
      else if (b < 0xf0) { c = ((b & 0x0f) << 12) | ((bytes[i++] & 0x3f) << 6) | (bytes[i++] & 0x3f); }
      else {
        c = ((b & 0x07) << 18) | ((bytes[i++] & 0x3f) << 12) | ((bytes[i++] & 0x3f) << 6) | (bytes[i++] & 0x3f);
        c -= 0x10000;
        out += String.fromCharCode(0xd800 + (c >> 10));
        c = 0xdc00 + (c & 0x3ff);
      }
      out += String.fromCharCode(c);
    }
    return out;
  }

  function unpack(buffer) {
    var bytes = new Uint8Array(buffer);
    var length = (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0;
    var out = tinf_uncompress(bytes.subarray(4), new Uint8Array(length));
    return typeof TextDecoder === 'function' ? new TextDecoder('utf-8').decode(out) : utf8(out);
  }

  // ---- the tokeniser (tokens.rs) ----

  function normaliseChar(c) {
    var code = c.charCodeAt(0);
    if (code >= 0xff01 && code <= 0xff5e) { c = String.fromCharCode(code - 0xfee0); }
    else if (code === 0x3000) { c = ' '; }
    return (c >= 'A' && c <= 'Z') ? c.toLowerCase() : c;
  }

  function normalise(text) {
    var out = '';
    for (var i = 0; i < text.length; i++) { out += normaliseChar(text.charAt(i)); }
    return out;
  }

  function isHan(c) {
    var code = c.charCodeAt(0);
    return (code >= 0x3400 && code <= 0x4dbf) || (code >= 0x4e00 && code <= 0x9fff) ||
      (code >= 0xf900 && code <= 0xfaff);
  }

  function isWordChar(c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
  function isDigits(word) { return /^[0-9]+$/.test(word); }

  /* Cuts text into {han: '...'} runs and {words: [...]} groups. */
  function pieces(text) {
    var out = [], han = '', words = [], word = '', gap = null;
    function flushHan() { if (han) { out.push({ han: han }); han = ''; } }
    function flushWords() { if (words.length) { out.push({ words: words }); words = []; } }
    for (var i = 0; i < text.length; i++) {
      var c = normaliseChar(text.charAt(i));
      if (isWordChar(c)) {
        flushHan();
        if (!word && words.length) {
          var joins = gap === '-' ||
            (gap === ' ' && isDigits(words[words.length - 1]) && c >= '0' && c <= '9');
          if (!joins) { out.push({ words: words }); words = []; }
        }
        gap = null;
        word += c;
        continue;
      }
      if (word) { words.push(word); word = ''; gap = c; }
      else if (gap !== null) { gap = '\u0000'; }
      if (isHan(c)) { flushWords(); han += c; } else { flushHan(); }
    }
    if (word) { words.push(word); }
    flushWords();
    flushHan();
    return out;
  }

  function bucket(token, count) {
    var hash = 0x811c9dc5 | 0;
    for (var i = 0; i < token.length; i++) {
      hash ^= token.charCodeAt(i);
      hash = imul(hash, 0x01000193);
    }
    return (hash >>> 0) % Math.max(count, 1);
  }

  // ---- pinyin (pinyin.rs) ----

  var syllableSet = {};
  var prefixSet = {};
  for (var s = 0; s < SYLLABLES.length; s++) {
    syllableSet[SYLLABLES[s]] = true;
    for (var p = 1; p < SYLLABLES[s].length; p++) { prefixSet[SYLLABLES[s].slice(0, p)] = true; }
  }

  /* Cuts typed letters into syllables (the last may be unfinished), with
   * as few pieces as possible; null when they are not pinyin. */
  function syllables(letters) {
    var best = [[]];
    for (var end = 1; end <= letters.length; end++) {
      best[end] = null;
      for (var start = Math.max(0, end - 6); start < end; start++) {
        var piece = letters.slice(start, end);
        var ok = syllableSet[piece] || (end === letters.length && prefixSet[piece]);
        if (ok && best[start] && (!best[end] || best[start].length + 1 < best[end].length)) {
          best[end] = best[start].concat([piece]);
        }
      }
    }
    return best[letters.length];
  }

  // ---- the query ----

  /* A query: groups that must all match; each group is a list of
   * alternatives, each a list of tokens that must all be found. */
  function plan(query) {
    var parts = pieces(query), groups = [], terms = [], titleOnly = false;
    for (var i = 0; i < parts.length; i++) {
      var part = parts[i];
      if (part.han) {
        if (part.han.length === 1) {
          if (parts.length > 1) { continue; }
          titleOnly = true;
          groups.push([[part.han]]);
        } else {
          var pairs = [];
          for (var k = 0; k + 1 < part.han.length; k++) { pairs.push(part.han.slice(k, k + 2)); }
          groups.push([pairs]);
        }
        terms.push(part.han);
        continue;
      }
      var joined = part.words.join('').slice(0, MAX_WORD);
      var group = [[joined]];
      if (part.words.length === 1 && /^[a-z]{2,}$/.test(joined)) { addPinyin(joined, group); }
      groups.push(group);
      terms.push(joined);
    }
    return { groups: groups, terms: terms, titleOnly: titleOnly };
  }

  function addPinyin(letters, group) {
    var cut = syllables(letters);
    if (cut && cut.length > 1) {
      var full = [];
      for (var i = 0; i + 1 < cut.length; i++) { full.push('~' + cut[i] + cut[i + 1]); }
      group.push(full);
    }
    if (letters.length <= 6 && !/[iuv]/.test(letters)) {
      var initials = [];
      for (var j = 0; j + 1 < letters.length; j++) { initials.push('^' + letters.slice(j, j + 2)); }
      group.push(initials);
    }
  }

  function decode(list) {
    var values = numbers(list), ids = [], ranks = [], id = 0;
    for (var i = 0; i < values.length; i++) {
      id += Math.floor(values[i] / 4);
      ids.push(id);
      ranks.push(values[i] % 4);
    }
    return { ids: ids, ranks: ranks };
  }

  // ---- fetching ----

  function Searcher(base) {
    this.base = base;
    this.entry = null;
    this.files = {};
    this.waiting = {};
  }

  Searcher.prototype.fetch = function (path, fresh, done) {
    var self = this;
    if (self.files.hasOwnProperty(path)) { done(self.files[path]); return; }
    if (self.waiting[path]) { self.waiting[path].push(done); return; }
    self.waiting[path] = [done];
    var packed = PACKED.test(path);
    var xhr = new XMLHttpRequest();
    var url = self.base + 'search/' + (packed ? path.replace(/\.json$/, '.dz') : path) +
      (self.entry ? '?v=' + self.entry.version : '');
    xhr.open('GET', url, true);
    if (packed) { xhr.responseType = 'arraybuffer'; }
    if (fresh) { xhr.setRequestHeader('Cache-Control', 'no-cache'); }
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) { return; }
      var value = null;
      if (xhr.status === 200 || (xhr.status === 0 && xhr.response)) {
        try { value = JSON.parse(packed ? unpack(xhr.response) : xhr.responseText); } catch (e) { value = null; }
      }
      if (value !== null) { self.files[path] = value; }
      var callbacks = self.waiting[path];
      delete self.waiting[path];
      for (var i = 0; i < callbacks.length; i++) { callbacks[i](value); }
    };
    xhr.send();
  };

  /* Fetches every path, then calls done with their values in order. */
  Searcher.prototype.fetchAll = function (paths, done) {
    var values = [], left = paths.length;
    if (!left) { done(values); return; }
    for (var i = 0; i < paths.length; i++) {
      (function (index, self) {
        self.fetch(paths[index], false, function (value) {
          values[index] = value;
          if (--left === 0) { done(values); }
        });
      })(i, this);
    }
  };

  Searcher.prototype.ready = function (done) {
    var self = this;
    if (self.entry) { done(self.entry); return; }
    self.fetch('index.json', true, function (entry) { self.entry = entry; done(entry); });
  };

  /* Runs a query: done({results: [{id, rank}], terms, titleOnly}) or done(null). */
  Searcher.prototype.search = function (query, done) {
    var self = this;
    self.ready(function (entry) {
      if (!entry) { done(null); return; }
      var q = plan(query), tokens = [], shards = {}, paths = [];
      for (var g = 0; g < q.groups.length; g++) {
        for (var a = 0; a < q.groups[g].length; a++) { tokens = tokens.concat(q.groups[g][a]); }
      }
      for (var t = 0; t < tokens.length; t++) {
        var n = bucket(tokens[t], entry.shards);
        if (!shards[n]) { shards[n] = true; paths.push('s/' + n + '.json'); }
      }
      self.fetchAll(paths, function () {
        if (!q.groups.length) { done({ results: [], terms: q.terms, titleOnly: false }); return; }
        var lists = {};
        for (var i = 0; i < tokens.length; i++) {
          var shard = self.files['s/' + bucket(tokens[i], entry.shards) + '.json'];
          if (!shard) { done(null); return; }
          lists[tokens[i]] = decode(shard[tokens[i]] || '');
        }
        done({ results: rank(q.groups, lists, entry.expired), terms: q.terms, titleOnly: q.titleOnly });
      });
    });
  };

  /* id → rank of one alternative: every token found, at its weakest field. */
  function matchAll(tokens, lists) {
    var found = null;
    for (var t = 0; t < tokens.length; t++) {
      var list = lists[tokens[t]], next = {};
      for (var i = 0; i < list.ids.length; i++) {
        var id = list.ids[i];
        if (found === null) { next[id] = list.ranks[i]; }
        else if (found.hasOwnProperty(id)) { next[id] = Math.min(found[id], list.ranks[i]); }
      }
      found = next;
    }
    return found || {};
  }

  function rank(groups, lists, expired) {
    var total = null;
    for (var g = 0; g < groups.length; g++) {
      var best = {};
      for (var a = 0; a < groups[g].length; a++) {
        var found = matchAll(groups[g][a], lists);
        for (var id in found) {
          if (found.hasOwnProperty(id) && !(best[id] >= found[id])) { best[id] = found[id]; }
        }
      }
      var next = {};
      for (var key in best) {
        if (!best.hasOwnProperty(key)) { continue; }
        if (total === null) { next[key] = best[key]; }
        else if (total.hasOwnProperty(key)) { next[key] = total[key] + best[key]; }
      }
      total = next;
    }
    var results = [];
    for (var k in total) {
      if (total.hasOwnProperty(k)) { results.push({ id: +k, rank: total[k], expired: +k < expired }); }
    }
    results.sort(function (x, y) {
      return (x.expired - y.expired) || (y.rank - x.rank) || (y.id - x.id);
    });
    return results;
  }

  /* The type and community codes of ids, from the page table. */
  Searcher.prototype.codes = function (ids, done) {
    var chunk = this.entry.chunk, paths = [], seen = {};
    for (var i = 0; i < ids.length; i++) {
      var n = Math.floor(ids[i] / chunk);
      if (!seen[n]) { seen[n] = true; paths.push('t/' + n + '.json'); }
    }
    var self = this;
    this.fetchAll(paths, function () {
      var codes = {};
      for (var j = 0; j < ids.length; j++) {
        var path = 't/' + Math.floor(ids[j] / chunk) + '.json', table = self.files[path];
        if (typeof table === 'string') { table = self.files[path] = numbers(table); }
        codes[ids[j]] = table ? table[ids[j] % chunk] : -1;
      }
      done(codes);
    });
  };

  var DIGIT = {};
  for (var d = 0; d < 32; d++) { DIGIT[LAST.charCodeAt(d)] = d; DIGIT[MORE.charCodeAt(d)] = d + 32; }

  function numbers(text) {
    var values = [], value = 0;
    for (var i = 0; i < text.length; i++) {
      var digit = DIGIT[text.charCodeAt(i)];
      if (digit >= 32) { value = value * 32 + digit - 32; continue; }
      values.push(value * 32 + digit);
      value = 0;
    }
    return values;
  }

  var api = {
    Searcher: Searcher, pieces: pieces, bucket: bucket, syllables: syllables,
    plan: plan, decode: decode, normalise: normalise
  };
  if (typeof module === 'object' && module.exports) { module.exports = api; return; }
  window.linjuSearch = api;

  /*UI*/
})();
