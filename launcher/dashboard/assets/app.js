/* app.js: the dashboard page: the runs table (#/), a run (#/run/ID) and a comparison
 * (#/compare/ID,ID), drawn from the JSON API and kept live by polling every 2 s. Run content
 * only ever enters the page as text (textContent, DOM properties): never as HTML. */
'use strict';

const POLL_MS = 2000;
const STATUSES = ['RUNNING', 'COMPLETED', 'FAILED', 'INTERRUPTED', 'QUEUED', 'PROBABLY_DEAD', 'DIED', 'ERROR'];
const COLOURS = ['#0969da', '#cf222e', '#1a7f37', '#8250df', '#bf8700', '#0a7b83', '#d1242f', '#57606a',
                 '#fb8500', '#6639ba'];
const IMAGE = /\.(png|jpe?g|gif|webp|svg)$/i;
const main = document.getElementById('main');
let view = null;
/* A report (sacred-run report) carries the API's answers in the page and asks no server. */
const REPORT = (() => {
  const e = document.getElementById('report-data');
  return e ? JSON.parse(e.textContent) : null;
})();

/* --- small helpers ---------------------------------------------------------------------- */

/* An element; props: class, text, on* listeners, other attributes; children: nodes or text. */
function el(tag, props, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (typeof v === 'boolean') e[k] = v;
    else e.setAttribute(k, v);
  }
  for (const c of kids.flat(Infinity)) {
    if (c !== null && c !== undefined && c !== false) e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

/* The report's answer for an API path: the runs list filtered and sorted here. */
function reportApi(path) {
  const [p, query] = path.split('?'), q = new URLSearchParams(query);
  let m;
  if (p === '/api/runs') {
    const d = JSON.parse(JSON.stringify(REPORT.runs)), text = (q.get('q') || '').toLowerCase();
    const statuses = q.getAll('status'), key = (q.get('sort') || '').replace(/^-/, '');
    d.runs = d.runs.filter(r => (!statuses.length || statuses.includes(r.status))
      && (!text || d.columns.some(c => fmt(r.values[c]).toLowerCase().includes(text))));
    if (key) {
      const sign = q.get('sort').startsWith('-') ? -1 : 1, v = r => r.values[key];
      d.runs.sort((a, b) => (v(a) === null) - (v(b) === null) || sign * (v(a) < v(b) ? -1 : v(a) > v(b) ? 1 : 0));
    }
    return d;
  }
  if ((m = p.match(/^\/api\/runs\/([^/]+)(\/\w+)?$/))) {
    const id = decodeURIComponent(m[1]);
    const answer = !m[2] ? REPORT.run[id] : m[2] === '/cout' ? (+q.get('offset') ? { size: 0, text: '', tail: '', next: +q.get('offset'), more: false } : REPORT.cout[id])
      : m[2] === '/metrics' ? REPORT.series[id + '\n' + q.get('name') + '\n' + (q.get('x') || 'step')] : undefined;
    if (answer) return answer;
  }
  throw new Error('not in this report');
}

async function api(path, opts) {
  if (REPORT) return reportApi(path);
  const r = await fetch(path, Object.assign({ cache: 'no-store' }, opts));
  const j = await r.json().catch(() => ({ error: r.status + ' ' + r.statusText }));
  if (!r.ok) throw new Error(j.error || r.statusText);
  return j;
}

function filePath(rel) {
  if (REPORT) return (REPORT.files[rel] || {}).data || '#';
  return '/files/' + rel.split('/').map(encodeURIComponent).join('/');
}

/* A stored file's text, or null. */
async function storedText(rel) {
  if (REPORT) return rel in REPORT.files && 'text' in REPORT.files[rel] ? REPORT.files[rel].text : null;
  const r = await fetch(filePath(rel));
  return r.ok ? r.text() : null;
}
function runPath(id) { return '/api/runs/' + encodeURIComponent(id); }

function fmt(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(+v.toPrecision(6));
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every(x => typeof x === 'string')) return v.join(', ');
  return JSON.stringify(v);
}

function fmtDuration(s) {
  if (typeof s !== 'number' || s < 0) return '';
  const t = Math.round(s), h = Math.floor(t / 3600), m = Math.floor(t / 60) % 60, x = t % 60;
  return (h ? h + ':' + String(m).padStart(2, '0') : String(m)) + ':' + String(x).padStart(2, '0');
}

