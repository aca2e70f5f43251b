// Runs queries against a built site's search index with the real
// search.js, reading files from disk instead of the network.
//   node tests/search/query.js SITE_DIR QUERY...   → one JSON line per query
// Each line: {query, total, ids, ranks, urls (first 20), titles, bytes: files read}.
'use strict';
var fs = require('fs');
var path = require('path');
var site = process.argv[2];
var read = {};
// LINJU_NO_TEXTDECODER=1: run as an old WebView without TextDecoder would.
if (process.env.LINJU_NO_TEXTDECODER === '1') { global.TextDecoder = undefined; }
global.XMLHttpRequest = function () {};
global.XMLHttpRequest.prototype.open = function (method, url) { this.url = url; };
global.XMLHttpRequest.prototype.setRequestHeader = function () {};
global.XMLHttpRequest.prototype.send = function () {
  var self = this, file = path.join(site, self.url.replace(/^site:\/\//, '').replace(/\?.*$/, ''));
  var bytes = null;
  try { bytes = fs.readFileSync(file); self.status = 200; } catch (e) { self.status = 404; }
  if (bytes && self.responseType === 'arraybuffer') {
    self.response = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  } else {
    self.responseText = bytes ? bytes.toString('utf8') : '';
    self.response = self.responseText;
  }
  if (bytes && !read[file]) { read[file] = bytes.length; }
  self.readyState = 4;
  setImmediate(function () { self.onreadystatechange(); });
};
var api = require(path.join(site, 'search/search.js'));
var searcher = new api.Searcher('site://');
var queries = process.argv.slice(3);
function bytes() { var n = 0; for (var f in read) { n += read[f]; } return n; }
function next(i) {
  if (i >= queries.length) { return; }
  var before = bytes();
  searcher.search(queries[i], function (found) {
    var top = found ? found.results.slice(0, 20) : [];
    searcher.fetchAll(top.map(function (r) { return 'f/' + r.id + '.json'; }), function (frags) {
      process.stdout.write(JSON.stringify({
        query: queries[i], total: found ? found.results.length : -1,
        ids: found ? found.results.map(function (r) { return r.id; }) : [],
        ranks: top.map(function (r) { return r.rank; }),
        urls: frags.map(function (f) { return f && f.u; }),
        titles: frags.map(function (f) { return f && f.t; }),
        bytes: bytes() - before
      }) + '\n');
      next(i + 1);
    });
  });
}
next(0);
