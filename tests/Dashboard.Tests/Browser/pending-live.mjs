// Two coordinators' pages on the same district's 待认证 queue: the phone app's photos open from the queue; when one
// coordinator certifies, the other's count drops live, and a phone's check-out that lands pending raises both; the
// suggestions dialog says who the training gate left out. Screenshots in zh-CN and English, desktop and phone.
// Input through environment variables; prints one JSON line with what it saw.
import { createRequire } from 'node:module';
import path from 'node:path';

const env = process.env;
const require = createRequire(path.join(env.BOAI_ROOT, 'package.json'));
const { chromium } = require('playwright-core');

const wait = { timeout: 20000 };
const result = { shots: [] };
const call = (token, method, url, body) => fetch(env.BASE + url, {
  method,
  headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  body: body === undefined ? undefined : JSON.stringify(body),
}).then(async (r) => ({ status: r.status, body: await r.json().catch(() => null) }));

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

async function shot(page, name) {
  const file = path.join(env.SHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  result.shots.push(file);
}

async function setLang(page, lang) {
  if ((await page.evaluate(() => document.documentElement.lang)) !== lang) {
    await page.evaluate(() => document.querySelector('[data-testid=lang-toggle]').click());
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
  }
}

async function open(token, viewport) {
  const context = await browser.newContext({ viewport });
  await context.addInitScript((t) => sessionStorage.setItem('boai.token', t), token);
  const page = await context.newPage();
  await page.goto(env.BASE + '/');
  await page.waitForSelector('[data-testid=connection-state][data-state=connected]', wait);
  await page.waitForSelector('[data-testid=certify-district]', wait);
  await page.selectOption('[data-testid=certify-district]', env.DISTRICT);
  // Marks this document: a reload would lose it, so the count below is proven to follow without one.
  await page.evaluate(() => { window.notReloaded = true; });
  return page;
}

const count = (page) => page.textContent('[data-testid=certify-count]');
const countIs = (page, n) => page.waitForFunction((v) => document.querySelector('[data-testid=certify-count]')?.textContent === v, String(n), wait);

try {
  const visits = env.VISITS.split(',');
  // The phone app stores a real photo (drawn here, as the phone's camera would give one) for the first visit.
  const easel = await browser.newPage();
  const png = await easel.evaluate(async () => {
    const canvas = Object.assign(document.createElement('canvas'), { width: 320, height: 240 });
    const g = canvas.getContext('2d');
    g.fillStyle = '#2f7d5b';
    g.fillRect(0, 0, 320, 240);
    g.fillStyle = '#ffffff';
    g.font = '28px sans-serif';
    g.fillText('探访照片 photo', 40, 130);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
    return [...new Uint8Array(await blob.arrayBuffer())];
  });
  const put = await fetch(`${env.BASE}/api/v1/visits/${visits[0]}/photos/door`, {
    method: 'PUT',
    headers: { 'content-type': 'image/png', authorization: `Bearer ${env.PHONE_TOKEN}` },
    body: new Uint8Array(png),
  });
  if (put.status !== 201) throw new Error(`photo upload: ${put.status}`);
  await easel.close();

  const a = await open(env.TOKEN_A, { width: 1400, height: 900 });
  const b = await open(env.TOKEN_B, { width: 1400, height: 900 });

  // The district may hold other tests' visits: the counts below are relative to what both pages first show.
  await a.waitForSelector(`[data-testid=pending-visit][data-visit-id="${visits[1]}"]`, wait);
  await b.waitForSelector(`[data-testid=pending-visit][data-visit-id="${visits[1]}"]`, wait);
  const first = Number(await count(a));
  await countIs(b, first);
  result.countBefore = first;

  // The queue counts the photo; it opens from the row.
  const photosButton = `[data-testid=pending-visit][data-visit-id="${visits[0]}"] [data-testid=open-photos]`;
  await a.waitForSelector(photosButton, wait);
  result.photoCount = await a.getAttribute(photosButton, 'data-photos');
  await a.locator('[data-testid=certify-panel]').evaluate((element) => element.scrollIntoView({ block: 'nearest' }));
  await shot(a, 'queue-photos-zh');
  await a.click(photosButton);
  await a.waitForFunction(() => document.querySelector('[data-testid=visit-photo]')?.naturalWidth > 0, null, wait);
  result.photoWidth = await a.evaluate(() => document.querySelector('[data-testid=visit-photo]').naturalWidth);
  await shot(a, 'visit-photos-zh');
  await setLang(a, 'en');
  await shot(a, 'visit-photos-en');
  await a.keyboard.press('Escape');
  await shot(a, 'queue-photos-en');
  await setLang(a, 'zh-CN');

  // Coordinator B certifies one: A's count drops without a reload.
  await b.click(`[data-testid=pending-visit][data-visit-id="${visits[1]}"] [data-testid=pending-select]`);
  await b.click('[data-testid=certify-selected]');
  await countIs(b, first - 1);
  await countIs(a, first - 1);
  await a.waitForFunction((id) => !document.querySelector(`[data-testid=pending-visit][data-visit-id="${id}"]`), visits[1], wait);
  result.countAfterCertify = Number(await count(a));

  // A phone's check-out that lands pending raises both.
  const at = Date.now();
  const visitId = `live-${at.toString(36)}`;
  const checkIn = await call(env.PHONE_TOKEN, 'POST', `/api/v1/visits/${visitId}/check-in`, {
    householdId: env.HOUSEHOLD, needId: env.NEED, at: new Date(at - 40 * 60000).toISOString(), location: { lat: 22.52, lng: 113.39, accuracyM: 10 },
  });
  if (checkIn.status !== 201) throw new Error(`check-in: ${checkIn.status} ${JSON.stringify(checkIn.body)}`);
  const checkOut = await call(env.PHONE_TOKEN, 'POST', `/api/v1/visits/${visitId}/check-out`, {
    at: new Date(at - 5 * 60000).toISOString(), location: { lat: 22.52, lng: 113.39, accuracyM: 10 }, services: ['elderly-visit'], notes: '聊天',
  });
  if (checkOut.status !== 200) throw new Error(`check-out: ${checkOut.status}`);
  await countIs(a, first);
  await countIs(b, first);
  result.countAfterCheckOut = Number(await count(a));
  result.notReloaded = await a.evaluate(() => window.notReloaded === true);

  // The suggestions of a training-gated need: those left out, and why.
  await a.waitForSelector(`[data-testid=uncovered-row][data-need-id="${env.ESCORT_NEED}"] [data-testid=suggest-button]`, wait);
  await a.click(`[data-testid=uncovered-row][data-need-id="${env.ESCORT_NEED}"] [data-testid=suggest-button]`);
  await a.waitForSelector('[data-testid=suggest-excluded]', wait);
  await a.click('[data-testid=suggest-excluded-summary]');
  result.excludedSummary = await a.textContent('[data-testid=suggest-excluded-summary]');
  result.excludedRows = await a.locator('[data-testid=suggest-excluded-volunteer]').allTextContents();
  await shot(a, 'suggestions-excluded-zh');
  await setLang(a, 'en');
  result.excludedSummaryEn = await a.textContent('[data-testid=suggest-excluded-summary]');
  await shot(a, 'suggestions-excluded-en');
  await setLang(a, 'zh-CN');
  await a.keyboard.press('Escape');

  // The phone viewport: the queue with its photo button, the photos, the excluded list.
  const phone = await open(env.TOKEN_A, { width: 360, height: 740 });
  await phone.waitForSelector(photosButton, wait);
  // The queue renders again as its data arrives: scroll to whichever row is there now.
  await phone.evaluate((s) => document.querySelector(s).scrollIntoView({ block: 'center' }), photosButton);
  await shot(phone, 'queue-photos-phone-zh');
  await phone.click(photosButton);
  await phone.waitForFunction(() => document.querySelector('[data-testid=visit-photo]')?.naturalWidth > 0, null, wait);
  await phone.evaluate(() => document.querySelector('[data-testid=visit-photos]').scrollIntoView({ block: 'center' }));
  await shot(phone, 'visit-photos-phone-zh');
  await setLang(phone, 'en');
  await shot(phone, 'visit-photos-phone-en');
  await phone.keyboard.press('Escape');
  await phone.click(`[data-testid=uncovered-row][data-need-id="${env.ESCORT_NEED}"] [data-testid=suggest-button]`);
  await phone.waitForSelector('[data-testid=suggest-excluded]', wait);
  await phone.click('[data-testid=suggest-excluded-summary]');
  await phone.evaluate(() => document.querySelector('[data-testid=suggest-excluded]').scrollIntoView({ block: 'center' }));
  await shot(phone, 'suggestions-excluded-phone-en');
  await setLang(phone, 'zh-CN');
  await shot(phone, 'suggestions-excluded-phone-zh');
} catch (error) {
  result.error = String(error?.stack ?? error);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