function fmtTime(iso) { return typeof iso === 'string' ? iso.replace('T', ' ').slice(0, 19) : ''; }
function fmtSize(n) {
  if (typeof n !== 'number') return '';
  return n < 1024 ? n + ' B' : n < 1048576 ? (n / 1024).toFixed(1) + ' KiB' : (n / 1048576).toFixed(1) + ' MiB';
}
function epoch(iso) { return typeof iso === 'string' ? Date.parse(iso.slice(0, 23) + 'Z') / 1000 : NaN; }
function statusBadge(s) { return el('span', { class: 'status status-' + s, text: s }); }

/* Leaf keys of a config as [dotted key, value] pairs. */
function flatten(obj, prefix, out) {
  out = out || [];
  for (const [k, v] of Object.entries(obj || {})) {
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length) flatten(v, prefix + k + '.', out);
    else out.push([prefix + k, v]);
  }
  return out;
}

function kvTable(pairs) {
  return el('table', { class: 'kv' }, pairs.map(([k, v]) => el('tr', null, el('td', { text: k }),
    el('td', null, typeof v === 'object' && v !== null && !(Array.isArray(v) && v.every(x => typeof x === 'string'))
      ? el('code', { text: JSON.stringify(v) }) : fmt(v)))));
}

function banner(text) {
  const b = document.getElementById('banner');
  b.textContent = text || '';
  b.hidden = !text;
}

/* Repeats fn every POLL_MS (or every every() ms) after it finishes, until stopped. */
function poller(fn, every) {
  let timer = null, stopped = false;
  const run = async () => {
    try { await fn(); } catch (e) { banner(e.message); }
    if (!stopped && !REPORT) timer = setTimeout(run, every ? every() : POLL_MS);
  };
  return {
    now() { clearTimeout(timer); if (!stopped) run(); },
    stop() { stopped = true; clearTimeout(timer); },
  };
}

/* --- plots -------------------------------------------------------------------------------- */

/* A plot of metric series (sources: [{run, metric, label, t0}]) reduced by the server to the
 * canvas width; drag across it to zoom (the zoomed range is asked for again), double-click to
 * go back. opts: {x: 'step'|'time', log}. */
function makePlot(parent, title, sources, opts) {
  const canvas = el('canvas');
  const sel = el('div', { class: 'selection', hidden: true });
  const info = el('span', { class: 'hint' });
  const box = el('div', { class: 'plot', 'data-metric': title },
    el('div', { class: 'title', text: title }), el('div', { class: 'canvas-box' }, canvas, sel),
    el('div', { class: 'hint' }, 'drag to zoom, double-click to reset \u00b7 ', info));
  parent.append(box);
  const state = { range: null, seq: 0 };
  const chart = new Chart(canvas, {
    type: 'line',
    data: { datasets: [] },
    options: {
      animation: false, parsing: false, normalized: true, responsive: true, maintainAspectRatio: false,
      elements: { point: { radius: 0, hoverRadius: 3 }, line: { borderWidth: 1.5 } },
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      plugins: { legend: { display: sources.length > 1 } },
      scales: { x: { type: 'linear', title: { display: true, text: '' } }, y: { type: 'linear' } },
    },
  });

  async function load() {
    const seq = ++state.seq;
    const width = Math.max(100, Math.round(canvas.clientWidth || 600));
    const results = await Promise.all(sources.map(async (s, i) => {
      const q = new URLSearchParams({ name: s.metric, x: opts.x, width });
      const t0 = opts.x === 'time' ? s.t0 : 0;
      if (state.range) { q.set('from', state.range[0] + t0); q.set('to', state.range[1] + t0); }
      try {
        const r = await api(runPath(s.run) + '/metrics?' + q);
        const data = r.x.map((x, k) => ({ x: x - t0, y: r.y[k] }));
        return { label: s.label, data, pointRadius: data.length <= 60 ? 2 : 0, borderColor: COLOURS[i % COLOURS.length],
                 backgroundColor: COLOURS[i % COLOURS.length], count: r.count, reduced: r.reduced };
      } catch (e) {
        return { label: s.label + ' (' + e.message + ')', data: [], count: 0 };
      }
    }));
    if (seq !== state.seq) return;
    chart.data.datasets = results;
    const xs = chart.options.scales.x;
    xs.title.text = opts.x === 'time' ? 'seconds since start' : 'step';
    xs.min = state.range ? state.range[0] : undefined;
    xs.max = state.range ? state.range[1] : undefined;
    chart.options.scales.y.type = opts.log ? 'logarithmic' : 'linear';
    chart.update('none');
    const shown = results.reduce((n, r) => n + r.data.length, 0);
    const total = results.reduce((n, r) => n + r.count, 0);
    const lastX = Math.max(...results.map(r => r.data.length ? r.data[r.data.length - 1].x : -Infinity));
    box.dataset.points = String(shown);
    box.dataset.series = String(results.filter(r => r.data.length).length);
    box.dataset.total = String(total);
    box.dataset.lastX = String(lastX);
    info.textContent = total + ' points' + (results.some(r => r.reduced) ? ', ' + shown + ' drawn' : '');
  }

  let from = null;
  const px = ev => ev.clientX - canvas.getBoundingClientRect().left;
  canvas.addEventListener('mousedown', ev => { from = px(ev); sel.hidden = false; sel.style.left = from + 'px'; sel.style.width = '0px'; });
  canvas.addEventListener('mousemove', ev => {
    if (from === null) return;
    const x = px(ev);
    sel.style.left = Math.min(from, x) + 'px';
    sel.style.width = Math.abs(x - from) + 'px';
  });
  window.addEventListener('mouseup', ev => {
    if (from === null) return;
    const x = px(ev), a = Math.min(from, x), b = Math.max(from, x);
    from = null;
    sel.hidden = true;
    if (b - a < 5) return;
    const sx = chart.scales.x;
    state.range = [sx.getValueForPixel(a), sx.getValueForPixel(b)];
    load();
  });
  canvas.addEventListener('dblclick', () => { state.range = null; load(); });
  load();
  return { load, chart, destroy() { chart.destroy(); box.remove(); } };
}

