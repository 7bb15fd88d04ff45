// Drives the coordinator's workspace in Debian's chromium through playwright-core: a household survey with its
// field errors, a need, a suggested pairing; the certification queue; a district card following live events.
// Screenshots of each new screen in zh-CN and English, desktop and phone. Input through environment variables;
// prints one JSON line with what it saw.
import { createRequire } from 'node:module';
import path from 'node:path';

const env = process.env;
const require = createRequire(path.join(env.BOAI_ROOT, 'package.json'));
const { chromium } = require('playwright-core');

const call = (method, url, body) => fetch(env.BASE + url, {
  method,
  headers: { 'content-type': 'application/json', authorization: `Bearer ${env.TOKEN}` },
  body: body === undefined ? undefined : JSON.stringify(body),
}).then(async (r) => ({ status: r.status, body: await r.json().catch(() => null) }));
const shots = env.SHOTS;
const result = { shots: [] };
const wait = { timeout: 20000 };
const diagnostics = [];
const started = new Map();
let failurePage = null;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

async function shot(page, name) {
  const file = path.join(shots, `${name}.png`);
  await page.screenshot({ path: file });
  result.shots.push(file);
}

async function setLang(page, lang) {
  const now = await page.evaluate(() => document.documentElement.lang);
  if (now !== lang) {
    // A modal dialog makes the header inert to the pointer: the test switches the language behind it.
    await page.evaluate(() => document.querySelector('[data-testid=lang-toggle]').click());
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
  }
}

