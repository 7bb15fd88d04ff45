// A visit across the end of the access token (the test host's tokens live seconds): the check-out queued offline
// goes out once back online with a refreshed token, and a token the service refuses (401) is refreshed and the
// request tried again, without the sign-in screen.
import { api, env, phone, run, shot, waitingIs } from './phone-lib.mjs';

const claims = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());

await run(async (browser, result) => {
  const context = await phone(browser);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('pageerror', e.message));
  await page.goto(env.BASE + '/volunteer/');
  // Signed in as a phone is: an access token and the refresh token of its session.
  const session = await page.evaluate(async (sub) => {
    const response = await fetch('/api/v1/dev/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub, role: 'volunteer', refreshable: true }),
    });
    return response.json();
  }, env.VOLUNTEER);
  await page.evaluate(([t, r]) => {
    localStorage.setItem('boai.token', t);
    localStorage.setItem('boai.refresh', r);
    localStorage.setItem('boai.lang', 'zh-CN');
  }, [session.token, session.refreshToken]);
  await page.reload();
  await page.waitForSelector(`[data-testid=pairing][data-pairing-id="${env.PAIRING}"]`, { timeout: 20000 });

  await page.locator(`[data-testid=pairing][data-pairing-id="${env.PAIRING}"] [data-testid=check-in]`).click();
  await page.waitForSelector('[data-testid=visit]');
  result.visitId = await page.getAttribute('[data-testid=visit]', 'data-visit-id');
  await waitingIs(page, 0);

  await context.setOffline(true);
  await page.click('[data-testid=check-out]');
  await page.waitForSelector('[data-testid=today]');
  await waitingIs(page, 1);
  // The token the phone holds ends while it is offline.
  const held = await page.evaluate(() => localStorage.getItem('boai.token'));
  const endsAt = claims(held).exp * 1000;
  await page.waitForFunction((end) => Date.now() > end + 1000, endsAt, { timeout: 60000, polling: 250 });
  result.heldExpiredOffline = (await api(`/api/v1/volunteers/${env.VOLUNTEER}/hours`, held)).status;
  await shot(page, 'phone-refresh-offline-zh-CN');

  await context.setOffline(false);
  await waitingIs(page, 0, 60000);
  const after = await page.evaluate(() => [localStorage.getItem('boai.token'), localStorage.getItem('boai.refresh')]);
  result.tokenReplaced = after[0] !== held;
  result.refreshRotated = after[1] !== session.refreshToken;

  // A token the service refuses though it has not ended by its own claims: the 401 refreshes and the request goes again.
  await page.evaluate((t) => localStorage.setItem('boai.token', t), env.REFUSED_TOKEN);
  await page.click('[data-testid=tab-me]');
  await page.waitForFunction((t) => localStorage.getItem('boai.token') !== t, env.REFUSED_TOKEN, { timeout: 20000 });
  await page.waitForSelector('[data-testid=me]', { timeout: 20000 });
  result.signInShown = await page.locator('[data-testid=signin]').count();
  await shot(page, 'phone-refresh-me-zh-CN');
  await page.click('[data-testid=lang-toggle]');
  // The screen is drawn again in English once its data is in.
  await page.waitForFunction(() => document.documentElement.lang === 'en' && document.querySelector('[data-testid=me] button'), null, { timeout: 20000 });
  await shot(page, 'phone-refresh-me-en');
});
