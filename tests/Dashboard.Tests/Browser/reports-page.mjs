// Opens the report page (/reports/) as a coordinator in Debian's chromium through playwright-core: waits for the
// monthly report, the city ranking and their charts, takes screenshots (zh-CN and English on a desktop, zh-CN on a
// 360x740 phone), and reports what it saw as one JSON line.
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

async function open(viewport, lang, month) {
  const context = await browser.newContext({ viewport });
  await context.addInitScript(([token, language]) => {
    sessionStorage.setItem('boai.token', token);
    localStorage.setItem('boai.lang', language);
  }, [env.COORDINATOR_TOKEN, lang]);
  const page = await context.newPage();
  const failures = [];
  page.on('pageerror', (e) => failures.push(String(e)));
  page.on('requestfailed', (r) => failures.push(`${r.url()} ${r.failure()?.errorText}`));
  await page.goto(`${env.BASE}/reports/?district=${env.DISTRICT}${month ? `&month=${month}` : ''}`);
  await page.waitForSelector('body[data-ready=true]', { timeout: 30000 });
  return { page, failures };
}

try {
  const { page, failures } = await open({ width: 1400, height: 1000 }, 'zh-CN');
  // A chart has drawn when Chart.js knows it and its canvas holds non-blank pixels.
  result.charts = await page.evaluate(() => ['chart-daily', 'chart-services', 'chart-city'].map((id) => {
    const canvas = document.getElementById(id);
    const chart = window.Chart.getChart(canvas);
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) inked++;
    return { id, points: chart ? chart.data.datasets[0].data.length : 0, inked };
  }));
  result.tiles = await page.locator('[data-testid=report-tiles] .tile').count();
  result.title = await page.locator('#monthly-title').textContent();
  result.rankingRows = await page.locator('[data-testid=city-ranking] tbody tr').count();
  result.visitsTile = await page.locator('[data-testid=report-tiles] .tile .value').first().textContent();
  await page.screenshot({ path: env.SHOT_ZH, fullPage: true });
  result.failures = failures;

  const english = await open({ width: 1400, height: 1000 }, 'en');
  result.englishTitle = await english.page.locator('#monthly-title').textContent();
  await english.page.screenshot({ path: env.SHOT_EN, fullPage: true });

  const phone = await open({ width: 360, height: 740 }, 'zh-CN');
  result.phoneOverflow = await phone.page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  await phone.page.screenshot({ path: env.SHOT_PHONE, fullPage: false });
  result.liveNote = await page.getAttribute('[data-testid=figures-note]', 'data-source');

  // A past month: coverage and satisfaction as kept at its end, or none when nobody kept them.
  const note = async (view) => ({ source: await view.getAttribute('[data-testid=figures-note]', 'data-source'), text: await view.textContent('[data-testid=figures-note]'), coverage: await view.locator('[data-testid=report-tiles] .tile .value').nth(5).textContent() });
  const kept = await open({ width: 1400, height: 1000 }, 'zh-CN', env.KEPT_MONTH);
  result.kept = await note(kept.page);
  await kept.page.screenshot({ path: env.SHOT_KEPT_ZH });
  const keptEn = await open({ width: 1400, height: 1000 }, 'en', env.KEPT_MONTH);
  result.keptEn = await note(keptEn.page);
  await keptEn.page.screenshot({ path: env.SHOT_KEPT_EN });
  const keptPhone = await open({ width: 360, height: 740 }, 'en', env.KEPT_MONTH);
  await keptPhone.page.evaluate(() => document.querySelector('[data-testid=figures-note]').scrollIntoView({ block: 'center' }));
  await keptPhone.page.screenshot({ path: env.SHOT_KEPT_PHONE });
  const unkept = await open({ width: 1400, height: 1000 }, 'zh-CN', env.UNKEPT_MONTH);
  result.unkept = await note(unkept.page);
} catch (e) {
  result.error = String(e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
