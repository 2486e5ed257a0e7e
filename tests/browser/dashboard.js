// dashboard.js: the browser test of `sacred-run serve`, run by tests/e2e/t_dashboard.sh (which
// makes the storages, starts the servers and passes what to expect in the environment). Drives
// Debian's Chromium headless with playwright-core; prints one line per check, exits 1 if any failed.
'use strict';
const { chromium } = require('playwright-core');
const { check, until, inked, launch, failures } = require('./lib');
const { spawn } = require('child_process');
const fs = require('fs');

const env = process.env;
const expect = JSON.parse(env.EXPECT_STATUS);
const expectSample = JSON.parse(env.EXPECT_SAMPLE);
const rowsOf = page => page.$$eval('#runs-table tbody tr', trs => trs.map(t => [t.dataset.id, t.dataset.status]));
const ids = async page => (await rowsOf(page)).map(r => r[0]).join(' ');

const plotData = (page, metric) => page.$eval(`.plot[data-metric="${metric}"]`, b => ({
  points: +(b.dataset.points || 0), total: +(b.dataset.total || 0), series: +(b.dataset.series || 0) }));

async function runsTable(page) {
  await page.goto(env.DASH_URL + '#/');
  await page.evaluate(() => { window.__noReload = 1; });
  await page.waitForSelector('#runs-table tbody tr');
  const rows = Object.fromEntries(await rowsOf(page));
  for (const [id, st] of Object.entries(expect)) check(rows[id] === st, `run ${id} listed as ${st} (got ${rows[id]})`);
  check(Object.keys(rows).length === Object.keys(expect).length, `every run listed once (${Object.keys(rows)})`);

  const before = await ids(page);
  await page.click('#runs-table th[data-col="id"]');
  await until(async () => page.$('#runs-table th.sorted-asc[data-col="id"]'));
  await page.click('#runs-table th[data-col="id"]');
  await until(async () => page.$('#runs-table th.sorted-desc[data-col="id"]'));
  const desc = await until(async () => { const s = await ids(page); return s.startsWith(String(Math.max(...Object.keys(expect).map(Number)))) && s; });
  check(desc && desc === before.split(' ').sort((a, b) => b - a).join(' '), `sorting by id descending (${desc})`);

  await page.fill('#filter-where', env.FILTER);
  await page.press('#filter-where', 'Enter');
  const filtered = await until(async () => { const s = await ids(page); return s.split(' ').sort().join(' ') === env.FILTER_IDS && s; });
  check(filtered, `config filter '${env.FILTER}' keeps runs ${env.FILTER_IDS} (${await ids(page)})`);
  await page.fill('#filter-where', '');
  await page.press('#filter-where', 'Enter');
  await until(async () => (await rowsOf(page)).length === Object.keys(expect).length);

  await page.goto(env.DASH_URL + '#/sweep/1');
  const points = await until(async () => { const s = await ids(page); return s.split(' ').sort().join(' ') === env.SWEEP_IDS && s; });
  check(points && await page.inputValue('#filter-sweep') === '1', `#/sweep/1 lists the points of sweep 1: runs ${env.SWEEP_IDS} (${await ids(page)})`);
  await page.fill('#filter-sweep', '');
  await page.press('#filter-sweep', 'Enter');
  await until(async () => (await rowsOf(page)).length === Object.keys(expect).length);

  await page.click(`#runs-table tr[data-id="${env.TAG_ID}"] td[data-col="tags"] .editable`);
  await page.fill(`#runs-table tr[data-id="${env.TAG_ID}"] td[data-col="tags"] input`, 'best, keep');
  await page.press(`#runs-table tr[data-id="${env.TAG_ID}"] td[data-col="tags"] input`, 'Enter');
  const saved = await until(async () => {
    const r = JSON.parse(fs.readFileSync(`${env.DASH_STORAGE}/${env.TAG_ID}/run.json`, 'utf8'));
    return JSON.stringify((r.omniboard || {}).tags) === '["best","keep"]';
  });
  check(saved, 'a tag edit is stored in run.json (omniboard.tags)');
  const chips = await until(async () => (await page.$$eval(`#runs-table tr[data-id="${env.TAG_ID}"] .tag`, t => t.map(x => x.textContent))).join() === 'best,keep');
  check(chips, 'the edited tags show in the table');
  await page.click('#columns');
  await page.click('.chooser label:has-text("max(loss)") input');
  const col = await until(async () => (await page.$$eval('#runs-table tr[data-id="1"] td[data-col="max(loss)"]', t => t.map(x => x.textContent))).join() === '0.51');
  check(col, 'the column chooser adds max(loss) (0.51 for run 1)');
  await page.screenshot({ path: `${env.SHOTS}/runs.png`, fullPage: true });
}

