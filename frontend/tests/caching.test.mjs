// Fresh files after an upgrade: a page the browser has cached is revalidated (a 304 while unchanged), and a
// new version of a file it loads reaches it on the next visit. The Java side passes where the served
// files are (target/classes/META-INF/resources); this test changes one and puts it back.
// Run: PARLEY_STATIC_ROOT=... node tests/caching.test.mjs http://127.0.0.1:8080
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, utimesSync } from 'node:fs';
import { launch, baseUrl } from './browser.mjs';

const base = baseUrl();
const file = `${process.env.PARLEY_STATIC_ROOT}/css/chat.css`;
const original = readFileSync(file);
const browser = await launch();
try {
  const page = await (await browser.newContext()).newPage();
  const seen = [];
  page.on('response', async (r) => {
    if (r.url().endsWith('/css/chat.css')) seen.push({ status: r.status(), ifNoneMatch: (await r.request().allHeaders())['if-none-match'] });
  });
  const version = () => page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--parley-test-version').trim());

  await page.goto(`${base}/`);
  await page.waitForLoadState('networkidle');
  assert.equal(seen[0].status, 200);
  assert.equal(await version(), '');

  // unchanged: the browser keeps its copy but asks (If-None-Match) and gets a 304
  await page.reload();
  await page.waitForLoadState('networkidle');
  assert.ok(seen[1].ifNoneMatch, 'the cached stylesheet is revalidated, not used blindly');
  assert.equal(seen[1].status, 304);

  // a new version (an upgrade): the next visit gets it, no cache clearing needed
  writeFileSync(file, Buffer.concat([original, Buffer.from('\n:root { --parley-test-version: 2; }\n')]));
  const later = new Date(Date.now() + 2000);
  utimesSync(file, later, later);
  await page.reload();
  await page.waitForLoadState('networkidle');
  assert.equal(seen[2].status, 200);
  assert.equal(await version(), '2');
  console.log('caching: revalidated with a 304, then the new version arrived OK');
} finally {
  writeFileSync(file, original);
  await browser.close();
}
