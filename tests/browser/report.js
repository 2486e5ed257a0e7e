// report.js: opens a file written by `sacred-run report` in headless Chromium with the network
// off (run by tests/e2e/t_dashboard.sh): the runs table lists REPORT_IDS, run RUN_ID draws its
// METRIC plot, compare overlays COMPARE_IDS, no console error. Exits 1 if a check failed.
'use strict';
const { chromium } = require('playwright-core');
const { check, until, inked, launch, failures } = require('./lib');

const env = process.env;

(async () => {
  const browser = await launch(chromium);
  const context = await browser.newContext({ offline: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [], asked = [];
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', e => errors.push(e.message));
  page.on('request', r => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) asked.push(r.url()); });
  const url = 'file://' + env.REPORT;
  try {
    await page.goto(url + '#/');
    await page.waitForSelector('#runs-table tbody tr');
    const ids = await page.$$eval('#runs-table tbody tr', t => t.map(r => r.dataset.id).join(' '));
    check(ids === env.REPORT_IDS, `the report lists runs ${env.REPORT_IDS} (${ids})`);
    await page.goto(url + `#/run/${env.RUN_ID}`);
    check(await until(async () => (await inked(page, env.METRIC)) > 200), `run ${env.RUN_ID} draws ${env.METRIC} offline`);
    await page.click('.tabs button[data-tab="Console"]');
    check(await until(async () => (await page.textContent('#console')).length > 0), 'the console text is in the report');
    await page.goto(url + `#/compare/${env.COMPARE_IDS}`);
    check(await until(async () => (await page.$eval(`.plot[data-metric="${env.METRIC}"]`, b => +b.dataset.series)) === 2),
      `compare overlays runs ${env.COMPARE_IDS}`);
    await page.screenshot({ path: `${env.SHOTS}/report.png`, fullPage: true });
  } catch (e) {
    check(false, 'the test ran through: ' + e.message);
  }
  check(asked.length === 0, `nothing asked from the network (${asked.join(' ')})`);
  check(errors.length === 0, `no console errors (${errors.join(' | ')})`);
  await browser.close();
  process.exit(failures() ? 1 : 0);
})();
