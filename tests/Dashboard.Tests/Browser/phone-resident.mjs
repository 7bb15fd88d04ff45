// A resident orders from the menu on the phone; the volunteer is offered it live and claims it with one tap; the
// resident sees who is coming; the volunteer checks in and out; the resident rates the visit.
import { api, env, openSignedIn, phone, run, shot, waitingIs } from './phone-lib.mjs';

await run(async (browser, result) => {
  const volunteerContext = await phone(browser);
  const volunteer = await openSignedIn(volunteerContext, env.VOLUNTEER_TOKEN);
  await volunteer.waitForSelector('[data-testid=today]');
  await volunteer.waitForSelector('html[data-live=connected]', { timeout: 20000 });

  const residentContext = await phone(browser);
  const resident = await openSignedIn(residentContext, env.RESIDENT_TOKEN);
  await resident.waitForSelector('[data-testid=order-form]', { timeout: 20000 });
  await shot(resident, 'resident-order-zh-CN');
  await resident.selectOption('[data-testid=order-item]', 'elderly-visit');
  await resident.fill('#windowStart', env.WINDOW_START);
  await resident.fill('#windowEnd', env.WINDOW_END);
  await resident.fill('#order-notes', '想有人陪我聊聊天');
  await resident.click('[data-testid=place-order]');
  const order = resident.locator('[data-testid=resident-order][data-status=open]');
  await order.waitFor({ timeout: 15000 });
  const orderId = await order.getAttribute('data-order-id');
  result.orderId = orderId;

  // Offered live: no reload on the volunteer's phone.
  const offer = volunteer.locator(`[data-testid=offer][data-order-id="${orderId}"]`);
  await offer.waitFor({ timeout: 15000 });
  result.offeredLive = true;
  result.banner = await volunteer.textContent('[data-testid=banner]');
  await shot(volunteer, 'phone-offer-zh-CN');
  await offer.locator('[data-testid=claim]').click();
  const taken = volunteer.locator(`[data-testid=taken-order][data-order-id="${orderId}"]`);
  await taken.waitFor({ timeout: 15000 });

  await resident.reload();
  const coming = resident.locator(`[data-testid=resident-order][data-order-id="${orderId}"] [data-testid=coming]`);
  await coming.waitFor({ timeout: 15000 });
  result.coming = await coming.textContent();

  await taken.locator('[data-testid=check-in]').click();
  await volunteer.waitForSelector('[data-testid=visit]');
  const visitId = await volunteer.getAttribute('[data-testid=visit]', 'data-visit-id');
  await volunteer.click('[data-testid=check-out]');
  await volunteer.waitForSelector('[data-testid=today]');
  await waitingIs(volunteer, 0);
  const visit = await api(`/api/v1/visits/${visitId}`, env.VOLUNTEER_TOKEN);
  result.visitStatus = visit.body.status;

  await resident.reload();
  const card = resident.locator(`[data-testid=resident-order][data-order-id="${orderId}"]`);
  await card.locator('[data-testid=rate-5]').waitFor({ timeout: 15000 });
  await shot(resident, 'resident-rate-zh-CN');
  await card.locator('[data-testid=rate-5]').click();
  await card.locator('[data-testid=rate-comment]').fill('很耐心，谢谢');
  await card.locator('[data-testid=rate-submit]').click();
  await resident.locator(`[data-testid=resident-order][data-order-id="${orderId}"] [data-testid=rated]`).waitFor({ timeout: 15000 });
  result.rated = await resident.textContent(`[data-testid=resident-order][data-order-id="${orderId}"] [data-testid=rated]`);
  await shot(resident, 'resident-rated-zh-CN');
  await resident.click('[data-testid=lang-toggle]');
  await resident.waitForFunction(() => document.querySelector('[data-testid=resident] h2')?.textContent.startsWith('My home'));
  await shot(resident, 'resident-rated-en');
  const record = await api(`/api/v1/volunteers/${env.VOLUNTEER}/me`, env.VOLUNTEER_TOKEN);
  result.averageRating = record.body.averageRating;
});
