  // ---- the default behaviour: forms marked data-linju-search ----
  // A page with a [data-linju-results] element (the search page) shows
  // full results there, with filters; elsewhere each form gets a short
  // list under it as the resident types, and Enter opens the search page.

  function thisScript() {
    if (document.currentScript) { return document.currentScript; }
    var all = document.getElementsByTagName('script');
    return all[all.length - 1];
  }

  var BASE = thisScript().src.replace(/search\/search\.js([?#].*)?$/, '');
  var searcher = new Searcher(BASE);

  function escapeHtml(text) {
    return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;')
      .replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }

  /* Where each term occurs in text (normalised alike, so offsets match). */
  function hits(text, terms) {
    var plain = normalise(text), found = [];
    for (var t = 0; t < terms.length; t++) {
      var term = terms[t], at = plain.indexOf(term);
      while (term && at >= 0) { found.push([at, at + term.length]); at = plain.indexOf(term, at + term.length); }
    }
    found.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    return found;
  }

  /* text[from, to) escaped, with every hit wrapped in <mark>. */
  function marked(text, terms, from, to) {
    var found = hits(text, terms), out = '', at = from;
    for (var i = 0; i < found.length; i++) {
      var start = Math.max(found[i][0], at), end = Math.min(found[i][1], to);
      if (end <= start) { continue; }
      out += escapeHtml(text.slice(at, start)) + '<mark>' + escapeHtml(text.slice(start, end)) + '</mark>';
      at = end;
    }
    return out + escapeHtml(text.slice(at, to));
  }

  function snippet(text, terms) {
    var found = hits(text, terms), start = found.length ? Math.max(0, found[0][0] - 24) : 0;
    // Begin at a word, not on the separator between two fields.
    while (start > 0 && start < text.length && ' ·，。、；'.indexOf(text.charAt(start)) >= 0) { start++; }
    var end = Math.min(text.length, start + 90);
    return (start > 0 ? '…' : '') + marked(text, terms, start, end) + (end < text.length ? '…' : '');
  }

  /* Whether every term of the query is in the page as typed (pairs found
   * apart are a looser match, shown after the exact ones). */
  function exact(fragment, terms) {
    var plain = normalise(fragment.t + ' ' + fragment.x);
    for (var i = 0; i < terms.length; i++) {
      if (terms[i].length > 2 && isHan(terms[i].charAt(0)) && plain.indexOf(terms[i]) < 0) { return false; }
    }
    return true;
  }

  function chineseDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
    return m ? m[1] + '年' + (+m[2]) + '月' + (+m[3]) + '日' : '';
  }

  function typeLabel(entry, name) {
    for (var i = 0; i < entry.types.length; i++) {
      if (entry.types[i][1] === name) { return entry.types[i][2]; }
    }
    return '';
  }

  function resultHtml(entry, fragment, terms, loose) {
    var meta = [typeLabel(entry, fragment.k), fragment.c || '', chineseDate(fragment.d)];
    var shown = [];
    for (var i = 0; i < meta.length; i++) { if (meta[i]) { shown.push(escapeHtml(meta[i])); } }
    return '<li class="search-result' + (loose ? ' search-loose' : '') + '">' +
      '<a class="search-title" href="' + escapeHtml(BASE + fragment.u) + '">' +
      marked(fragment.t, terms, 0, fragment.t.length) + '</a>' +
      '<p class="search-meta">' + shown.join(' · ') + '</p>' +
      '<p class="search-snippet">' + snippet(fragment.x, terms) + '</p></li>';
  }

  function Panel(forms, root, full) {
    this.forms = forms;
    this.root = root;
    this.full = full;
    this.status = root.querySelector('[data-search-status]');
    this.list = root.querySelector('[data-search-list]');
    this.more = root.querySelector('[data-search-more]');
    this.filters = root.querySelectorAll('select[data-filter]');
    this.sequence = 0;
    this.query = '';
    this.results = [];
    this.shown = 0;
  }

  Panel.prototype.run = function (query) {
    var self = this, sequence = ++self.sequence;
    self.query = query;
    if (!query.replace(/\s+/g, '')) { self.clear(); return; }
    self.root.hidden = false;
    self.setStatus('正在搜索…');
    searcher.search(query, function (found) {
      if (sequence !== self.sequence) { return; }
      if (!found) { self.setStatus('搜索暂时用不了，请稍后再试。'); return; }
      self.filter(found.results, function (results) {
        if (sequence !== self.sequence) { return; }
        self.results = results;
        self.terms = found.terms;
        self.titleOnly = found.titleOnly;
        self.shown = 0;
        self.list.innerHTML = '';
        self.showMore(sequence);
      });
    });
  };

  Panel.prototype.clear = function () {
    this.results = [];
    this.list.innerHTML = '';
    this.setStatus('');
    if (this.more) { this.more.hidden = true; }
    if (!this.full) { this.root.hidden = true; }
  };

  Panel.prototype.setStatus = function (text, html) {
    if (this.status) { this.status.innerHTML = html || escapeHtml(text); }
  };

  /* Whether a filter narrows the results. */
  Panel.prototype.filtered = function () {
    for (var i = 0; i < this.filters.length; i++) {
      if (this.filters[i].value !== '') { return true; }
    }
    return false;
  };

  Panel.prototype.filter = function (results, done) {
    var wanted = {};
    for (var i = 0; i < this.filters.length; i++) {
      if (this.filters[i].value !== '') { wanted[this.filters[i].getAttribute('data-filter')] = +this.filters[i].value; }
    }
    if (!wanted.hasOwnProperty('type') && !wanted.hasOwnProperty('community')) { done(results); return; }
    var ids = [];
    for (var j = 0; j < results.length; j++) { ids.push(results[j].id); }
    searcher.codes(ids, function (codes) {
      var kept = [];
      for (var k = 0; k < results.length; k++) {
        var code = codes[results[k].id];
        if (wanted.hasOwnProperty('type') && code % 8 !== wanted.type) { continue; }
        if (wanted.hasOwnProperty('community') && Math.floor(code / 8) - 1 !== wanted.community) { continue; }
        kept.push(results[k]);
      }
      done(kept);
    });
  };

  Panel.prototype.showMore = function (sequence) {
    var self = this, size = self.full ? PAGE_SIZE : PREVIEW_SIZE;
    var batch = self.results.slice(self.shown, self.shown + size), paths = [];
    for (var i = 0; i < batch.length; i++) { paths.push('f/' + batch[i].id + '.json'); }
    self.say();
    searcher.fetchAll(paths, function (fragments) {
      if (sequence !== self.sequence) { return; }
      var exactOnes = '', looseOnes = '';
      for (var j = 0; j < fragments.length; j++) {
        if (!fragments[j]) { continue; }
        var isExact = exact(fragments[j], self.terms);
        var html = resultHtml(searcher.entry, fragments[j], self.terms, !isExact);
        if (isExact) { exactOnes += html; } else { looseOnes += html; }
      }
      self.list.insertAdjacentHTML('beforeend', exactOnes + looseOnes);
      self.shown += batch.length;
      if (self.more) { self.more.hidden = self.shown >= self.results.length; }
      if (!self.full && self.results.length > self.shown) {
        self.list.insertAdjacentHTML('beforeend', '<li class="search-all"><a href="' +
          escapeHtml(BASE + 'search/?q=' + encodeURIComponent(self.query)) + '">查看全部 ' +
          self.results.length + ' 条结果</a></li>');
      }
    });
  };

  /* The status line (an ARIA live region): the count, or what to try. */
  Panel.prototype.say = function () {
    var count = this.results.length;
    if (count) {
      this.setStatus('找到 ' + count + ' 条结果' +
        (this.titleOnly ? '（只搜了标题和姓名，输入两个字以上可以搜正文）' : ''));
      return;
    }
    if (this.filtered()) {
      this.setStatus('', '<strong>在所选的类别和社区里没有找到“' + escapeHtml(this.query) + '”。</strong>' +
        '把上面的筛选改回“全部类别”“全部社区”再看看。');
      return;
    }
    var tips = '<strong>没有找到“' + escapeHtml(this.query) + '”。</strong>试试：少输几个字或换个说法；' +
      '名字可以打拼音全拼（如 zhangguilan）或首字母（如 zgl）';
    var suggest = (searcher.entry && searcher.entry.suggest) || [];
    if (suggest.length) {
      tips += '；大家常搜：';
      for (var i = 0; i < suggest.length; i++) {
        tips += ' <button type="button" class="search-suggest" data-suggest="' + escapeHtml(suggest[i]) + '">' +
          escapeHtml(suggest[i]) + '</button>';
      }
    }
    this.setStatus('', tips + '。');
  };

  Panel.prototype.fillFilters = function (entry) {
    for (var i = 0; i < this.filters.length; i++) {
      var select = this.filters[i], kind = select.getAttribute('data-filter'), html = '';
      if (kind === 'type') {
        for (var t = 0; t < entry.types.length; t++) {
          html += '<option value="' + entry.types[t][0] + '">' + escapeHtml(entry.types[t][2]) + '</option>';
        }
      } else {
        for (var c = 0; c < entry.communities.length; c++) {
          html += '<option value="' + c + '">' + escapeHtml(entry.communities[c]) + '</option>';
        }
      }
      select.insertAdjacentHTML('beforeend', html);
    }
  };

  function inputOf(form) { return form.querySelector('input[name="q"]'); }

  function links(panel) { return panel.list.querySelectorAll('a'); }

  /* Arrow keys move between results, Escape goes back to the box. */
  function onKeys(panel, input) {
    input.addEventListener('keydown', function (event) {
      if (event.keyCode === 40 && links(panel).length) { event.preventDefault(); links(panel)[0].focus(); }
      if (event.keyCode === 27) { input.value = ''; panel.run(''); }
    });
    panel.list.addEventListener('keydown', function (event) {
      var all = links(panel), at = -1;
      for (var i = 0; i < all.length; i++) { if (all[i] === document.activeElement) { at = i; } }
      if (event.keyCode === 40 && at + 1 < all.length) { event.preventDefault(); all[at + 1].focus(); }
      if (event.keyCode === 38) { event.preventDefault(); if (at > 0) { all[at - 1].focus(); } else { input.focus(); } }
      if (event.keyCode === 27) { input.focus(); }
    });
  }

  function wire(panel, form) {
    var input = inputOf(form), timer = null, composing = false;
    if (!input) { return; }
    function later() {
      if (composing) { return; }
      clearTimeout(timer);
      timer = setTimeout(function () { go(panel, input.value, false); }, 150);
    }
    input.addEventListener('input', later);
    input.addEventListener('compositionstart', function () { composing = true; });
    input.addEventListener('compositionend', function () { composing = false; later(); });
    form.addEventListener('submit', function (event) {
      if (!panel.full) { return; }
      event.preventDefault();
      clearTimeout(timer);
      go(panel, input.value, true);
    });
    onKeys(panel, input);
  }

  function go(panel, query, submitted) {
    for (var i = 0; i < panel.forms.length; i++) {
      var input = inputOf(panel.forms[i]);
      if (input && input.value !== query) { input.value = query; }
    }
    if (panel.full && window.history && history.replaceState) {
      history.replaceState(null, '', '?q=' + encodeURIComponent(query));
    }
    if (submitted || query !== panel.query) { panel.run(query); }
  }

  function dropdown(form) {
    var root = document.createElement('div');
    root.className = 'search-preview';
    root.hidden = true;
    root.innerHTML = '<p class="search-status" role="status" aria-live="polite" data-search-status></p>' +
      '<ol class="search-list" data-search-list></ol>';
    form.appendChild(root);
    var panel = new Panel([form], root, false);
    root.addEventListener('click', function (event) {
      var word = event.target.getAttribute && event.target.getAttribute('data-suggest');
      if (word) { go(panel, word, true); inputOf(form).focus(); }
    });
    return panel;
  }

  function queryFromAddress() {
    var m = /[?&]q=([^&#]*)/.exec(window.location.search);
    if (!m) { return ''; }
    try { return decodeURIComponent(m[1].replace(/\+/g, ' ')); } catch (e) { return m[1]; }
  }

  function start() {
    var forms = document.querySelectorAll('form[data-linju-search]');
    var root = document.querySelector('[data-linju-results]');
    if (root) {
      var panel = new Panel(forms, root, true);
      for (var i = 0; i < forms.length; i++) { wire(panel, forms[i]); }
      searcher.ready(function (entry) { if (entry) { panel.fillFilters(entry); } });
      for (var f = 0; f < panel.filters.length; f++) {
        panel.filters[f].addEventListener('change', function () { panel.run(panel.query); });
      }
      if (panel.more) { panel.more.addEventListener('click', function () { panel.showMore(panel.sequence); }); }
      root.addEventListener('click', function (event) {
        var word = event.target.getAttribute && event.target.getAttribute('data-suggest');
        if (word) { go(panel, word, true); }
      });
      go(panel, queryFromAddress(), true);
      return;
    }
    for (var j = 0; j < forms.length; j++) { wire(dropdown(forms[j]), forms[j]); }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
