// Offline: check in, add a photo and check out with no network, reload while offline (the service worker serves the
// app, the outbox survives), then back online: the outbox uploads, exactly one visit with its photo on the server.
import { api, env, openSignedIn, phone, run, shot, waitingIs } from './phone-lib.mjs';

await run(async (browser, result) => {
  const context = await phone(browser);
  const page = await openSignedIn(context, env.VOLUNTEER_TOKEN);
  // The service worker must control the page before the network goes. A page that loaded while the worker was still
  // installing stays uncontrolled (clients.claim only takes pages that exist when it runs): the next load is controlled.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  if (!(await page.evaluate(() => navigator.serviceWorker.controller !== null))) await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20000 });
  await page.waitForSelector('[data-testid=pairing]', { timeout: 20000 });
  const image = await page.screenshot({ type: 'png' });

  await context.setOffline(true);
  await page.locator(`[data-testid=pairing][data-pairing-id="${env.PAIRING}"] [data-testid=check-in]`).click();
  await page.waitForSelector('[data-testid=visit]');
  const visitId = await page.getAttribute('[data-testid=visit]', 'data-visit-id');
  result.visitId = visitId;
  await page.setInputFiles('[data-testid=photo-input]', { name: 'door.png', mimeType: 'image/png', buffer: image });
  await page.waitForSelector('[data-testid=photo-thumb]');
  await shot(page, 'phone-visit-offline-zh-CN');
  await page.click('[data-testid=check-out]');
  await page.waitForSelector('[data-testid=today]');
  await waitingIs(page, 1);
  result.waitingOffline = await page.textContent('[data-testid=outbox-count]');

  const reload = await page.reload();
  result.reloadFromServiceWorker = reload?.fromServiceWorker() ?? false;
  await waitingIs(page, 1);
  await page.click('[data-testid=tab-outbox]');
  await page.waitForSelector('[data-testid=outbox-item]');
  result.kindsAfterReload = await page.$$eval('[data-testid=outbox-item]', (items) => items.map((i) => `${i.dataset.kind}:${i.dataset.state}`));
  await shot(page, 'phone-outbox-offline-zh-CN');
  await page.click('[data-testid=lang-toggle]');
  await shot(page, 'phone-outbox-offline-en');

  // Back online with a token the service no longer accepts (expired): nothing is lost, the outbox waits for a sign-in.
  await page.evaluate((token) => localStorage.setItem('boai.token', token), env.REFUSED_TOKEN);
  await context.setOffline(false);
  await page.waitForSelector('[data-testid=signin-expired]', { timeout: 30000 });
  result.waitingWhileSignedOut = await page.getAttribute('[data-testid=outbox-count]', 'data-count');
  await shot(page, 'phone-signin-expired-en');
  await page.fill('#token', env.VOLUNTEER_TOKEN);
  await page.click('[data-testid=signin] button[type=submit]');
  await waitingIs(page, 0, 60000);
  const visit = await api(`/api/v1/visits/${visitId}`, env.VOLUNTEER_TOKEN);
  result.status = visit.body.status;
  const record = await api(`/api/v1/visits/${visitId}/record`, env.VOLUNTEER_TOKEN);
  result.photos = record.body.photos.length;
  const photo = await fetch(`${env.BASE}/api/v1/visits/${visitId}/photos/${record.body.photos[0].photoId}`, { headers: { authorization: `Bearer ${env.VOLUNTEER_TOKEN}` } });
  result.photoType = photo.headers.get('content-type');
  const hours = await api(`/api/v1/volunteers/${env.VOLUNTEER}/hours`, env.VOLUNTEER_TOKEN);
  result.visitsOnServer = hours.body.visits;
});
