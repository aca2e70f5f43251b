// Writes a story through the editor at /admin/ as a staff member would, in
// headless Chromium driven by playwright-core: open the address `serve`
// printed, log in, open 身边的奋斗者, try to publish with a required field
// empty, fill the form, upload a photo as the cover, type the text with a
// broken link and have linju refuse it, fix it, put a second photo in the
// text, and publish. It asserts nothing itself: it prints one JSON object of facts,
// and tests/integration/editor_browser.rs says what they must be.
//
//   node tests/js/editor.mjs BROWSER EDITOR_URL PHOTO SECOND_PHOTO [SCREENSHOT_DIR]
//
// With SCREENSHOT_DIR, it saves the screens a writers' guide shows.
import { chromium } from 'playwright-core';

const [browserPath, editorUrl, photo, secondPhoto, shots] = process.argv.slice(2);
const facts = { requests: [], failedRequests: [], errors: [], errorsOnSaving: [] };

const browser = await chromium.launch({
  executablePath: browserPath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
page.setDefaultTimeout(20000);
// Decap rejects a refused save with an unhandled promise; only errors
// outside the refusals count.
let errors = facts.errors;
page.on('pageerror', (e) => errors.push(String(e.stack || e.message || e).slice(0, 400)));
page.on('request', (r) => facts.requests.push(r.url()));
page.on('requestfailed', (r) => facts.failedRequests.push(r.url()));
const shot = async (name) => {
  if (shots) await page.screenshot({ path: `${shots}/${name}.png` });
};

// Uploads `file` in the open media dialog and chooses it.
const upload = async (file) => {
  const chooser = page.waitForEvent('filechooser');
  await page.getByText('上传').first().click();
  await (await chooser).setFiles(file);
  await page.getByText(file.split('/').pop()).first().waitFor();
};

try {
  await page.goto(editorUrl);
  facts.addressAfterOpening = page.url();
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('link', { name: '身边的奋斗者' }).first().waitFor();
  await shot('editor-home');
  await page.getByRole('link', { name: '身边的奋斗者' }).first().click();
  await page.getByRole('link', { name: /新建|身边的奋斗者/ }).last().click();
  await page.getByLabel('标题', { exact: true }).waitFor();

  // Publishing with the required name empty: the form refuses.
  errors = [];
  await page.getByLabel('标题', { exact: true }).fill('周海：修车铺里的手艺人');
  await page.getByRole('button', { name: '发布' }).click();
  await page.getByText('立即发布').click();
  await page.waitForTimeout(500);
  facts.refusedInForm = await page.locator('[class*="ControlErrorsList"], ul li').allInnerTexts();
  await shot('editor-refused');

  await page.getByLabel('人物姓名').fill('周海');
  await page.getByLabel('职业或身份').fill('小区门口的修车师傅');

  // The community: a choice of the site's communities.
  await page.locator('#community-field-label, [id^="community-field"]').first().scrollIntoViewIfNeeded();
  await page.getByLabel('所属社区').click({ force: true });
  facts.communityChoices = await page.locator('[class*="-option"]').allInnerTexts();
  await page.locator('[class*="-option"]', { hasText: '听湖社区' }).first().click();

  // The cover: upload a photo through the media dialog.
  await page.getByRole('button', { name: '选择图片' }).first().click();
  await upload(photo);
  await shot('editor-media');
  await page.getByRole('button', { name: '选用已选中项目' }).click();
  facts.coverShown = await page.locator('img[src^="blob:"], img[src*="shop"]').count();

  await page.getByLabel('封面照片说明').fill('周海在修车铺前给自行车打气');
  // The text, in the Markdown view, first with a link to a page that
  // does not exist: linju's own check refuses it with the build's message.
  await page.getByText('Markdown', { exact: true }).locator('xpath=..').getByRole('switch').click();
  const body = page.locator('[data-slate-editor="true"]').last();
  await body.click();
  await page.keyboard.type('周海在小区门口修了十五年自行车，见[停水通知](@/notices/nowhere.md)。');
  await page.waitForTimeout(300);
  errors = [];
  await page.getByRole('button', { name: '发布' }).click();
  await page.getByText('立即发布').click();
  const refusal = page.getByText(/站内链接/).first();
  await refusal.waitFor();
  facts.refusedBySite = await refusal.innerText();
  await page.waitForTimeout(300);
  await shot('editor-refused-by-site');

  await body.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('周海在小区门口修了十五年自行车，老人的轮椅坏了，他不收钱。');

  // The second photo, in the text: back to the rich text view, 添加组件 → 照片.
  await page.getByText('Markdown', { exact: true }).locator('xpath=..').getByRole('switch').click();
  await page.locator('[data-slate-editor="true"]').last().click();
  await page.keyboard.press('Control+End');
  // The switch re-mounts the editor; a click on 添加组件 while it does so
  // opens nothing, so the menu is opened until it shows (at most 5 tries).
  const photoItem = page.getByRole('menuitem', { name: '照片' });
  for (let tries = 0; tries < 5 && !(await photoItem.isVisible()); tries += 1) {
    await page.waitForTimeout(500);
    await page.getByTitle('添加组件').click();
    await photoItem.waitFor({ timeout: 3000 }).catch(() => {});
  }
  facts.components = await page.locator('[role="menu"]').last().innerText().catch(() => '');
  await photoItem.click();
  await page.getByRole('button', { name: '选择图片' }).last().click();
  await upload(secondPhoto);
  await page.getByRole('button', { name: '选用已选中项目' }).click();
  await page.getByLabel('照片说明').last().fill('中秋夜，楼下挂满了灯笼');
  await page.waitForTimeout(300);
  await shot('editor-form');

  errors = facts.errorsOnSaving;
  await page.getByRole('button', { name: '发布' }).click();
  await page.getByText('立即发布').click();
  await page.waitForURL(/entries/);
  await page.waitForTimeout(500);
  facts.addressAfterSaving = page.url();
  await shot('editor-saved');

  // On a phone: the form fits the screen (no sideways scrolling).
  await page.setViewportSize({ width: 360, height: 800 });
  await page.goto(new URL('#/collections/stories/new', editorUrl).href);
  await page.getByLabel('标题', { exact: true }).waitFor();
  await page.waitForTimeout(300);
  facts.phoneScrollWidth = await page.evaluate(() => document.scrollingElement.scrollWidth);
  facts.phoneTitleFieldWidth = await page.getByLabel('标题', { exact: true }).evaluate((e) => e.getBoundingClientRect().right);
  await shot('editor-phone');
} catch (error) {
  facts.failure = String(error);
  await shot('editor-failure');
}
facts.cdnRequests = facts.requests.filter((u) => !u.startsWith(new URL(editorUrl).origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
delete facts.requests;
await browser.close();
console.log(JSON.stringify(facts));