/* The x-axis and log-scale controls; onchange redraws. */
function plotControls(opts, onchange) {
  const x = el('select', { onchange: () => { opts.x = x.value; onchange(); } },
    el('option', { value: 'step', text: 'x: step' }), el('option', { value: 'time', text: 'x: time' }));
  x.value = opts.x;
  const log = el('input', { type: 'checkbox', onchange: () => { opts.log = log.checked; onchange(); } });
  return el('div', { class: 'toolbar' }, x, el('label', null, log, ' log scale'));
}

/* --- the runs table ------------------------------------------------------------------------ */

const runsState = JSON.parse(localStorage.getItem('sacred-run.runs') || 'null') || { sort: '', q: '', where: '', statuses: [], cols: [] };
const selected = new Set();

function saveRunsState() { localStorage.setItem('sacred-run.runs', JSON.stringify(runsState)); }

function runsPage() {
  const st = runsState;
  const error = el('div', { class: 'error-text', id: 'runs-error' });
  const chooser = el('div', { class: 'chooser', hidden: true });
  const table = el('table', { class: 'runs', id: 'runs-table' });
  const compare = el('button', { id: 'compare', onclick: () => {
    if (selected.size) location.hash = '#/compare/' + [...selected].map(encodeURIComponent).join(',');
  } });
  let editing = false, seq = 0, shown = '';

  const text = el('input', { type: 'text', id: 'filter-text', placeholder: 'filter text', value: st.q });
  let debounce = null;
  text.addEventListener('input', () => { clearTimeout(debounce); debounce = setTimeout(() => { st.q = text.value; changed(); }, 300); });
  const sweep = el('input', { type: 'text', class: 'sweep', id: 'filter-sweep', value: st.sweep || '', placeholder: 'sweep id' });
  sweep.addEventListener('change', () => { st.sweep = sweep.value.trim(); changed(); });
  const where = el('input', { type: 'text', class: 'where', id: 'filter-where', value: st.where,
    placeholder: 'where: lr > 0.01; min(loss) < 0.3; name ~ ^exp' });
  where.addEventListener('change', () => { st.where = where.value; changed(); });
  const statuses = el('span', { class: 'statuses' }, STATUSES.map(s => {
    const c = el('input', { type: 'checkbox', value: s, checked: st.statuses.includes(s) });
    c.addEventListener('change', () => {
      st.statuses = [...statuses.querySelectorAll('input:checked')].map(i => i.value);
      changed();
    });
    return el('label', null, c, statusBadge(s));
  }));
  const colsButton = el('button', { id: 'columns', text: 'Columns\u2026', onclick: () => toggleChooser() });
  where.hidden = sweep.hidden = colsButton.hidden = !!REPORT;
  main.append(el('h1', { text: REPORT ? 'Runs (report)' : 'Runs' }), el('div', { class: 'toolbar' }, text, where, sweep, colsButton, compare),
    el('div', { class: 'toolbar' }, statuses), chooser, error, el('div', { class: 'table-box' }, table));

  function changed() { saveRunsState(); poll.now(); }

  async function toggleChooser() {
    chooser.hidden = !chooser.hidden;
    if (chooser.hidden) return;
    chooser.replaceChildren('loading\u2026');
    const keys = await api('/api/keys');
    const box = (col, label) => {
      const c = el('input', { type: 'checkbox', checked: st.cols.includes(col) });
      c.addEventListener('change', () => {
        st.cols = c.checked ? st.cols.concat([col]) : st.cols.filter(x => x !== col);
        changed();
      });
      return el('label', null, c, ' ' + label);
    };
    chooser.replaceChildren(
      ...keys.config.map(k => box('config.' + k, 'config ' + k)),
      ...keys.metrics.flatMap(m => ['last', 'min', 'max'].map(f => box(f + '(' + m + ')', f + '(' + m + ')'))));
  }

  function sortBy(col) {
    st.sort = st.sort === col ? '-' + col : col;
    changed();
  }

  /* An in-place editor for tags (comma-separated) or notes; saves with a POST. */
  function editor(cell, id, key, value) {
    const input = el('input', { type: 'text', value: key === 'tags' ? (value || []).join(', ') : (value || '') });
    editing = true;
    cell.replaceChildren(input);
    input.focus();
    const finish = async save => {
      if (!editing) return;
      editing = false;
      if (save) {
        const v = input.value;
        const body = key === 'tags' ? { tags: v.split(',').map(s => s.trim()).filter(Boolean) } : { notes: v };
        try {
          await api(runPath(id) + '/omniboard', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
        } catch (e) { error.textContent = 'saving ' + key + ' of run ' + id + ': ' + e.message; }
      }
      poll.now();
    };
    input.addEventListener('keydown', ev => { if (ev.key === 'Enter') finish(true); if (ev.key === 'Escape') finish(false); });
    input.addEventListener('blur', () => finish(true));
  }

  function cell(row, col) {
    const v = row.values[col];
    const td = el('td', { 'data-col': col });
    if (col === 'id') td.append(el('a', { href: '#/run/' + encodeURIComponent(row.id), text: row.id }));
    else if (col === 'status') td.append(statusBadge(row.status));
    else if (col === 'start') td.append(fmtTime(v));
    else if (col === 'duration') td.append(fmtDuration(v));
    else if (col === 'tags' || col === 'notes') {
      const span = el('span', { class: 'editable', title: 'click to edit' },
        col === 'tags' ? (Array.isArray(v) ? v : []).map(t => el('span', { class: 'tag', text: fmt(t) })) : fmt(v));
      if (!REPORT) span.addEventListener('click', () => editor(td, row.id, col, v));
      td.append(span);
    } else if (col === 'comment' && row.error) td.append(el('span', { class: 'error-text', text: row.error }));
    else { td.append(fmt(v)); td.title = fmt(v); }
    return td;
  }

  /* The header is made again only when the columns or the sort change, the body only when
   * the rows do: a click is not lost to a redraw. */
  let headKey = '', thead = el('thead'), tbody = el('tbody');
  table.append(thead, tbody);
  function render(data) {
    const key = JSON.stringify([data.columns, st.sort]);
    if (key !== headKey) {
      headKey = key;
      thead.replaceChildren(el('tr', null, el('th', { text: '' }), data.columns.map(c => el('th', {
        text: c, 'data-col': c, onclick: () => sortBy(c),
        class: st.sort === c ? 'sorted-asc' : st.sort === '-' + c ? 'sorted-desc' : null,
      }))));
    }
    const rows = data.runs.map(r => {
      const box = el('input', { type: 'checkbox', checked: selected.has(r.id) });
      box.addEventListener('change', () => { if (box.checked) selected.add(r.id); else selected.delete(r.id); label(); });
      return el('tr', { 'data-id': r.id, 'data-status': r.status, class: r.status === 'ERROR' ? 'error-row' : null },
        el('td', null, box), data.columns.map(c => cell(r, c)));
    });
    tbody.replaceChildren(...rows);
    table.dataset.rows = String(rows.length);
  }

  function label() { compare.textContent = 'Compare selected (' + selected.size + ')'; }
  label();

  const poll = poller(async () => {
    if (editing) return;
    const q = new URLSearchParams();
    if (st.q) q.set('q', st.q);
    st.statuses.forEach(s => q.append('status', s));
    st.where.split(';').map(s => s.trim()).filter(Boolean).forEach(w => q.append('where', w));
    st.cols.forEach(c => q.append('col', c));
    if (st.sort) q.set('sort', st.sort);
    if (st.sweep && !REPORT) q.set('sweep', st.sweep);
    const mine = ++seq;
    try {
      const data = await api('/api/runs?' + q);
      if (mine !== seq || editing) return;
      error.textContent = '';
      const text = JSON.stringify([data, st.sort]);
      if (text !== shown) render(data);
      shown = text;
    } catch (e) { error.textContent = e.message; }
  });
  poll.now();
  return { stop: poll.stop };
}

/* --- one run ------------------------------------------------------------------------------- */

/* Follows a run's console output into pre: complete lines are appended, the line still being
 * written is shown apart and replaced at each poll. */
function consoleFollower(id, pre) {
  const done = document.createTextNode(''), pending = el('span', { class: 'pending' });
  pre.replaceChildren(done, pending);
  let next = -1;
  return async function follow() {
    for (let i = 0; i < 16; i++) {
      if (next < 0 && REPORT) next = 0;
      if (next < 0) {
        const head = await api(runPath(id) + '/cout?offset=0&probe=1');
        next = head.size > (2 << 20) ? head.size - (1 << 20) : 0;
        if (next) done.appendData('[\u2026 earlier output not shown: download cout.txt]\n');
      }
      const c = await api(runPath(id) + '/cout?offset=' + next);
      if (c.reset) { done.data = ''; next = 0; continue; }
      if (c.text) done.appendData(c.text);
      pending.textContent = c.tail || (done.data ? '' : c.absent ? '(no cout.txt)' : '(no output yet)');
      next = c.next;
      if (!c.more) break;
    }
  };
}

function section(title, ...kids) { return el('div', null, el('h2', { text: title }), ...kids); }

function filesList(files, emptyText) {
  if (!files.length) return el('p', { class: 'meta', text: emptyText });
  return el('ul', { class: 'files' }, files.map(f => {
    const shown = el('div');
    const li = el('li', null, f.name, f.size !== undefined ? ' (' + fmtSize(f.size) + ') ' : ' ');
    const href = !f.path ? null : REPORT ? (REPORT.files[f.path] || {}).data : filePath(f.path) + '?download=1';
    if (href) li.append(el('a', { href, download: f.name.split('/').pop(), text: 'download' }), ' ');
    if (f.path) li.append(el('button', { text: 'show', onclick: () => showFile(f.path, shown) }));
    else li.append(el('span', { class: 'meta', text: 'not in the storage' }));
    li.append(shown);
    return li;
  }));
}

/* Shows a stored file inline: an image, or its text. */
async function showFile(path, into) {
  if (IMAGE.test(path)) { into.replaceChildren(el('img', { class: 'inline', src: filePath(path), alt: path })); return; }
  const text = await storedText(path);
  into.replaceChildren(el('pre', { text: text === null ? (REPORT ? 'not in this report' : 'cannot read') : text }));
}

function sourcesView(d) {
  if (!d.sources.length) return el('p', { class: 'meta', text: 'no sources recorded' });
  return el('div', null, d.sources.map((s, i) => {
    const body = el('div');
    const det = el('details', { open: i === 0 }, el('summary', { text: s.name }), body);
    const load = () => { if (!body.firstChild && s.path) showFile(s.path, body); };
    det.addEventListener('toggle', () => { if (det.open) load(); });
    if (i === 0) load();
    return det;
  }));
}

function processesView(run) {
  const ps = Array.isArray(run.processes) ? run.processes : [];
  if (!ps.length) return el('p', { class: 'meta', text: 'no processes recorded' });
  const cols = ['pid', 'ppid', 'executable', 'argv', 'exit_code', 'start_time', 'end_time'];
  return el('table', { class: 'kv' }, el('tr', null, cols.map(c => el('th', { text: c }))),
    ps.map(p => el('tr', null, cols.map(c => el('td', { text: c === 'argv' && Array.isArray(p[c]) ? p[c].join(' ') : fmt(p[c]) })))));
}

function gitView(exp) {
  const repos = Array.isArray(exp.repositories) ? exp.repositories : [];
  if (!repos.length) return el('p', { class: 'meta', text: 'no repositories recorded' });
  return el('div', null, repos.map(r => kvTable(Object.entries(r))));
}

/* A run page polls at a quarter of the run's own heartbeat interval (-b) when that is shorter than
 * POLL_MS, so a new point shows within two heartbeats; never more often than 4 times a second. */
function livePollMs(run) {
  const b = Number(((run || {}).meta || {}).options ? run.meta.options['--beat-interval'] : NaN);
  return b > 0 ? Math.max(250, Math.min(POLL_MS, b * 250)) : POLL_MS;
}

function runPage(id) {
  const head = el('div'), overview = el('div'), tabs = el('div', { class: 'tabs' }), body = el('div');
  main.append(head, overview, tabs, body);
  const opts = { x: 'step', log: false };
  const plotsBox = el('div', { class: 'plots', id: 'plots' });
  const combineBox = el('div', { class: 'toolbar' });
  const pre = el('pre', { class: 'console', id: 'console' });
  const follow = consoleFollower(id, pre);
  const panes = {};
  let plots = [], names = '', d = null;

  function pane(name, node) {
    panes[name] = node;
    tabs.append(el('button', { text: name, 'data-tab': name, onclick: () => show(name) }));
    body.append(node);
  }
  function show(name) {
    for (const [k, n] of Object.entries(panes)) n.hidden = k !== name;
    tabs.querySelectorAll('button').forEach(b => b.classList.toggle('active', b.dataset.tab === name));
  }

  function drawPlots() {
    plots.forEach(p => p.destroy());
    const t0 = epoch(d.run && d.run.start_time);
    plots = d.metrics.map(m => makePlot(plotsBox, m.name, [{ run: id, metric: m.name, label: m.name, t0 }], opts));
    const picks = d.metrics.map(m => el('label', null, el('input', { type: 'checkbox', value: m.name }), ' ' + m.name));
    combineBox.replaceChildren('several metrics on one plot: ', ...picks, el('button', {
      text: 'plot together', onclick: () => {
        const chosen = [...combineBox.querySelectorAll('input:checked')].map(i => i.value);
        if (chosen.length) plots.push(makePlot(plotsBox, chosen.join(' + '), chosen.map(n => ({ run: id, metric: n, label: n, t0 })), opts));
      },
    }));
  }

  function drawOverview() {
    const run = d.run || {};
    const exp = run.experiment || {};
    head.replaceChildren(el('h1', null, 'Run ' + id + ' ', exp.name ? '\u00b7 ' + exp.name + ' ' : '', statusBadge(d.status)));
    const facts = [['status', d.status], ['start', fmtTime(run.start_time)], ['stop', fmtTime(run.stop_time)],
      ['heartbeat', fmtTime(run.heartbeat)], ['command', (run.program && Array.isArray(run.program.argv)) ? run.program.argv.join(' ') : run.command],
      ['result', run.result], ['comment', (run.meta || {}).comment], ['tags', (run.omniboard || {}).tags], ['notes', (run.omniboard || {}).notes]];
    overview.replaceChildren(
      d.error ? el('p', { class: 'error-text', text: d.error }) : '',
      kvTable(facts.filter(([, v]) => v !== undefined && v !== null && v !== '')),
      run.fail_trace ? section('fail_trace', el('pre', { id: 'fail-trace', text: [].concat(run.fail_trace).join('') })) : '');
  }

  function build() {
    const run = d.run || {};
    const exp = run.experiment || {};
    pane('Metrics', el('div', null, plotControls(opts, () => plots.forEach(p => p.load())), combineBox, plotsBox,
      d.metrics_error ? el('p', { class: 'error-text', text: d.metrics_error }) : '',
      !d.metrics.length ? el('p', { class: 'meta', text: 'no metrics' }) : ''));
    pane('Console', el('div', null, pre, REPORT ? '' : el('a', { href: filePath(id + '/cout.txt') + '?download=1', text: 'download cout.txt' })));
    pane('Config', kvTable(flatten(d.config, '')));
    pane('Info', el('pre', { text: JSON.stringify(d.info, null, 2) }));
    pane('Sources', sourcesView(d));
    pane('Files', el('div', null, section('Artifacts', filesList(d.artifacts, 'no artifacts')),
      section('Resources', filesList(d.resources, 'no resources'))));
    pane('Host', kvTable(flatten(run.host || {}, '')));
    pane('Dependencies', el('div', null, el('ul', null, (exp.dependencies || []).map(x => el('li', { text: fmt(x) }))),
      section('Git', gitView(exp))));
    pane('Processes', el('div', null, processesView(run), run.program ? section('Program', kvTable(flatten(run.program, ''))) : ''));
    pane('run.json', el('pre', { text: JSON.stringify(d.run, null, 2) }));
    show(d.metrics.length ? 'Metrics' : 'Console');
  }

  const poll = poller(async () => {
    const first = !d;
    d = await api(runPath(id));
    drawOverview();
    if (first) build();
    const now = d.metrics.map(m => m.name).join('\n');
    if (now !== names) { names = now; drawPlots(); } else if (d.status === 'RUNNING') plots.forEach(p => p.load());
    await follow();
    banner(d.status === 'RUNNING' && !REPORT ? 'live: following run ' + id : '');
  }, () => livePollMs(d && d.run));
  poll.now();
  return { stop() { poll.stop(); plots.forEach(p => p.destroy()); banner(''); } };
}

/* --- compare ------------------------------------------------------------------------------- */

/* The lines of a and b as [op, line] with op ' ', '-' or '+' (a longest common subsequence of
 * what lies between the common head and tail; a very large middle is shown as replaced). */
function lineDiff(a, b) {
  let s = 0;
  while (s < a.length && s < b.length && a[s] === b[s]) s++;
  let ea = a.length, eb = b.length;
  while (ea > s && eb > s && a[ea - 1] === b[eb - 1]) { ea--; eb--; }
  const A = a.slice(s, ea), B = b.slice(s, eb), out = a.slice(0, s).map(l => [' ', l]);
  if (A.length * B.length > 4e6) {
    A.forEach(l => out.push(['-', l]));
    B.forEach(l => out.push(['+', l]));
  } else {
    const w = B.length + 1, L = new Uint32Array((A.length + 1) * w);
    for (let i = A.length - 1; i >= 0; i--)
      for (let j = B.length - 1; j >= 0; j--)
        L[i * w + j] = A[i] === B[j] ? L[(i + 1) * w + j + 1] + 1 : Math.max(L[(i + 1) * w + j], L[i * w + j + 1]);
    let i = 0, j = 0;
    while (i < A.length || j < B.length) {
      if (i < A.length && j < B.length && A[i] === B[j]) { out.push([' ', A[i]]); i++; j++; }
      else if (i < A.length && (j === B.length || L[(i + 1) * w + j] >= L[i * w + j + 1])) out.push(['-', A[i++]]);
      else out.push(['+', B[j++]]);
    }
  }
  a.slice(ea).forEach(l => out.push([' ', l]));
  return out;
}

/* The diff as a pre: changed lines with 3 lines of context, long unchanged stretches folded. */
function diffView(a, b) {
  const d = lineDiff(a.split('\n'), b.split('\n'));
  if (d.every(([op]) => op === ' ')) return el('p', { class: 'meta', text: 'identical' });
  const near = d.map(() => false);
  d.forEach(([op], i) => { if (op !== ' ') for (let k = Math.max(0, i - 3); k <= Math.min(d.length - 1, i + 3); k++) near[k] = true; });
  const pre = el('pre', { class: 'diff' });
  let skipped = 0;
  d.forEach(([op, line], i) => {
    if (!near[i]) { skipped++; return; }
    if (skipped) { pre.append(el('div', { class: 'same', text: '\u2026 ' + skipped + ' unchanged lines' })); skipped = 0; }
    pre.append(el('div', { class: op === '+' ? 'add' : op === '-' ? 'del' : 'same', text: op + ' ' + line }));
  });
  if (skipped) pre.append(el('div', { class: 'same', text: '\u2026 ' + skipped + ' unchanged lines' }));
  return pre;
}

async function wholeCout(id) {
  let text = '', next = 0;
  for (;;) {
    const c = await api(runPath(id) + '/cout?offset=' + next);
    text += c.text;
    next = c.next;
    if (!c.more) return text + c.tail;
  }
}

async function fileText(path) { return (await storedText(path)) || ''; }

function comparePage(ids) {
  main.append(el('h1', null, 'Compare runs ', ids.map((id, i) => [i ? ', ' : '', el('a', { href: '#/run/' + encodeURIComponent(id), text: id })])));
  const opts = { x: 'step', log: false };
  const plotsBox = el('div', { class: 'plots', id: 'plots' }), configBox = el('div'), diffBox = el('div');
  let plots = [];
  main.append(section('Metrics', plotControls(opts, () => plots.forEach(p => p.load())), plotsBox),
    section('Config', configBox), section('Output and sources', diffBox));
  let alive = true;
  (async () => {
    const runs = await Promise.all(ids.map(id => api(runPath(id)).catch(e => ({ id, error: e.message, metrics: [], config: {}, sources: [], run: null }))));
    if (!alive) return;
    const names = [...new Set(runs.flatMap(r => r.metrics.map(m => m.name)))].sort();
    plots = names.map(n => makePlot(plotsBox, n, runs.filter(r => r.metrics.some(m => m.name === n)).map(r => ({
      run: r.id, metric: n, label: 'run ' + r.id, t0: epoch(r.run && r.run.start_time) })), opts));
    if (!names.length) plotsBox.append(el('p', { class: 'meta', text: 'no metrics' }));
    drawConfig(runs);
    drawDiffs(runs);
  })().catch(e => banner(e.message));

  function drawConfig(runs) {
    const flat = runs.map(r => new Map(flatten(r.config, '')));
    const keys = [...new Set(flat.flatMap(m => [...m.keys()]))].sort();
    const only = el('input', { type: 'checkbox', checked: true });
    const table = el('table', { class: 'kv', id: 'config-diff' });
    const draw = () => table.replaceChildren(el('tr', null, el('th', { text: 'key' }), runs.map(r => el('th', { text: 'run ' + r.id }))),
      ...keys.map(k => {
        const vals = flat.map(m => (m.has(k) ? JSON.stringify(m.get(k)) : undefined));
        const differs = vals.some(v => v !== vals[0]);
        if (only.checked && !differs) return null;
        return el('tr', { class: differs ? 'differs' : null }, el('td', { text: k }), vals.map(v => el('td', { text: v === undefined ? '\u2014' : fmt(JSON.parse(v)) })));
      }).filter(Boolean));
    only.addEventListener('change', draw);
    draw();
    configBox.replaceChildren(el('label', null, only, ' only differences'), table);
  }

  function drawDiffs(runs) {
    if (runs.length < 2) return;
    const pick = (i) => {
      const s = el('select', null, runs.map(r => el('option', { value: r.id, text: 'run ' + r.id })));
      s.value = runs[i].id;
      s.addEventListener('change', redraw);
      return s;
    };
    const a = pick(0), b = pick(1), out = el('div', { id: 'diffs' });
    diffBox.replaceChildren(el('div', { class: 'toolbar' }, 'diff ', a, ' against ', b), out);
    async function redraw() {
      const ra = runs.find(r => r.id === a.value), rb = runs.find(r => r.id === b.value);
      const parts = [section('cout.txt', diffView(await wholeCout(ra.id), await wholeCout(rb.id)))];
      const srcB = new Map(rb.sources.map(s => [s.name, s.path]));
      for (const s of ra.sources) {
        if (!srcB.has(s.name)) { parts.push(section(s.name, el('p', { class: 'meta', text: 'only in run ' + ra.id }))); continue; }
        const other = srcB.get(s.name);
        parts.push(section(s.name, s.path === other ? el('p', { class: 'meta', text: 'identical' })
          : diffView(await fileText(s.path), await fileText(other))));
      }
      for (const s of rb.sources) if (!ra.sources.some(x => x.name === s.name)) parts.push(section(s.name, el('p', { class: 'meta', text: 'only in run ' + rb.id })));
      out.replaceChildren(...parts);
    }
    redraw().catch(e => banner(e.message));
  }
  return { stop() { alive = false; plots.forEach(p => p.destroy()); } };
}

/* --- routing ------------------------------------------------------------------------------- */

function route() {
  if (view) view.stop();
  main.replaceChildren();
  banner('');
  const h = location.hash.slice(1) || '/';
  let m;
  if ((m = h.match(/^\/run\/([^/]+)$/))) view = runPage(decodeURIComponent(m[1]));
  else if ((m = h.match(/^\/compare\/(.+)$/))) view = comparePage(m[1].split(',').map(decodeURIComponent));
  else if ((m = h.match(/^\/sweep\/([^/]*)$/))) {
    runsState.sweep = decodeURIComponent(m[1]); /* the points of one sweep (sacred-run sweep) */
    saveRunsState();
    view = runsPage();
  }
  else view = runsPage();
}

window.addEventListener('hashchange', route);
route();
