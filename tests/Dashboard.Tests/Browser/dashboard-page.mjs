// Drives the dashboard page in Debian's chromium through playwright-core (pinned in the repo's package.json).
// Input through environment variables; prints one JSON line with what it saw.
import { createRequire } from 'node:module';
import path from 'node:path';

const env = process.env;
const require = createRequire(path.join(env.BOAI_ROOT, 'package.json'));
const { chromium } = require('playwright-core');

const post = (url, token, body) => fetch(env.BASE + url, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  body: JSON.stringify(body),
}).then(r => r.status);
const location = { lat: 22.522, lng: 113.385, accuracyM: 15 };
const result = {};
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  // Keeps every socket the page opens, so the test can drop the hub connection as a network failure would.
  await context.addInitScript(() => {
    const Native = window.WebSocket;
    window.__sockets = [];
    window.WebSocket = class extends Native {
      constructor(...args) {
        super(...args);
        window.__sockets.push(this);
      }
    };
  });
  const page = await context.newPage();
  await page.goto(env.BASE + '/');
  await page.click('[data-testid=signin-operator]');
  await page.waitForSelector('[data-testid=connection-state][data-state=connected]', { timeout: 20000 });
  await page.waitForSelector('[data-testid=district-card]');
  result.districtCards = await page.locator('[data-testid=district-card]').count();

  result.checkIn = await post(`/api/v1/visits/${env.VISIT1}/check-in`, env.VOLUNTEER_TOKEN, { householdId: env.HOUSEHOLD, needId: env.NEED, at: new Date().toISOString(), location });
  await page.waitForSelector(`[data-testid=feed-item][data-visit-id="${env.VISIT1}"]`, { timeout: 10000 });
  result.feedShowedCheckIn = true;

  // Drop the hub connection: the page goes offline, changes happen, then it comes back.
  await page.route('**/hubs/dashboard/negotiate**', route => route.abort());
  await page.evaluate(() => window.__sockets.forEach(socket => socket.close(4000, 'dropped by the test')));
  await page.waitForSelector('[data-testid=connection-state]:not([data-state=connected])', { timeout: 20000 });
  result.sawDisconnect = true;
  result.checkOut = await post(`/api/v1/visits/${env.VISIT1}/check-out`, env.VOLUNTEER_TOKEN, { at: new Date().toISOString(), location, services: ['elderly-visit'], notes: '' });
  await page.unroute('**/hubs/dashboard/negotiate**');
  await page.waitForSelector('[data-testid=connection-state][data-state=connected]', { timeout: 60000 });
  await page.evaluate(() => window.boaiDebug.refresh());

  const token = await page.evaluate(() => sessionStorage.getItem('boai.token'));
  const rest = await fetch(env.BASE + '/api/v1/districts', { headers: { authorization: `Bearer ${token}` } }).then(r => r.json());
  const state = await page.evaluate(() => window.boaiState);
  const fields = ['households', 'openNeeds', 'uncoveredNeeds', 'activeVisits', 'checkInsToday'];
  result.mismatches = rest.flatMap(d => fields
    .filter(f => state.districts[d.districtId]?.[f] !== d[f])
    .map(f => `${d.districtId}.${f}: page ${state.districts[d.districtId]?.[f]} rest ${d[f]}`));
  await page.screenshot({ path: env.SHOT });
} catch (e) {
  result.error = String(e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
