// Reads what a station page says about being open at given moments, in
// headless Chromium driven by playwright-core, with the page's clock fixed
// at each moment. It asserts nothing itself: it prints one JSON object,
// {moment: {text, open, hidden}}, and tests/integration/opening_hours.rs
// says what it must be.
//
//   node tests/js/opening.mjs BROWSER URL MOMENT... [--shot FILE]
//
// MOMENT is milliseconds since 1970. The browser runs in New York's time
// zone, so the page has to work in the site's zone, not the phone's.
import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
const shotAt = args.indexOf('--shot');
const shot = shotAt >= 0 ? args.splice(shotAt, 2)[1] : null;
const [browserPath, url, ...moments] = args;

const browser = await chromium.launch({
  executablePath: browserPath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const facts = {};
try {
  for (const moment of moments) {
    const context = await browser.newContext({
      timezoneId: 'America/New_York',
      viewport: { width: 360, height: 800 },
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    await page.clock.setFixedTime(Number(moment));
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => {
      const e = document.querySelector('.open-status');
      return e && !e.hidden;
    }, null, { timeout: 5000 }).catch(() => {});
    facts[moment] = await page.evaluate(() => {
      const e = document.querySelector('.open-status');
      return {
        text: e ? e.textContent : null,
        open: e ? e.classList.contains('is-open') : null,
        hidden: e ? e.hidden : null,
      };
    });
    if (shot && moment === moments[0]) {
      await page.locator('.station-facts').screenshot({ path: shot });
    }
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(facts));
