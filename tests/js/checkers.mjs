// Runs the checkers residents' pages must pass, on pages of a served site,
// each page as it is and in care mode (`#care`), and prints one JSON
// object of what they found. It judges nothing itself:
// tests/integration/checkers.rs says what must hold.
//
//   node tests/js/checkers.mjs axe BROWSER BASE_URL PAGE...
//     axe-core 4 (WCAG 2.0/2.1 A and AA rules) in Chromium through
//     playwright-core: {"PAGE MODE": [violations]}
//   node tests/js/checkers.mjs lighthouse BROWSER BASE_URL PAGE...
//     Lighthouse 12, mobile preset (simulated slow 4G and a 4x slower CPU):
//     {"PAGE MODE": {"scores": {...}, "failing": [...]}}
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const [tool, browserPath, base, ...pages] = process.argv.slice(2);
const modes = [['standard', ''], ['care', '#care']];
const address = (page, hash) => new URL(page, base).href + hash;
const require = createRequire(import.meta.url);

async function axe() {
  const { chromium } = await import('playwright-core');
  const source = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const browser = await chromium.launch({
    executablePath: browserPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const found = {};
  try {
    const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
    const page = await context.newPage();
    for (const path of pages) {
      for (const [mode, hash] of modes) {
        await page.goto(address(path, ''));
        if (hash) {
          await page.goto(address(path, hash));
        }
        await page.addScriptTag({ content: source });
        const result = await page.evaluate(() => window.axe.run(document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
        }));
        found[`${path} ${mode}`] = result.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary}`),
        }));
      }
    }
  } finally {
    await browser.close();
  }
  return found;
}

async function lighthouse() {
  const { default: run } = await import('lighthouse');
  const chromeLauncher = await import('chrome-launcher');
  const chrome = await chromeLauncher.launch({
    chromePath: browserPath,
    chromeFlags: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const found = {};
  try {
    for (const path of pages) {
      for (const [mode, hash] of modes) {
        const result = await run(address(path, hash), {
          port: chrome.port,
          output: 'json',
          logLevel: 'error',
          onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'],
        });
        const lhr = result.lhr;
        const scores = Object.fromEntries(Object.entries(lhr.categories).map(([k, v]) => [k, v.score]));
        const failing = Object.values(lhr.audits)
          .filter((a) => a.score !== null && a.score < 1 && ['binary', 'numeric', 'metricSavings'].includes(a.scoreDisplayMode))
          .map((a) => `${a.id} ${a.score} ${a.displayValue || ''}`.trim());
        found[`${path} ${mode}`] = { scores, failing, runtimeError: lhr.runtimeError ? lhr.runtimeError.message : null };
      }
    }
  } finally {
    await chrome.kill();
  }
  return found;
}

const tools = { axe, lighthouse };
if (!tools[tool]) {
  console.error(`unknown checker ${tool}: axe or lighthouse`);
  process.exit(2);
}
console.log(JSON.stringify(await tools[tool]()));
