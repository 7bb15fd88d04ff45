// A volunteer signs in on the phone, sees today's visit, checks in and out with a service record; a coordinator's
// dashboard page shows the check-in and check-out live. Screens in zh-CN and English.
import { api, env, openSignedIn, phone, run, shot, waitingIs } from './phone-lib.mjs';

await run(async (browser, result) => {
  const desk = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const board = await desk.newPage();
  await board.goto(env.BASE + '/');
  await board.click('[data-testid=signin-coordinator]');
  await board.waitForSelector('[data-testid=connection-state][data-state=connected]', { timeout: 20000 });

  const context = await phone(browser);
  const page = await openSignedIn(context, env.VOLUNTEER_TOKEN);
  const due = page.locator(`[data-testid=pairing][data-pairing-id="${env.PAIRING}"][data-due=true]`);
  await due.waitFor({ timeout: 20000 });
  result.address = await due.locator('[data-testid=household-address]').textContent();
  result.checkInLabel = (await due.locator('[data-testid=check-in]').textContent()).trim();
  // No notification permission in the test browser: the due visit's reminder is the in-app banner.
  await page.waitForFunction(() => document.querySelector('[data-testid=banner]')?.textContent.includes('悦来社区'));
  result.dueReminder = await page.textContent('[data-testid=banner]');
  await shot(page, 'phone-today-zh-CN');

  await due.locator('[data-testid=check-in]').click();
  await page.waitForSelector('[data-testid=visit]');
  const visitId = await page.getAttribute('[data-testid=visit]', 'data-visit-id');
  result.visitId = visitId;
  await waitingIs(page, 0);
  await board.waitForSelector(`[data-testid=feed-item][data-visit-id="${visitId}"]`, { timeout: 15000 });
  result.boardSawCheckIn = true;
  await page.waitForFunction(() => document.querySelector('[data-testid=timer]')?.textContent !== '00:00:00', null, { timeout: 5000 });
  result.timerRuns = true;
  await shot(page, 'phone-visit-zh-CN');

  await page.check('[data-testid=observation-mood]');
  await page.fill('input[name=note-mood]', '老人最近情绪低落');
  await page.fill('[data-testid=notes]', '陪聊一小时');
  result.checkOutLabel = (await page.textContent('[data-testid=check-out]')).trim();
  await page.click('[data-testid=check-out]');
  await page.waitForSelector('[data-testid=today]');
  await waitingIs(page, 0);
  await board.waitForSelector(`[data-testid=feed-item][data-visit-id="${visitId}"][data-kind=checkOut]`, { timeout: 15000 });
  result.boardSawCheckOut = true;
  await board.waitForSelector('[data-testid=toast][data-kind=error]:has-text("情绪")', { timeout: 15000 });
  result.boardSawAttention = true;
  await shot(board, "board-attention-zh-CN");

  const visit = await api(`/api/v1/visits/${visitId}`, env.VOLUNTEER_TOKEN);
  result.status = visit.body.status;
  result.services = visit.body.services;
  const record = await api(`/api/v1/visits/${visitId}/record`, env.VOLUNTEER_TOKEN);
  result.observations = record.body.observations.map((o) => o.kind);

  // A visit older than 72 h is refused: the phone tells the volunteer to ask their coordinator for 补录.
  await page.evaluate(async ([householdId, needId]) => {
    const outbox = await import('/volunteer/js/outbox.js');
    const at = new Date(Date.now() - 73 * 3600 * 1000).toISOString();
    await outbox.enqueue({ kind: 'checkIn', visitId: `old-${Date.now()}`, body: { householdId, needId, at } });
  }, [env.HOUSEHOLD, env.NEED]);
  await page.click('[data-testid=tab-outbox]');
  await page.waitForSelector('[data-testid=outbox-item][data-state=tooOld] [data-testid=ask-backfill]', { timeout: 15000 });
  result.tooOld = await page.textContent('[data-testid=ask-backfill]');
  await page.waitForSelector('[data-testid=outbox-item][data-state=done]');
  await shot(page, 'phone-outbox-zh-CN');
  await page.click('[data-testid=tab-me]');
  await page.waitForSelector(`[data-testid=recent-visit][data-visit-id="${visitId}"]`);
  await shot(page, 'phone-me-zh-CN');

  // The same screens in English.
  await page.click('[data-testid=lang-toggle]');
  await page.waitForFunction(() => document.querySelector('[data-testid=me] h2')?.textContent === 'Me');
  result.englishCount = await page.textContent('[data-testid=outbox-count]');
  await shot(page, 'phone-me-en');
  await page.click('[data-testid=tab-today]');
  await page.waitForSelector('[data-testid=pairing]');
  await shot(page, 'phone-today-en');
  await page.setViewportSize({ width: 1280, height: 800 });
  await shot(page, 'phone-today-desktop-en');
  await page.setViewportSize({ width: 360, height: 740 });
  await page.click('[data-testid=tab-outbox]');
  await shot(page, 'phone-outbox-en');
  await page.click('[data-testid=tab-visit]');
  await shot(page, 'phone-no-visit-en');
  await page.evaluate(() => localStorage.removeItem('boai.token'));
  await page.reload();
  await page.waitForSelector('[data-testid=signin]');
  await shot(page, 'phone-signin-en');
  await page.click('[data-testid=lang-toggle]');
  await shot(page, 'phone-signin-zh-CN');
});
