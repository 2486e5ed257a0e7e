// bench-dashboard.js: the browser half of bench-dashboard.py. Opens one page of a running
// `sacred-run serve` in Debian's Chromium headless (playwright-core from tests/browser) and
// prints one JSON line of what it measured. MODE=plots: time until every plot of the run
// page is drawn, and the bytes of each plot request. MODE=live: for each point a running
// program prints (its times in POINTS_FILE), how long until the page's plot shows it.
'use strict';
const path = require('path');
module.paths.push(path.join(__dirname, '..', 'tests', 'browser', 'node_modules'));
const { chromium } = require('playwright-core');
const fs = require('fs');

const env = process.env;
const total = (page, metric) => page.$eval(`.plot[data-metric="${metric}"]`, b => +(b.dataset.total || 0)).catch(() => 0);

/* Non-transparent pixels of every plot canvas on the page, by metric. */
const inkedAll = page => page.$$eval('.plot canvas', cs => cs.map(c => {
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i]) n++;
  return n;
}));

async function plots(page) {
  const bodies = [], timeline = [];
  const t0 = Date.now();
  page.on('response', r => {
    const u = new URL(r.url());
    timeline.push([(Date.now() - t0) / 1000, u.pathname + u.search]);
    if (u.pathname.endsWith('/metrics')) bodies.push(r.body().then(b => b.length, () => 0));
  });
  const want = +env.PLOTS;
  await page.goto(env.URL);
  for (;;) {
    const ink = await inkedAll(page).catch(() => []);
    const pts = await page.$$eval('.plot', bs => bs.map(b => +(b.dataset.points || 0))).catch(() => []);
    if (ink.length >= want && pts.length >= want && ink.every(n => n > 200) && pts.every(n => n > 0)) break;
    if (Date.now() - t0 > 120000) throw new Error('plots not drawn within 120 s: ' + JSON.stringify(ink));
    await new Promise(r => setTimeout(r, 20));
  }
  const seconds = (Date.now() - t0) / 1000, sizes = await Promise.all(bodies);
  return { seconds, requests: sizes.length, max_bytes: Math.max(0, ...sizes), total_bytes: sizes.reduce((a, b) => a + b, 0), timeline };
}

async function live(page) {
  await page.goto(env.URL);
  await page.waitForSelector(`.plot[data-metric="${env.METRIC}"][data-total]`, { state: 'attached', timeout: 60000 });
  await page.click('.tabs button[data-tab="Metrics"]'); /* a run without points yet opens on its console */
  const lat = [];
  let seen = await total(page, env.METRIC); /* points printed before the page was open do not count */
  const end = Date.now() + +env.LIVE_SECONDS * 1000;
  while (Date.now() < end) {
    const n = await total(page, env.METRIC);
    if (n > seen) {
      const now = Date.now() / 1000;
      const printed = fs.readFileSync(env.POINTS_FILE, 'utf8').trim().split('\n').map(Number);
      for (let i = seen; i < n && i < printed.length; i++) lat.push(now - printed[i]);
      seen = n;
    }
    await new Promise(r => setTimeout(r, 20));
  }
  return { points: lat.length, latencies: lat };
}

(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    console.log(JSON.stringify(env.MODE === 'live' ? await live(page) : await plots(page)));
  } finally {
    await browser.close();
  }
})().catch(e => { console.error(e.message); process.exit(1); });