try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript((token) => sessionStorage.setItem('boai.token', token), env.TOKEN);
  const page = await context.newPage();
  // What the page met, for a failure's message: its errors, API answers that failed, and API calls slower than 5 s.
  page.on('pageerror', (e) => diagnostics.push(`page error: ${e.message}`));
  page.on('request', (r) => started.set(r, Date.now()));
  page.on('requestfailed', (r) => diagnostics.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) diagnostics.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  page.on('requestfinished', (r) => {
    const ms = Date.now() - (started.get(r) ?? Date.now());
    started.delete(r);
    if (ms > 5000) diagnostics.push(`slow (${ms} ms): ${r.method()} ${r.url()}`);
  });
  failurePage = page;
  await page.goto(env.BASE + '/');
  await page.waitForSelector('[data-testid=connection-state][data-state=connected]', wait);
  await page.waitForSelector(`[data-testid=district-card][data-district-id=${env.CARD_DISTRICT}]`, wait);

  // 1. A district card's coverage follows live events: the card shows the uncovered need, then its pairing.
  const coverage = `[data-testid=district-card][data-district-id=${env.CARD_DISTRICT}] [data-field=coverage]`;
  await page.waitForFunction((s) => document.querySelector(s)?.dataset.value === '0', coverage, wait);
  const paired = await call('POST', '/api/v1/pairings', { volunteerId: env.CARD_VOLUNTEER, householdId: env.CARD_HOUSEHOLD, needId: env.CARD_NEED });
  if (paired.status !== 201) throw new Error(`pairing for the card: ${paired.status}`);
  await page.waitForFunction((s) => document.querySelector(s)?.dataset.value === '1', coverage, wait);
  result.cardCoverageFollowed = true;

  // 2. 入户调查: the page's own rules first, then the API's problem+json beside its field.
  await page.click('[data-testid=open-survey]');
  await page.waitForSelector('[data-testid=survey-form]', wait);
  await page.selectOption('[data-testid=survey-district]', env.SURVEY_DISTRICT);
  const householdId = await page.inputValue('[data-testid=survey-id]');
  await page.fill('[data-testid=survey-community]', '沙溪社区');
  await page.fill('[data-testid=survey-address]', '沙溪路 8 号');
  await page.selectOption('[data-testid=survey-risk]', 'high');
  result.cadenceHint = await page.textContent('[data-testid=survey-cadence]');
  await page.click('[data-testid=survey-save]');
  await page.waitForSelector('[data-error-for="members[0].name"]:not([hidden])', wait);
  result.clientErrors = await page.$$eval('[data-error-for]:not([hidden])', (els) => els.map((e) => e.dataset.errorFor));
  await shot(page, 'survey-errors-zh');

  await page.fill('[data-testid=member-name]', '黄伯');
  await page.fill('[data-testid=member-age]', '83');
  await page.check('[data-testid=member-flag-livesAlone]');
  await page.check('[data-testid=member-flag-noFamily]');
  await page.click('[data-testid=survey-add-contact]');
  await page.fill('[data-path="contacts[0].name"]', '黄女士');
  await page.fill('[data-path="contacts[0].relation"]', '女儿');
  await page.fill('[data-path="contacts[0].phone"]', '13700001111');
  // A catalogue category the server no longer has (a stale page): only the API knows, and says so beside the field.
  await page.evaluate(() => {
    const select = document.querySelector('[data-testid=survey-category]');
    select.add(new Option('retired', 'retired-category'));
    select.value = 'retired-category';
  });
  await page.click('[data-testid=survey-save]');
  await page.waitForSelector('[data-error-for="category"]:not([hidden])', wait);
  result.serverError = await page.textContent('[data-error-for="category"]');
  await page.selectOption('[data-testid=survey-category]', 'elderly');
  await page.click('[data-testid=survey-save]');
  await page.waitForSelector('[data-testid=need-form]', wait);
  result.householdId = householdId;

  // A need from the catalogue: it starts uncovered and reaches the live list.
  await page.selectOption('[data-testid=need-item]', 'elderly-visit');
  await page.selectOption('[data-testid=need-frequency]', 'weekly');
  await page.fill('[data-testid=need-priority]', '4');
  await page.click('[data-testid=need-add]');
  await page.waitForSelector('[data-testid=survey-need][data-covered=false]', wait);
  const needId = await page.getAttribute('[data-testid=survey-need]', 'data-need-id');
  result.needId = needId;
  await page.waitForFunction((id) => id in window.boaiState.uncovered, needId, wait);
  await page.locator('[data-testid=survey-needs]').evaluate((element) => element.scrollIntoView({ block: 'nearest' }));
  await shot(page, 'survey-zh');
  await setLang(page, 'en');
  await shot(page, 'survey-en');
  await page.setViewportSize({ width: 360, height: 740 });
  await shot(page, 'survey-phone-en');
  await setLang(page, 'zh-CN');
  await shot(page, 'survey-phone-zh');
  await page.setViewportSize({ width: 1400, height: 900 });

  // Pair the suggested volunteer: the need leaves the uncovered list, live.
  await page.click('[data-testid=survey-pair]');
  await page.waitForSelector(`[data-testid=suggestion][data-volunteer-id="${env.SURVEY_VOLUNTEER}"]`, wait);
  await page.click(`[data-testid=suggestion][data-volunteer-id="${env.SURVEY_VOLUNTEER}"] [data-testid=accept-suggestion]`);
  await page.waitForFunction((id) => !(id in window.boaiState.uncovered), needId, wait);
  await page.waitForSelector(`[data-testid=survey-need][data-need-id="${needId}"][data-covered=true]`, wait);
  result.needCovered = true;
  await page.keyboard.press('Escape');

  // 3. 待认证: two visits certified from the queue; the volunteer's hours change.
  await page.selectOption('[data-testid=certify-district]', env.CERTIFY_DISTRICT);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=pending-visit]').length === 2, null, wait);
  result.pendingCount = await page.textContent('[data-testid=certify-count]');
  await page.locator('[data-testid=certify-panel]').evaluate((element) => element.scrollIntoView({ block: 'nearest' }));
  await shot(page, 'certify-zh');
  await page.click('[data-testid=pending-visit] [data-testid=open-record]');
  await page.waitForSelector('[data-testid=visit-record]', wait);
  await shot(page, 'visit-record-zh');
  await page.keyboard.press('Escape');
  await setLang(page, 'en');
  await shot(page, 'certify-en');
  await setLang(page, 'zh-CN');

  const openVolunteer = `[data-testid=drill-volunteers] tr[data-id="${env.CERTIFY_VOLUNTEER}"] [data-testid=open-volunteer]`;
  const hoursOf = async ({ holdPairings = false } = {}) => {
    // Held: the district's pairings arrive only once the volunteers' table shows, and the row shown stays the same
    // element (the table is not built again for another tab's rows, which could swallow a click on it).
    let release = () => {};
    const pairingsPath = `/api/v1/districts/${env.CERTIFY_DISTRICT}/pairings`;
    const held = (url) => url.pathname === pairingsPath;
    if (holdPairings) {
      const gate = new Promise((resolve) => { release = resolve; });
      await page.route(held, async (route) => { await gate; await route.continue(); });
    }
    await page.evaluate((id) => document.querySelector(`[data-testid=district-card][data-district-id=${id}] .card-link`).click(), env.CERTIFY_DISTRICT);
    await page.click('[data-testid=drill-tab-volunteers]');
    await page.waitForSelector(openVolunteer, wait);
    if (holdPairings) {
      const row = await page.$(openVolunteer);
      const before = await page.textContent('[data-testid=drill-tab-pairings]');
      release();
      await page.waitForFunction((text) => document.querySelector('[data-testid=drill-tab-pairings]').textContent !== text, before, wait);
      result.drillRowKept = await row.evaluate((element) => element.isConnected);
      await page.unroute(held);
    }
    await page.click(openVolunteer);
    await page.waitForSelector('[data-testid=volunteer-hours]', wait);
    const text = await page.textContent('[data-testid=volunteer-hours]');
    return text;
  };
  result.hoursBefore = await hoursOf({ holdPairings: true });
  await shot(page, 'volunteer-zh');
  await setLang(page, 'en');
  await shot(page, 'volunteer-en');
  await setLang(page, 'zh-CN');
  await page.keyboard.press('Escape');
  await page.click('[data-testid=drill-tab-pairings]');
  await page.waitForSelector('[data-testid=drill-pairings]', wait);
  await shot(page, 'pairings-zh');
  await setLang(page, 'en');
  await shot(page, 'pairings-en');
  await setLang(page, 'zh-CN');

  // 服务队: the shape, the matrix, and a member added from the page.
  await page.click('[data-testid=drill-tab-teams]');
  await page.waitForSelector('[data-testid=team-matrix]', wait);
  result.teamShape = await page.textContent('[data-testid=team-shape]');
  result.matrixBoth = await page.evaluate(() => String(Math.max(...[...document.querySelectorAll('[data-testid=team-matrix] td')].map((td) => Number(td.dataset.both)))));
  await page.locator('[data-testid=team][data-team-id=t-shenwan-west] [data-testid=team-member-add]').click();
  await page.waitForSelector('[data-testid=team][data-team-id=t-shenwan-west] .member-chip', wait);
  await shot(page, 'teams-zh');
  await setLang(page, 'en');
  await shot(page, 'teams-en');
  await setLang(page, 'zh-CN');
  await page.keyboard.press('Escape');

  await page.click('[data-testid=certify-select-all]');
  await page.click('[data-testid=certify-selected]');
  await page.waitForFunction(() => document.querySelector('[data-testid=certify-count]')?.textContent === '0', null, wait);
  result.hoursAfter = await hoursOf();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');

  // 补录: the API alone knows a future time is refused, and says so beside the field; then a real back-fill.
  await page.click('[data-testid=backfill] summary');
  await page.waitForSelector('[data-testid=backfill-form]', wait);
  const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  const inFuture = new Date(Date.now() + 3 * 86400000);
  await page.fill('[data-testid=backfill-in]', local(inFuture));
  await page.fill('[data-testid=backfill-out]', local(new Date(inFuture.getTime() + 3600000)));
  await page.fill('[data-testid=backfill-reason]', '手机没电，纸质签到表补录');
  await page.click('[data-testid=backfill-submit]');
  await page.waitForSelector('[data-testid=backfill-form] [data-error-for="checkedInAt"]:not([hidden])', wait);
  result.backfillServerError = await page.textContent('[data-testid=backfill-form] [data-error-for="checkedInAt"]');
  await page.locator('[data-testid=backfill-form]').evaluate((element) => element.scrollIntoView({ block: 'nearest' }));
  await shot(page, 'backfill-zh');
  const dayAgo = new Date(Date.now() - 86400000);
  await page.fill('[data-testid=backfill-in]', local(dayAgo));
  await page.fill('[data-testid=backfill-out]', local(new Date(dayAgo.getTime() + 2 * 3600000)));
  await page.click('[data-testid=backfill-submit]');
  await page.waitForSelector('[data-testid=backfill-form]', { state: 'detached', ...wait });
  result.backfilled = true;

  // Over the cap (10 h): recorded, but it waits in the queue for a second coordinator (四眼原则).
  await page.click('[data-testid=backfill] summary');
  await page.waitForSelector('[data-testid=backfill-form]', wait);
  const twoDaysAgo = new Date(Date.now() - 2 * 86400000);
  await page.fill('[data-testid=backfill-in]', local(twoDaysAgo));
  await page.fill('[data-testid=backfill-out]', local(new Date(twoDaysAgo.getTime() + 10 * 3600000)));
  await page.fill('[data-testid=backfill-reason]', '外出活动，纸质记录补录');
  await page.click('[data-testid=backfill-submit]');
  await page.waitForSelector('[data-testid=backfill-form]', { state: 'detached', ...wait });
  result.backfillToast = await page.textContent('[data-testid=toast]:last-child').catch(() => null);
  await page.waitForSelector('[data-testid=pending-visit] [data-testid=second-approval]', wait);
  result.backfillHeld = await page.textContent('[data-testid=pending-visit] [data-testid=second-approval]');
  await page.locator('[data-testid=certify-panel]').evaluate((element) => element.scrollIntoView({ block: 'nearest' }));
  await shot(page, 'backfill-held-zh');
  await setLang(page, 'en');
  await shot(page, 'backfill-held-en');
  await page.setViewportSize({ width: 360, height: 740 });
  await page.locator('[data-testid=pending-visit] [data-testid=second-approval]').evaluate((element) => element.scrollIntoView({ block: 'nearest' }));
  await shot(page, 'backfill-held-phone-en');
  await page.setViewportSize({ width: 1400, height: 900 });
  await setLang(page, 'zh-CN');

  // The queue drawn again (a visit selected; a live reload draws it the same way) leaves the back-fill form alone:
  // never taken out of the page, so a click on it is not lost, and what is typed stays.
  await page.click('[data-testid=backfill] summary');
  await page.waitForSelector('[data-testid=backfill-form]', wait);
  await page.fill('[data-testid=backfill-reason]', '尚未提交的补录原因');
  await page.evaluate(() => {
    const panel = document.querySelector('[data-testid=certify-panel]');
    const backfill = panel.querySelector('[data-testid=backfill]');
    window.boaiBackfillRemoved = false;
    new MutationObserver((records) => {
      if (records.some((r) => [...r.removedNodes].some((node) => node === backfill || node.contains?.(backfill)))) window.boaiBackfillRemoved = true;
    }).observe(panel, { childList: true, subtree: true });
    panel.querySelector('[data-testid=pending-visit] [data-testid=pending-select]').click();
  });
  await page.waitForFunction(() => /1/.test(document.querySelector('[data-testid=certify-selected]').textContent), null, wait);
  result.backfillKept = await page.evaluate(() => !window.boaiBackfillRemoved && document.querySelector('[data-testid=backfill-reason]').value === '尚未提交的补录原因');
  await page.evaluate(() => document.querySelector('[data-testid=pending-visit] [data-testid=pending-select]').click());
  await page.click('[data-testid=backfill] summary');

  await page.click('[data-testid=open-volunteer-form]');
  await page.waitForSelector('[data-testid=volunteer-form]', wait);
  await page.selectOption('[data-testid=volunteer-status]', 'left');
  await page.click('[data-testid=volunteer-save]');
  await page.waitForSelector('[data-error-for="statusReason"]:not([hidden])', wait);
  result.volunteerErrors = await page.$$eval('[data-error-for]:not([hidden])', (els) => els.map((e) => e.dataset.errorFor));
  await shot(page, 'volunteer-new-zh');
  await page.setViewportSize({ width: 360, height: 740 });
  await page.keyboard.press('Escape');
  await page.locator('[data-testid=certify-panel]').evaluate((element) => element.scrollIntoView({ block: 'nearest' }));
  await shot(page, 'certify-phone-zh');
} catch (e) {
  if (failurePage) {
    await failurePage.screenshot({ path: path.join(shots, 'failure.png') }).catch(() => {});
    const toasts = await failurePage.$$eval('[data-testid=toast]', (all) => all.map((t) => t.textContent)).catch(() => []);
    diagnostics.push(...toasts.map((t) => `toast: ${t}`));
    diagnostics.push(...[...started.entries()].map(([r, at]) => `unanswered after ${Date.now() - at} ms: ${r.method()} ${r.url()}`));
  }
  result.error = `${e} | seen: ${JSON.stringify(diagnostics)}`;
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
