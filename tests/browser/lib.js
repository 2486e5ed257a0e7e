// lib.js: what the browser tests share: the check counter, waiting for a condition, and the
// inked pixels of a plot's canvas.
'use strict';

let failed = 0;

/* Prints one line per check; failures are counted for the exit status. */
function check(ok, what) {
  console.log((ok ? 'ok: ' : 'FAIL: ') + what);
  if (!ok) failed++;
}

/* fn's first truthy value within ms (errors count as not yet), else that last value. */
async function until(fn, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v || Date.now() > end) return v;
    await new Promise(r => setTimeout(r, 100));
  }
}

/* Non-transparent pixels of the canvas of the plot of metric. */
const inked = (page, metric) => page.$eval(`.plot[data-metric="${metric}"] canvas`, c => {
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i]) n++;
  return n;
});

/* Headless Debian Chromium (root needs --no-sandbox). */
function launch(chromium) {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
}

module.exports = { check, until, inked, launch, failures: () => failed };
