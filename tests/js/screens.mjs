// Plays a lobby screen in headless Chromium in real time (a video plays on
// the media clock, which virtual time does not move), driven by
// playwright-core. It asserts nothing itself: it prints one JSON object of
// facts, and tests/integration/screens_week.rs says what they must be.
//
//   node tests/js/screens.mjs BROWSER PLAYER_URL
//
// The player is opened, given its service worker, reloaded (so the worker
// serves it and its video), played until a video has ended and the show
// moved on; then the network is cut, the page reloaded, and played again.
import { chromium } from 'playwright-core';

const [browserPath, url] = process.argv.slice(2);

const browser = await chromium.launch({
  executablePath: browserPath,
  args: ['--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required'],
});
const context = await browser.newContext({ viewport: { width: 1080, height: 1920 } });
const page = await context.newPage();

// What the player says about itself: its history and its kept status.
const facts = () => page.evaluate((key) => ({
  history: (document.body.getAttribute('data-history') || '').split(' ').filter(Boolean).map((entry) => {
    const at = entry.lastIndexOf('@');
    return { id: entry.slice(0, at), at: Number(entry.slice(at + 1)) };
  }),
  ended: Number(document.body.getAttribute('data-videos-ended') || 0),
  status: JSON.parse(localStorage.getItem(key) || 'null'),
  controlled: !!navigator.serviceWorker.controller,
}), 'linju-screen-status:video');

// Plays until a video has been shown and a later slide followed it.
async function playPastVideo(label) {
  await page.waitForFunction(() => {
    const history = (document.body.getAttribute('data-history') || '').split(' ');
    const video = history.findIndex((entry) => entry.startsWith('videos/clip/@'));
    return video >= 0 && video < history.length - 1;
  }, null, { timeout: 30000 }).catch(() => {});
  return { label, ...(await facts()) };
}

await page.goto(url);
await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15000 }).catch(() => {});
await page.reload();
const online = await playPastVideo('online');
await context.setOffline(true);
await page.reload().catch(() => {});
const offline = await playPastVideo('offline');
await browser.close();
console.log(JSON.stringify({ online, offline }));
