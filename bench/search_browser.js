// One tool's side of the search benchmark, in headless Chromium.
//   node bench/search_browser.js TOOL PORT QUERIES.json   (TOOL: linju | pagefind)
// Needs playwright-core (NODE_PATH) and Debian's chromium. The site is
// served by bench/search.py's counting server on PORT; for each query it
// prints one JSON line: bytes the server sent for the query and the first
// 8 results a resident sees (library and entry included on the first),
// the total, and every result's address (for recall and precision).
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');

const [tool, port, queryFile] = process.argv.slice(2);
const queries = JSON.parse(fs.readFileSync(queryFile, 'utf8'));
const origin = `http://127.0.0.1:${port}`;
const SHOWN = 8;

async function bytesSent(page) {
  return page.evaluate(async (o) => (await (await fetch(o + '/__bytes', { cache: 'no-store' })).text()).split(' ').map(Number), origin);
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const page = await browser.newPage();
  await page.goto(origin + '/bench-blank.html');
  for (let i = 0; i < queries.length; i++) {
    const query = queries[i].query;
    const before = await bytesSent(page);
    const started = Date.now();
    const shown = await page.evaluate(tool === 'linju' ? linjuShown : pagefindShown, { query, shown: SHOWN, first: i === 0 });
    const ms = Date.now() - started;
    const after = await bytesSent(page);
    const all = await page.evaluate(tool === 'linju' ? linjuAll : pagefindAll, { query });
    process.stdout.write(JSON.stringify({ query, bytes: after[0] - before[0], gzipped: after[1] - before[1], ms, total: shown.total, urls: all }) + '\n');
  }
  await browser.close();
}

// In the page: load the library on the first query, search, fetch what
// the first screen of results shows.
async function linjuShown({ query, shown, first }) {
  if (first) {
    await new Promise((ok, fail) => {
      const s = document.createElement('script');
      s.src = '/search/search.js'; s.onload = ok; s.onerror = fail;
      document.head.appendChild(s);
    });
    window.searcher = new window.linjuSearch.Searcher('/');
  }
  const found = await new Promise((ok) => window.searcher.search(query, ok));
  window.lastFound = found;
  const top = found.results.slice(0, shown).map((r) => 'f/' + r.id + '.json');
  await new Promise((ok) => window.searcher.fetchAll(top, ok));
  return { total: found.results.length };
}

// Every result's address, fetched 200 at a time (thousands of requests at
// once overwhelm the bench's Python server, and a failed one is retried).
async function linjuAll() {
  const ids = window.lastFound.results.map((r) => 'f/' + r.id + '.json');
  const urls = [];
  for (let at = 0; at < ids.length; at += 200) {
    const batch = ids.slice(at, at + 200);
    for (let tries = 0; tries < 5; tries++) {
      const fragments = await new Promise((ok) => window.searcher.fetchAll(batch, ok));
      if (fragments.every((f) => f)) { fragments.forEach((f) => urls.push('/' + f.u)); break; }
      if (tries === 4) { throw new Error('result files failed to load: ' + batch.join(' ')); }
    }
  }
  return urls;
}

async function pagefindShown({ query, shown, first }) {
  if (first) {
    window.pagefind = await import('/pagefind/pagefind.js');
    await window.pagefind.init();
  }
  const found = await window.pagefind.search(query);
  window.lastFound = found;
  await Promise.all(found.results.slice(0, shown).map((r) => r.data()));
  return { total: found.results.length };
}

async function pagefindAll() {
  const urls = [];
  const results = window.lastFound.results;
  for (let at = 0; at < results.length; at += 200) {
    const data = await Promise.all(results.slice(at, at + 200).map((r) => r.data()));
    data.forEach((d) => urls.push(d.url.replace(/index\.html$/, '')));
  }
  return urls;
}

main().catch((err) => { console.error(err); process.exit(1); });
