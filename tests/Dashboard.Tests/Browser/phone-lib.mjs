// Shared by the volunteer phone app's browser scripts: chromium through playwright-core, a 360×740 phone, API helpers.
import { createRequire } from 'node:module';
import path from 'node:path';

export const env = process.env;
const require = createRequire(path.join(env.BOAI_ROOT, 'package.json'));
const { chromium } = require('playwright-core');

export const launch = () => chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

/** A phone: 360×740, Zhongshan's time zone, the browser's location at the test household. */
export const phone = (browser) => browser.newContext({
  viewport: { width: 360, height: 740 },
  timezoneId: 'Asia/Shanghai',
  geolocation: { latitude: 22.522, longitude: 113.385, accuracy: 15 },
  permissions: ['geolocation'],
});

/** Opens the app already signed in with a token (as a phone that signed in before). */
export async function openSignedIn(context, token, lang = 'zh-CN') {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('pageerror', e.message));
  await page.goto(env.BASE + '/volunteer/');
  await page.evaluate(([t, l]) => { localStorage.setItem('boai.token', t); localStorage.setItem('boai.lang', l); }, [token, lang]);
  await page.reload();
  return page;
}

export const api = (url, token, { method = 'GET', body } = {}) => fetch(env.BASE + url, {
  method,
  headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  body: body === undefined ? undefined : JSON.stringify(body),
}).then(async (r) => ({ status: r.status, body: r.headers.get('content-type')?.includes('json') ? await r.json() : null }));

/** Waits until the header says 待上传 (To upload) n. */
export const waitingIs = (page, n, timeout = 30000) =>
  page.waitForSelector(`[data-testid=outbox-count][data-count="${n}"]`, { timeout });

export async function shot(page, name) {
  if (!env.SHOT_DIR) return;
  await page.screenshot({ path: path.join(env.SHOT_DIR, `${name}.png`), fullPage: false });
}

/** Runs the scenario and prints one JSON line: what it saw, or error. */
export async function run(scenario) {
  const result = {};
  const browser = await launch();
  try {
    await scenario(browser, result);
  } catch (e) {
    result.error = String(e?.stack ?? e);
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(result));
}
