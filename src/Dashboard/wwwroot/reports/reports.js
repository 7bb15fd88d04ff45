// The report pages: monthly district report, city ranking (晒工效), yearly recognition, exports and imports.
// Text comes from i18n/reports/<lang>.json; the token is the one the main page signed in with.
import { getToken, readToken } from '../js/auth.js';

const LANG_KEY = 'boai.lang';
const state = { lang: 'zh-CN', text: {}, who: null, districts: [], charts: {}, lastImport: null };

function t(key, values = {}) {
  const template = state.text[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
}

async function loadText(lang) {
  const response = await fetch(`/i18n/reports/${lang}.json`, { cache: 'no-cache' });
  state.text = await response.json();
  state.lang = lang;
  document.documentElement.lang = lang;
  document.title = t('title');
  for (const node of document.querySelectorAll('[data-r]')) node.textContent = t(node.dataset.r);
}

async function api(path, { method = 'GET', body, form, accept = 'application/json' } = {}) {
  const headers = { Accept: accept, Authorization: `Bearer ${getToken()}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: form ?? (body === undefined ? undefined : JSON.stringify(body)) });
  if (!response.ok) {
    let problem = null;
    try { problem = await response.json(); } catch { /* not JSON */ }
    const error = new Error(problem?.title ?? `HTTP ${response.status}`);
    error.problem = problem;
    throw error;
  }
  return accept === 'application/json' ? response.json() : response;
}

const number = (value, digits = 1) => new Intl.NumberFormat(state.lang, { maximumFractionDigits: digits }).format(value);
const percent = (value) => new Intl.NumberFormat(state.lang, { style: 'percent', maximumFractionDigits: 0 }).format(value);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'class') node.className = value; else if (key.startsWith('data-')) node.setAttribute(key, value); else node[key] = value;
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
};

function districtName(d) {
  return state.lang === 'en' ? d.nameEn : d.name;
}

function selected() {
  return { districtId: document.getElementById('district').value, month: document.getElementById('month').value, year: document.getElementById('year').value };
}

function chart(id, config) {
  state.charts[id]?.destroy();
  state.charts[id] = new window.Chart(document.getElementById(id), config);
}

async function showMonthly() {
  const { districtId, month } = selected();
  const report = await api(`/api/v1/districts/${encodeURIComponent(districtId)}/reports/monthly?month=${month}`);
  document.getElementById('monthly-title').textContent = t('monthlyTitle', { district: districtName(report), month: report.month });
  const tiles = [
    ['visits', number(report.visits, 0)],
    ['certifiedHours', number(report.certifiedHours)],
    ['pendingHours', number(report.pendingHours)],
    ['activityRate', percent(report.activityRate), report.activityRate <= 0.5],
    ['volunteersServed', `${report.volunteersServed} / ${report.registeredVolunteers}`],
    ['coverage', report.coverage == null ? t('none') : percent(report.coverage)],
    ['satisfaction', report.satisfaction == null ? t('none') : `${number(report.satisfaction)} ★`],
    ['late', number(report.late, 0), report.late > 0],
    ['flagged', number(report.flagged, 0), report.flagged > 0],
  ];
  // Coverage and satisfaction of a past month are its month-end figures; the current month's are live.
  const note = document.getElementById('figures-note');
  note.dataset.source = report.figuresSource ?? 'none';
  note.textContent = report.figuresAt == null
    ? t('figuresNone')
    : t(report.figuresSource === 'live' ? 'figuresLive' : 'figuresMonthEnd', { at: new Intl.DateTimeFormat(state.lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(report.figuresAt)) });
  document.getElementById('tiles').replaceChildren(...tiles.map(([key, value, alert]) =>
    el('div', { class: alert ? 'tile alert' : 'tile' }, el('div', { class: 'value' }, value), el('div', { class: 'label' }, t(key)))));

  chart('chart-daily', {
    data: {
      labels: report.days.map((d) => d.day.slice(8)),
      datasets: [
        { type: 'bar', label: t('visits'), data: report.days.map((d) => d.visits), backgroundColor: '#0f5c4d', yAxisID: 'y' },
        { type: 'line', label: t('hours'), data: report.days.map((d) => d.hours), borderColor: '#a15c07', backgroundColor: '#a15c07', yAxisID: 'y1', tension: 0.3 },
      ],
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      scales: { y: { beginAtZero: true, title: { display: true, text: t('visits') } }, y1: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: t('hours') } } },
    },
  });
  chart('chart-services', {
    type: 'doughnut',
    data: {
      labels: report.services.map((s) => (state.lang === 'en' ? s.nameEn : s.name)),
      datasets: [{ data: report.services.map((s) => s.hours), backgroundColor: ['#0f5c4d', '#1f5fae', '#a15c07', '#b42318', '#6b4fa3', '#2f8f6f', '#c98a1b', '#56655f'] }],
    },
    options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { position: 'bottom' } } },
  });
  showSupervision(report);
  document.getElementById('monthly').hidden = false;
}

function showSupervision(report) {
  const host = document.getElementById('supervision');
  if (report.supervision.length === 0) {
    host.replaceChildren(el('p', { class: 'muted' }, t('noSupervision')));
    return;
  }
  host.replaceChildren(...report.supervision.map((order) => {
    const status = order.closedAt
      ? el('span', { class: 'badge ok' }, t('closed', { date: order.closedAt.slice(0, 10), rate: percent(order.rateAtClose) }))
      : el('span', { class: 'badge critical' }, t('open'));
    const responses = order.responses.map((r) => el('li', {}, t('response', { actions: r.actions, target: r.targetDate, by: r.by })));
    const node = el('div', { class: 'order', 'data-order': order.orderId },
      el('div', {}, el('strong', {}, t('orderTitle', { month: order.month, rate: percent(order.rateAtOpen), threshold: percent(order.threshold) })), ' ', status),
      responses.length ? el('ul', {}, ...responses) : null);
    if (!order.closedAt) {
      const actions = el('textarea', { required: true, placeholder: t('actions') });
      const target = el('input', { type: 'date', required: true });
      const send = el('button', { type: 'submit', class: 'btn btn-primary' }, t('respond'));
      const form = el('form', { class: 'no-print' }, actions, target, send);
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        await api(`/api/v1/districts/${encodeURIComponent(order.districtId)}/supervision/${encodeURIComponent(order.orderId)}/response`,
          { method: 'POST', body: { actions: actions.value, targetDate: target.value } });
        await showMonthly();
      });
      node.append(form);
    }
    return node;
  }));
}

async function showCity() {
  const { month } = selected();
  const city = await api(`/api/v1/reports/city?month=${month}`);
  document.getElementById('city-rows').replaceChildren(...city.districts.map((d) => el('tr', { class: d.underSupervision ? 'supervised' : '' },
    el('td', {}, String(d.rank)),
    el('td', {}, districtName(d), d.underSupervision ? el('span', { class: 'badge critical' }, ` ${t('supervised')}`) : null),
    el('td', {}, number(d.visits, 0)), el('td', {}, number(d.certifiedHours)), el('td', {}, percent(d.activityRate)),
    el('td', {}, d.coverage == null ? t('none') : percent(d.coverage)), el('td', {}, d.satisfaction == null ? t('none') : number(d.satisfaction)), el('td', {}, String(d.flagged)))));
  chart('chart-city', {
    data: {
      labels: city.districts.map(districtName),
      datasets: [
        { type: 'bar', label: t('activityRate'), data: city.districts.map((d) => Math.round(d.activityRate * 100)), backgroundColor: city.districts.map((d) => (d.activityRate <= city.activityThreshold ? '#b42318' : '#0f5c4d')) },
        { type: 'line', label: t('threshold'), data: city.districts.map(() => Math.round(city.activityThreshold * 100)), borderColor: '#a15c07', borderDash: [6, 4], pointRadius: 0 },
      ],
    },
    options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true, max: 100, ticks: { callback: (v) => `${v}%` } } } },
  });
  document.getElementById('city').hidden = false;
}

async function showRecognition() {
  const { districtId, year } = selected();
  const list = await api(`/api/v1/districts/${encodeURIComponent(districtId)}/reports/recognition?year=${year}`);
  const rows = list.volunteers.map((v) => el('tr', {},
    el('td', {}, String(v.rank)), el('td', {}, v.maskedName), el('td', {}, number(v.certifiedHoursThisYear)), el('td', {}, String(v.visitsThisYear)),
    el('td', {}, '★'.repeat(v.starLevel) || '—', v.promoted ? el('span', { class: 'badge ok' }, ` ${t('promoted', { from: v.starLevelAtYearStart, to: v.starLevel })}`) : null)));
  document.getElementById('recognition-rows').replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colSpan: 5, className: 'muted' }, t('noRecognition')))]));
  document.getElementById('recognition').hidden = false;
}

async function download(path, fileName) {
  const response = await api(path, { accept: '*/*' });
  const url = URL.createObjectURL(await response.blob());
  const link = el('a', { href: url, download: fileName });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function wireExports() {
  for (const button of document.querySelectorAll('[data-export]')) {
    button.addEventListener('click', async () => {
      const { districtId, month } = selected();
      const full = document.getElementById('full').checked;
      if (full && !window.confirm(t('fullConfirm'))) return;
      const kind = button.dataset.export;
      const path = kind === 'national'
        ? `/api/v1/districts/${districtId}/exports/national-hours.xlsx?month=${month}`
        : `/api/v1/districts/${districtId}/exports/${kind}.csv${full ? '?full=true' : ''}`;
      await download(path, path.split('/').pop().split('?')[0]);
    });
  }
  for (const button of document.querySelectorAll('[data-template]')) {
    button.addEventListener('click', () => download(`/api/v1/imports/templates/${button.dataset.template}.xlsx`, `${button.dataset.template}-template.xlsx`));
  }
}

function importErrors(errors) {
  if (errors.length === 0) return null;
  return el('div', { class: 'table-wrap' }, el('table', { class: 'report-table' },
    el('thead', {}, el('tr', {}, el('th', {}, t('row')), el('th', {}, t('column')), el('th', {}, t('reason')))),
    el('tbody', {}, ...errors.map((e) => el('tr', {}, el('td', {}, String(e.row)), el('td', {}, e.column), el('td', {}, e.message))))));
}

function wireImport() {
  const result = document.getElementById('import-result');
  const commit = document.getElementById('import-commit');
  const send = async (dryRun) => {
    const file = document.getElementById('import-file').files[0];
    if (!file) return;
    const form = new FormData();
    form.append('file', file);
    const { districtId } = selected();
    const kind = document.getElementById('import-kind').value;
    try {
      const answer = await api(`/api/v1/districts/${encodeURIComponent(districtId)}/imports/${kind}${dryRun ? '?dryRun=true' : ''}`, { method: 'POST', form });
      const summary = t(dryRun ? 'dryRunResult' : 'commitResult', { ...answer, errorCount: answer.errors.length });
      result.replaceChildren(el('p', {}, summary), importErrors(answer.errors));
      commit.disabled = !dryRun || answer.valid === 0;
    } catch (error) {
      const reasons = Object.values(error.problem?.errors ?? {}).flat();
      result.replaceChildren(el('p', { class: 'badge critical' }, error.message), ...reasons.map((r) => el('p', {}, r)));
      commit.disabled = true;
    }
  };
  document.getElementById('import-check').addEventListener('click', () => send(true));
  commit.addEventListener('click', () => send(false));
  document.getElementById('import-file').addEventListener('change', () => { commit.disabled = true; result.replaceChildren(); });
}

async function refresh() {
  await Promise.all([showMonthly(), showCity(), showRecognition()]);
  document.body.dataset.ready = 'true';
}

async function start() {
  let lang = 'zh-CN';
  try { lang = localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh-CN'; } catch { /* private mode */ }
  await loadText(lang);
  document.getElementById('lang').addEventListener('click', async () => {
    const next = state.lang === 'en' ? 'zh-CN' : 'en';
    try { localStorage.setItem(LANG_KEY, next); } catch { /* private mode */ }
    await loadText(next);
    if (state.who) await refresh();
  });
  document.getElementById('print').addEventListener('click', () => window.print());

  state.who = readToken(getToken());
  if (!state.who || state.who.role === 'volunteer') {
    document.getElementById('signed-out').hidden = false;
    return;
  }
  const districts = await api('/api/v1/districts');
  state.districts = districts.filter((d) => state.who.role === 'operator' || state.who.districts.includes(d.districtId));
  const select = document.getElementById('district');
  select.replaceChildren(...state.districts.map((d) => el('option', { value: d.districtId }, districtName(d))));
  const params = new URLSearchParams(location.search);
  if (params.get('district')) select.value = params.get('district');
  // The current month is the service's (its time zone), not the browser's: the report without a month says which.
  document.getElementById('month').value = params.get('month')
    ?? (await api(`/api/v1/districts/${encodeURIComponent(select.value)}/reports/monthly`)).month;
  document.getElementById('year').value = document.getElementById('month').value.slice(0, 4);
  for (const id of ['district', 'month', 'year']) document.getElementById(id).addEventListener('change', refresh);
  document.getElementById('controls').hidden = false;
  document.getElementById('import').hidden = false;
  wireExports();
  wireImport();
  await refresh();
}

start();
