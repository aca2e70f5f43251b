// Measures what care mode (关怀版) and read-aloud (朗读) do to real pages in
// headless Chromium, driven by playwright-core. It asserts nothing itself:
// it prints one JSON object of facts, and tests/integration/care.rs says
// what they must be.
//
//   node tests/js/care.mjs BROWSER BASE_URL PAGE OTHER_PAGE
//
// PAGE and OTHER_PAGE are paths under BASE_URL (a story page and the home
// page, say); OTHER_PAGE is where the choice must still hold.
import { chromium } from 'playwright-core';

const [browserPath, base, pagePath, otherPath] = process.argv.slice(2);
const url = (path) => new URL(path, base).href;

// Facts about the page as it is now, computed inside it.
function measure() {
  const luminance = (rgb) => {
    const [r, g, b] = rgb.map((c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const rgba = (text) => (text.match(/[\d.]+/g) || []).map(Number);
  const background = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const visible = (e) => {
    const box = e.getBoundingClientRect();
    const style = getComputedStyle(e);
    return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && box.right > 0 && box.left < innerWidth;
  };
  const label = (e) => `${e.tagName.toLowerCase()}.${e.className || ''} "${(e.textContent || e.value || '').trim().slice(0, 20)}"`;

  // Body text: the first paragraph of the page's text.
  const paragraph = document.querySelector('.prose p') || document.querySelector('main p');
  const style = getComputedStyle(paragraph);
  const fontSize = parseFloat(style.fontSize);
  const lineHeight = style.lineHeight === 'normal' ? 1.2 : parseFloat(style.lineHeight) / fontSize;

  // The lowest contrast of any text in <main> and the header.
  let lowest = { ratio: 99, element: '' };
  for (const e of document.querySelectorAll('main *, .site-header *')) {
    const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !visible(e)) continue;
    const fg = luminance(rgba(getComputedStyle(e).color).slice(0, 3));
    const bg = luminance(background(e));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    if (ratio < lowest.ratio) lowest = { ratio, element: label(e) };
  }

  // Tap targets outside running text.
  const targets = [...document.querySelectorAll('a, button, input, select')]
    .filter((e) => visible(e) && !e.closest('.prose, .search-snippet, .card-summary, .lead') && !e.classList.contains('skip-link'));
  const smallest = targets.reduce((min, e) => {
    const box = e.getBoundingClientRect();
    const size = Math.min(box.width, box.height);
    return size < min.size ? { size, element: label(e) } : min;
  }, { size: 9999, element: '' });

  const cards = document.querySelector('.cards');
  const columns = cards ? getComputedStyle(cards).gridTemplateColumns.split(' ').length : null;
  const moving = [...document.querySelectorAll('*')].filter((e) => {
    const s = getComputedStyle(e);
    return (s.animationName !== 'none' && parseFloat(s.animationDuration) > 0) || parseFloat(s.transitionDuration) > 0;
  }).length;
  const shown = (selector) => {
    const e = document.querySelector(selector);
    return Boolean(e && visible(e));
  };
  const reader = document.querySelector('[data-read-aloud]');
  return {
    care: document.documentElement.classList.contains('care') || location.hash === '#care',
    fontSize,
    lineHeight,
    contrast: lowest,
    smallestTarget: smallest,
    targets: targets.length,
    columns,
    moving,
    enterShown: shown('.care-enter'),
    exitShown: shown('.care-exit'),
    exitHref: document.querySelector('.care-exit')?.getAttribute('href'),
    reader: reader ? { hidden: reader.hidden, state: reader.getAttribute('data-state'), status: reader.querySelector('[data-read-status]')?.textContent } : null,
    visibleReadButtons: reader ? [...reader.querySelectorAll('button')].filter((b) => !b.hidden).map((b) => b.textContent) : [],
  };
}

// A speech synthesis that records what it is asked, with the given voices.
function fakeSpeech(langs) {
  const calls = [];
  const listeners = [];
  const synth = {
    getVoices: () => langs.map((lang) => ({ lang, name: `voice ${lang}`, default: false, localService: true, voiceURI: lang })),
    speak: (u) => calls.push({ speak: u.text, lang: u.lang, voice: u.voice && u.voice.lang }),
    pause: () => calls.push({ pause: true }),
    resume: () => calls.push({ resume: true }),
    cancel: () => calls.push({ cancel: true }),
    addEventListener: (name, f) => listeners.push(f),
    speaking: false,
    paused: false,
  };
  Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
  window.__speech = calls;
}

async function focusOutline(page) {
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  return page.evaluate(() => {
    const e = document.activeElement;
    return { element: e.tagName + '.' + e.className, width: parseFloat(getComputedStyle(e).outlineWidth) || 0 };
  });
}

const browser = await chromium.launch({
  executablePath: browserPath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
const report = {};
try {
  const phone = { viewport: { width: 360, height: 800 }, deviceScaleFactor: 1 };

  // Standard mode, then the switch, then another page: the choice holds.
  let context = await browser.newContext(phone);
  let page = await context.newPage();
  await page.goto(url(pagePath));
  report.standard = await page.evaluate(measure);
  report.standardFocus = await focusOutline(page);
  await page.click('.care-enter');
  report.switched = await page.evaluate(measure);
  report.careFocus = await focusOutline(page);
  await page.goto(url(otherPath));
  report.otherPage = await page.evaluate(measure);
  report.stored = await page.evaluate(() => localStorage.getItem('linju-care'));
  await page.click('.care-exit');
  report.switchedBack = await page.evaluate(measure);
  await page.goto(url(pagePath));
  report.backOnFirst = await page.evaluate(measure);
  await context.close();

  // A wide screen in care mode: still one column.
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  await page.goto(url(otherPath) + '#care');
  report.wideCare = await page.evaluate(measure);
  await context.close();

  // Without JavaScript: the link to #care is care mode, the way back a link.
  context = await browser.newContext({ ...phone, javaScriptEnabled: false });
  page = await context.newPage();
  await page.goto(url(pagePath));
  report.noScriptStandard = await measureWithoutScript(page);
  await page.click('.care-enter');
  report.noScriptCare = await measureWithoutScript(page);
  report.noScriptUrl = page.url();
  await context.close();

  // Asked for more contrast and less motion by the system.
  context = await browser.newContext({ ...phone, contrast: 'more', reducedMotion: 'reduce' });
  page = await context.newPage();
  await page.goto(url(pagePath));
  report.moreContrast = await page.evaluate(measure);
  await context.close();

  // Read aloud with a Chinese voice: start, pause, resume, stop.
  context = await browser.newContext(phone);
  await context.addInitScript(fakeSpeech, ['en-US', 'zh-CN']);
  page = await context.newPage();
  await page.goto(url(pagePath));
  const reading = { before: await page.evaluate(measure) };
  await page.click('[data-read="start"]');
  reading.speaking = await page.evaluate(measure);
  await page.click('[data-read="pause"]');
  reading.paused = await page.evaluate(measure);
  await page.click('[data-read="resume"]');
  reading.resumed = await page.evaluate(measure);
  await page.click('[data-read="stop"]');
  reading.stopped = await page.evaluate(measure);
  reading.calls = await page.evaluate(() => window.__speech);
  reading.menu = await page.evaluate(() => [...document.querySelectorAll('.site-nav a, .site-footer a, .breadcrumb a')].map((a) => a.textContent.trim()));
  report.reading = reading;
  await context.close();

  // Only an English voice, and no speech at all: no button.
  for (const [name, langs] of [['englishOnly', ['en-US']], ['noSpeech', null]]) {
    context = await browser.newContext(phone);
    if (langs) {
      await context.addInitScript(fakeSpeech, langs);
    } else {
      await context.addInitScript(() => { Object.defineProperty(window, 'speechSynthesis', { value: undefined, configurable: true }); });
    }
    page = await context.newPage();
    await page.goto(url(pagePath));
    report[name] = await page.evaluate(measure);
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));

// With JavaScript off, page.evaluate still runs (it is the driver's, not the
// page's), so the same measurements apply.
async function measureWithoutScript(page) {
  return page.evaluate(measure);
}
