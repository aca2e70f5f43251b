// What a phone loads: the bytes of each page as a 360×800 phone fetches it
// (HTML, CSS, JS, images; lazy photos only once scrolled to), measured in
// headless Chromium over a local server, as sent and as gzip would send
// it. Also the static count the issue names: HTML + CSS + JS + the smallest
// srcset candidate of every picture on the page.
//
//   cargo build --release && npm ci --prefix tests/js --ignore-scripts
//   node bench/weight.mjs [SITE_ROOT] [PAGE...]
//
// SITE_ROOT defaults to this repository (the example site); PAGES default
// to the home page and a story page with photos. Prints a Markdown table.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { readFileSync, existsSync, statSync, mkdtempSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, dirname, extname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(repo, 'tests/js/package.json'));
const { chromium } = require('playwright-core');

const [root = repo, ...asked] = process.argv.slice(2);
const pages = asked.length ? asked : ['', 'stories/zhang-guilan/'];
const out = mkdtempSync(join(tmpdir(), 'linju-weight-'));
execFileSync(join(repo, 'target/release/linju'), ['build', '--root', root, '--output', out, '--base-url', 'http://127.0.0.1:8799/', '--clock', '2026-12-06 10:00'], { stdio: 'ignore' });

const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.json': 'application/json', '.svg': 'image/svg+xml', '.webp': 'image/webp', '.jpg': 'image/jpeg', '.png': 'image/png' };
const server = createServer((req, res) => {
  let path = join(out, decodeURIComponent(req.url.split('?')[0]));
  if (existsSync(path) && statSync(path).isDirectory()) path = join(path, 'index.html');
  if (!existsSync(path)) { res.writeHead(404); res.end(); return; }
  res.writeHead(200, { 'Content-Type': types[extname(path)] || 'application/octet-stream' });
  res.end(readFileSync(path));
}).listen(8799);

const gzipped = (bytes) => gzipSync(bytes, { level: 6 }).length;
const kb = (n) => (n / 1024).toFixed(1);

/** HTML + CSS + JS + the smallest candidate of every picture, from the files. */
function staticCount(page) {
  const file = join(out, page, page.endsWith('.html') ? '' : 'index.html');
  const html = readFileSync(file, 'utf8');
  const local = (url) => join(out, url.replace(/^https?:\/\/[^/]+/, '').split('?')[0]);
  let total = html.length;
  const assets = [...html.matchAll(/<(?:link rel="stylesheet" href|script src)="([^"]+)"/g)].map((m) => m[1]);
  for (const a of assets) total += readFileSync(local(a)).length;
  for (const m of html.matchAll(/<picture>.*?<\/picture>/gs)) {
    const candidates = [...m[0].matchAll(/srcset="([^"]+)"/g)].flatMap((s) => s[1].split(', ').map((c) => c.split(' ')[0]));
    const sizes = candidates.map((c) => readFileSync(local(c)).length);
    if (sizes.length) total += Math.min(...sizes);
  }
  return total;
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
console.log('| page | first screen: files | first screen: sent | gzip | after scrolling to the end: sent | gzip | HTML+CSS+JS+smallest photos |');
console.log('|---|---|---|---|---|---|---|');
for (const page of pages) {
  for (const care of [false, true]) {
    const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
    const tab = await context.newPage();
    const loaded = new Map();
    tab.on('response', async (response) => {
      try { loaded.set(response.url(), await response.body()); } catch { /* redirects have no body */ }
    });
    await tab.goto(`http://127.0.0.1:8799/${page}${care ? '#care' : ''}`, { waitUntil: 'networkidle' });
    const first = [...loaded.values()];
    const firstSent = first.reduce((n, b) => n + b.length, 0);
    const firstGzip = first.reduce((n, b) => n + gzipped(b), 0);
    await tab.evaluate(async () => {
      for (let y = 0; y < document.body.scrollHeight; y += 400) { window.scrollTo(0, y); await new Promise((r) => setTimeout(r, 60)); }
    });
    await tab.waitForLoadState('networkidle');
    const all = [...loaded.values()];
    const allSent = all.reduce((n, b) => n + b.length, 0);
    const allGzip = all.reduce((n, b) => n + gzipped(b), 0);
    console.log(`| /${page}${care ? ' (关怀版)' : ''} | ${first.length} | ${kb(firstSent)} KB | ${kb(firstGzip)} KB | ${kb(allSent)} KB | ${kb(allGzip)} KB | ${care ? '' : kb(staticCount(page)) + ' KB'} |`);
    await context.close();
  }
}
await browser.close();
server.close();
