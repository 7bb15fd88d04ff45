// Drives the district plan view in Debian's chromium through playwright-core: opens the plan of one district as its
// coordinator would, clicks "accept all", and reports what the page showed. Input through environment variables;
// prints one JSON line.
import { createRequire } from 'node:module';
import path from 'node:path';

const env = process.env;
const require = createRequire(path.join(env.BOAI_ROOT, 'package.json'));
const { chromium } = require('playwright-core');

const result = {};
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript((token) => sessionStorage.setItem('boai.token', token), env.COORDINATOR_TOKEN);
  const page = await context.newPage();
  await page.goto(env.BASE + '/');
  await page.waitForSelector('[data-testid=connection-state][data-state=connected]', { timeout: 20000 });
  await page.waitForSelector('[data-testid=uncovered-row]', { timeout: 20000 });

  await page.click('[data-testid=plan-open]');
  await page.selectOption('[data-testid=plan-district]', env.DISTRICT);
  await page.waitForSelector('[data-testid=plan-proposal]', { timeout: 20000 });
  result.proposals = await page.locator('[data-testid=plan-proposal]').count();
  result.proposedNeeds = await page.locator('[data-testid=plan-proposal]').evaluateAll(rows => rows.map(r => r.dataset.needId));
  result.acceptLabel = await page.locator('[data-testid=plan-accept-all]').textContent();

  await page.click('[data-testid=plan-accept-all]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=plan-proposal] [data-status=created]').length > 0, null, { timeout: 20000 });
  result.created = await page.locator('[data-testid=plan-proposal] [data-status=created]').count();
  await page.locator('[data-testid=plan-proposal]').first().locator('details summary').click();
  await page.screenshot({ path: env.SHOT });

  // The needs leave the uncovered list (the page's own answer, then the hub's needCovered).
  const needs = JSON.parse(env.NEEDS);
  await page.waitForFunction((ids) => ids.every(id => !(id in window.boaiState.uncovered)), needs, { timeout: 20000 });
  result.leftUncoveredList = true;
} catch (e) {
  result.error = String(e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