async function liveRun(page) {
  const live = spawn(env.SR, JSON.parse(env.LIVE_ARGS), { stdio: 'ignore' });
  const done = new Promise(r => live.on('exit', r));
  await page.goto(env.DASH_URL + '#/');
  const seen = await until(async () => (await rowsOf(page)).some(([id, st]) => id === env.LIVE_ID && st === 'RUNNING'), 15000);
  check(seen, `a run started during the test appears as RUNNING without a reload (run ${env.LIVE_ID})`);
  await page.goto(env.DASH_URL + `#/run/${env.LIVE_ID}`);
  const first = await until(async () => { const d = await plotData(page, 'loss'); return d.total > 0 && d; }, 15000);
  const grown = first && await until(async () => (await plotData(page, 'loss')).total > first.total, 15000);
  check(first && grown, `the live run's plot grows without a reload (${first && first.total} -> ${grown && (await plotData(page, 'loss')).total} points)`);
  check(await page.evaluate(() => window.__noReload === 1), 'the page was never reloaded');
  return done;
}

async function runPage(page) {
  await page.goto(env.DASH_URL + `#/run/${env.RUN_ID}`);
  const drawn = await until(async () => (await plotData(page, 'loss')).points > 0 && (await inked(page, 'loss')) > 200);
  check(drawn, `run ${env.RUN_ID}'s loss plot is drawn (non-empty canvas)`);
  await page.click('.tabs button[data-tab="Console"]');
  const text = await until(async () => (await page.textContent('#console')).includes(env.CONSOLE_TEXT));
  check(text, `run ${env.RUN_ID}'s console shows '${env.CONSOLE_TEXT}'`);
  await page.click('.tabs button[data-tab="Metrics"]');
  await page.goto(env.DASH_URL + `#/run/${env.COMBINE_RUN}`);
  await page.waitForSelector('.plot[data-metric="loss"]');
  for (const m of env.COMBINE.split(',')) await page.check(`.toolbar input[value="${m}"]`);
  await page.click('text=plot together');
  await page.check('.toolbar label:has-text("log scale") input');
  const together = env.COMBINE.split(',').join(' + ');
  const both = await until(async () => (await plotData(page, together)).series === 2 && (await inked(page, together)) > 200);
  check(both, `two metrics on one plot (${together}), log scale`);
  await page.screenshot({ path: `${env.SHOTS}/run.png`, fullPage: true });
}

async function comparePage(page) {
  await page.goto(env.DASH_URL + `#/compare/${env.COMPARE_IDS}`);
  const both = await until(async () => (await plotData(page, 'loss')).series === 2 && (await inked(page, 'loss')) > 200);
  check(both, `compare overlays runs ${env.COMPARE_IDS} on one loss plot`);
  const differs = await until(async () => (await page.$$('#config-diff tr.differs')).length > 0);
  check(differs, 'compare marks the config differences');
  await until(async () => (await page.$$('#diffs pre.diff, #diffs p')).length > 0);
  await page.screenshot({ path: `${env.SHOTS}/compare.png`, fullPage: true });
}

async function xssRun(page, dialogs) {
  await page.goto(env.DASH_URL + `#/run/${env.XSS_ID}`);
  await page.click('.tabs button[data-tab="Console"]');
  const shown = await until(async () => (await page.textContent('#console')).includes('<script>alert(1)</script>'));
  check(shown, 'the XSS run\'s output shows as text');
  await page.click('.tabs button[data-tab="Config"]');
  const cfg = await until(async () => (await page.textContent('main')).includes('"><img src=x onerror=alert(1)>'));
  check(cfg, 'the XSS run\'s config value shows as text');
  await page.goto(env.DASH_URL + '#/');
  await page.waitForSelector(`#runs-table tr[data-id="${env.XSS_ID}"]`);
  await page.waitForTimeout(500);
  check(await page.$$eval('img', i => i.length) === 0, 'no <img> was made from run content');
  check(dialogs.length === 0, `no dialog opened (${dialogs.join(', ')})`);
}

async function sample(page) {
  await page.goto(env.SAMPLE_URL + '#/');
  await page.waitForSelector('#runs-table tbody tr');
  const rows = Object.fromEntries(await rowsOf(page));
  check(JSON.stringify(rows) === JSON.stringify(expectSample), `the Sacred sample lists ${JSON.stringify(rows)}`);
  await page.goto(env.SAMPLE_URL + '#/run/5');
  check(await until(async () => (await inked(page, 'training.loss')) > 200), 'the Sacred sample run 5 draws training.loss');
  await page.goto(env.SAMPLE_URL + '#/run/8');
  check(await until(async () => (await page.textContent('h1')).includes('QUEUED')), 'the Sacred sample run 8 (no start, no cout.txt) opens');
}

(async () => {
  const browser = await launch(chromium);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [], dialogs = [];
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', e => errors.push(e.message));
  page.on('dialog', d => { dialogs.push(d.message()); d.dismiss(); });
  try {
    await runsTable(page);
    const live = liveRun(page);
    await (await live);
    await runPage(page);
    await comparePage(page);
    await xssRun(page, dialogs);
    await sample(page);
  } catch (e) {
    check(false, 'the test ran through: ' + e.message);
  }
  check(errors.length === 0, `no console errors (${errors.join(' | ')})`);
  await browser.close();
  process.exit(failures() ? 1 : 0);
})();
