// Opens the editor `linju cms` wrote, as published with the site, in
// headless Chromium: what its login page shows and what it asked for.
// It asserts nothing itself: tests/integration/editor_browser.rs does.
//
//   node tests/js/git-editor.mjs BROWSER ADMIN_URL [SCREENSHOT]
import { chromium } from 'playwright-core';

const [browserPath, url, screenshot] = process.argv.slice(2);
const facts = { requests: [], errors: [] };
const browser = await chromium.launch({
  executablePath: browserPath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
page.on('pageerror', (e) => facts.errors.push(String(e.message || e)));
page.on('request', (r) => facts.requests.push(r.url()));
await page.goto(url);
try {
  await page.getByRole('button').first().waitFor({ timeout: 20000 });
  facts.buttons = await page.getByRole('button').allInnerTexts();
} catch (error) {
  facts.failure = String(error);
}
if (screenshot) await page.screenshot({ path: screenshot });
const origin = new URL(url).origin;
facts.elsewhere = facts.requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
delete facts.requests;
await browser.close();
console.log(JSON.stringify(facts));
