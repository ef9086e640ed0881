/* global document, window, EventSource, fetch, location, URLSearchParams, setTimeout, setInterval, clearTimeout, CSS, console */
// The playground's page: it draws nothing itself. The server renders every fragment (escaped,
// src/playground/render.ts); this script fetches them as the workspace changes (server-sent
// events), and tells the server what the person does. Text it writes itself goes in textContent.

const boot = JSON.parse(document.getElementById('boot').textContent);
const { user, lang } = boot;
const pane = document.getElementById('timeline').dataset.pane;
const label = (key, params = {}) =>
  (boot.labels[key] ?? key).replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));

async function post(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-playground': '1' },
    body: JSON.stringify(body),
  });
  const answer = await res.json().catch(() => ({}));
  if (!res.ok) return { ok: false, error: answer.error ?? `HTTP ${res.status}` };
  return answer;
}

async function getText(path, params = {}) {
  const res = await fetch(`${path}?${new URLSearchParams({ ...params, user, lang })}`);
  return res.text();
}

function currentChannel() {
  if (pane === 'home') return null;
  return pane === 'dm' ? boot.dm : pane;
}

// ---- Refreshing what changed -------------------------------------------------------

const timers = new Map();
function soon(fn) {
  clearTimeout(timers.get(fn));
  timers.set(fn, setTimeout(fn, 40));
}

const timeline = document.getElementById('timeline');

async function refreshPane() {
  const atBottom = timeline.scrollHeight - timeline.scrollTop - timeline.clientHeight < 40;
  const markup = await getText('/playground/api/pane', { pane });
  timeline.innerHTML = markup;
  if (atBottom || pane !== 'home') timeline.scrollTop = timeline.scrollHeight;
  timeline.dataset.version = String(Number(timeline.dataset.version ?? '0') + 1);
}

const layer = document.getElementById('modal-layer');

async function refreshModal() {
  const markup = await getText('/playground/api/modal');
  const template = document.createElement('template');
  template.innerHTML = markup;
  const next = template.content.querySelector('form.bk-modal');
  const current = layer.querySelector('form.bk-modal');
  if (!next) {
    layer.replaceChildren();
    layer.classList.remove('open');
    return;
  }
  // The same view, unchanged: keep what the person has typed into it.
  if (current && current.dataset.view === next.dataset.view && current.dataset.hash === next.dataset.hash) return;
  // The same view, updated: as in Slack, what was typed stays in every element whose block_id
  // and action_id it still has (an app shows a new initial value by changing the block_id).
  const kept = current && current.dataset.view === next.dataset.view ? valuesOf(current) : null;
  layer.replaceChildren(next);
  if (kept) restoreValues(next, kept);
  layer.classList.add('open');
  next.querySelector('input:not([type=hidden]), textarea, select')?.focus({ preventScroll: true });
}

async function refreshJobLog() {
  document.getElementById('joblog').innerHTML = await getText('/playground/api/joblog');
}

function markUnread(channel) {
  const paneId = channel === boot.dm ? 'dm' : channel;
  document.querySelector(`.nav-item[data-pane="${CSS.escape(paneId)}"]`)?.classList.add('unread');
}

// ---- The clock -------------------------------------------------------------------

let clockOffset = Date.parse(boot.clock) - Date.now();
const clockNow = document.getElementById('clock-now');
const clockInput = document.getElementById('clock-input');

function localParts(at) {
  const parts = Object.fromEntries(
    // The server's fields of a moment to the minute (src/ui/minute-format.ts), sent in the boot data.
    new Intl.DateTimeFormat('en-CA', { timeZone: boot.timezone, ...boot.minuteFields })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

function showClock() {
  const now = new Date(Date.now() + clockOffset);
  clockNow.textContent = new Intl.DateTimeFormat(lang, {
    timeZone: boot.timezone,
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(now);
  clockNow.dataset.iso = now.toISOString();
  if (document.activeElement !== clockInput) clockInput.value = localParts(now);
}

async function syncClock() {
  const res = await fetch('/playground/api/clock');
  const { now } = await res.json();
  clockOffset = Date.parse(now) - Date.now();
  showClock();
}

document.getElementById('clock-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const answer = await post('/playground/api/clock', { local: clockInput.value });
  if (answer.now) {
    clockOffset = Date.parse(answer.now) - Date.now();
    clockInput.blur();
    showClock();
  }
});

// ---- Jobs ------------------------------------------------------------------------

for (const button of document.querySelectorAll('.job-button')) {
  button.addEventListener('click', async () => {
    const job = button.dataset.job;
    button.disabled = true;
    button.classList.add('busy');
    const note = document.getElementById('composer-note');
    if (note) note.textContent = label('playground.job.running', { job: boot.jobs[job] });
    const answer = await post('/playground/api/job', { job });
    button.disabled = false;
    button.classList.remove('busy');
    if (note)
      note.textContent = answer.ok ? '' : label('playground.job.failed', { job: boot.jobs[job], error: answer.error });
    soon(refreshJobLog);
  });
}

// ---- Who you are -----------------------------------------------------------------

document.getElementById('person').addEventListener('change', (event) => {
  const next = new URLSearchParams({ user: event.target.value, pane, lang });
  location.assign(`/playground?${next}`);
});

document.getElementById('person-locale').addEventListener('change', async (event) => {
  await post('/playground/api/locale', { user, locale: event.target.value });
  // Slack clients re-open the Home tab with the new language; so does the page.
  if (pane === 'home') await post('/playground/api/open', { user, tab: 'home' });
});

// ---- Values of a surface (a message or a view) --------------------------------------

const STATEFUL = new Set([
  'static_select',
  'multi_static_select',
  'external_select',
  'multi_external_select',
  'users_select',
  'multi_users_select',
  'conversations_select',
  'multi_conversations_select',
  'channels_select',
  'multi_channels_select',
  'checkboxes',
  'radio_buttons',
  'datepicker',
  'timepicker',
  'datetimepicker',
  'plain_text_input',
  'number_input',
  'email_text_input',
  'url_text_input',
  'rich_text_input',
  'file_input',
]);

function rawValue(el) {
  const type = el.dataset.type;
  if (type === 'checkboxes') return [...el.querySelectorAll('input:checked')].map((i) => i.value);
  if (type === 'radio_buttons') return el.querySelector('input:checked')?.value ?? null;
  if (type === 'file_input') return JSON.parse(el.dataset.files ?? '[]');
  if (el instanceof window.HTMLSelectElement) {
    if (el.multiple) return [...el.selectedOptions].map((o) => o.value);
    return el.value === '' ? null : el.value;
  }
  return el.value;
}

function surfaceOf(el) {
  const node = el.closest('[data-surface]');
  if (!node) return null;
  const surface =
    node.dataset.surface === 'message'
      ? { type: 'message', channel: node.dataset.channel, ts: node.dataset.ts }
      : { type: 'view', viewId: node.dataset.view };
  return { node, surface };
}

function valuesOf(node) {
  const values = {};
  for (const el of node.querySelectorAll('[data-action]')) {
    if (el.closest('[data-surface]') !== node || !STATEFUL.has(el.dataset.type)) continue;
    (values[el.dataset.block] ??= {})[el.dataset.action] = rawValue(el);
  }
  return values;
}

function restoreValues(node, values) {
  for (const el of node.querySelectorAll('[data-action]')) {
    const value = values[el.dataset.block]?.[el.dataset.action];
    if (value === undefined || !STATEFUL.has(el.dataset.type) || el.dataset.type === 'file_input') continue;
    const chosen = new Set(Array.isArray(value) ? value : value === null ? [] : [value]);
    if (el.dataset.type === 'checkboxes' || el.dataset.type === 'radio_buttons') {
      for (const input of el.querySelectorAll('input')) input.checked = chosen.has(input.value);
    } else if (el instanceof window.HTMLSelectElement) {
      for (const option of el.options) option.selected = chosen.has(option.value);
    } else el.value = value ?? '';
  }
}

async function act(el, value) {
  const found = surfaceOf(el);
  if (!found) return;
  el.classList.add('busy');
  const answer = await post('/playground/api/act', {
    user,
    surface: found.surface,
    block: el.dataset.block,
    action: el.dataset.action,
    value,
    values: valuesOf(found.node),
  });
  el.classList.remove('busy');
  if (!answer.ok) showNote(label('playground.client.no_answer', { error: answer.error }));
}

function showNote(text) {
  const note = document.getElementById('composer-note');
  if (note) note.textContent = text;
  else console.warn(text);
}

/** A button's confirmation dialog, when it has one: resolves true to go on. */
function confirmed(el) {
  const dialog = el.parentElement?.querySelector(':scope > .bk-confirm');
  if (!dialog) return Promise.resolve(true);
  dialog.hidden = false;
  return new Promise((resolve) => {
    const done = (yes) => {
      dialog.hidden = true;
      resolve(yes);
    };
    dialog.querySelector('[data-confirm="yes"]').onclick = () => done(true);
    dialog.querySelector('[data-confirm="no"]').onclick = () => done(false);
  });
}

document.addEventListener('click', async (event) => {
  const target = event.target instanceof window.Element ? event.target : null;
  if (!target) return;
  const button = target.closest('button[data-action]');
  if (button && (button.dataset.type === 'button' || button.dataset.type === 'workflow_button')) {
    if (!(await confirmed(button))) return;
    if (button.dataset.url) window.open(button.dataset.url, '_blank', 'noopener');
    await act(button, null);
    return;
  }
  const overflowButton = target.closest('.bk-overflow-button');
  if (overflowButton) {
    const menu = overflowButton.parentElement.querySelector('.bk-overflow-menu');
    menu.hidden = !menu.hidden;
    return;
  }
  const option = target.closest('.bk-overflow-option');
  if (option) {
    const overflow = option.closest('.bk-overflow');
    option.parentElement.hidden = true;
    if (await confirmed(overflow.querySelector('.bk-overflow-button'))) await act(overflow, option.dataset.value);
    return;
  }
  const modalButton = target.closest('[data-modal]');
  if (modalButton && modalButton.dataset.modal !== 'submit') {
    const form = modalButton.closest('form.bk-modal');
    await post('/playground/api/close', {
      user,
      view: form.dataset.view,
      all: modalButton.dataset.modal === 'dismiss',
    });
    soon(refreshModal);
    return;
  }
  const nav = target.closest('.nav-item');
  if (nav) nav.classList.remove('unread');
});

/** An element that sends its change at once: not an input of a modal (unless it dispatches). */
function actsAlone(el) {
  return el.dataset.place !== 'input' || el.dataset.dispatch === '1';
}

document.addEventListener('change', async (event) => {
  const target = event.target instanceof window.Element ? event.target : null;
  if (!target) return;
  const el = target.closest('[data-action]');
  if (!el) return;
  if (el.dataset.type === 'file_input') return uploadFiles(el, target);
  if (!actsAlone(el) || !STATEFUL.has(el.dataset.type)) return;
  if (/_input$/.test(el.dataset.type)) return; // text inputs dispatch on Enter
  await act(el, rawValue(el));
});

document.addEventListener('keydown', async (event) => {
  const target = event.target instanceof window.Element ? event.target : null;
  if (event.key === 'Escape' && layer.classList.contains('open')) {
    const form = layer.querySelector('form.bk-modal');
    if (form) {
      await post('/playground/api/close', { user, view: form.dataset.view, all: true });
      soon(refreshModal);
    }
    return;
  }
  if (event.key !== 'Enter' || !target) return;
  const el = target.closest('[data-action]');
  if (el && el.dataset.dispatch === '1' && /_input$/.test(el.dataset.type) && el.tagName !== 'TEXTAREA') {
    event.preventDefault();
    await act(el, rawValue(el));
  }
});

async function uploadFiles(el, input) {
  const max = Number(el.dataset.maxFiles ?? '10');
  const chosen = [...input.files].slice(0, max);
  const list = el.querySelector('.bk-files');
  list.replaceChildren();
  const ids = [];
  for (const file of chosen) {
    const item = document.createElement('span');
    item.className = 'bk-file-chip';
    item.textContent = `${file.name} …`;
    list.append(item);
    const res = await fetch(`/playground/api/upload?${new URLSearchParams({ user, name: file.name })}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'x-playground': '1' },
      body: file,
    });
    const answer = await res.json();
    if (res.ok) {
      ids.push(answer.id);
      item.textContent = `📎 ${answer.name}`;
    } else item.textContent = `${file.name}: ${answer.error}`;
  }
  el.dataset.files = JSON.stringify(ids);
}

// ---- Submitting a modal --------------------------------------------------------------

function isEmpty(value) {
  return value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/** What Slack's client checks before it sends a submission: required inputs and number ranges. */
function clientErrors(form) {
  const errors = {};
  for (const block of form.querySelectorAll('.bk-input')) {
    const el = block.querySelector('[data-action]');
    if (!el) continue;
    const value = rawValue(el);
    if (block.dataset.required === '1' && isEmpty(typeof value === 'string' ? value.trim() : value)) {
      errors[block.dataset.blockId] = label('playground.client.required');
    } else if (el.dataset.type === 'number_input' && value !== '' && !el.checkValidity()) {
      errors[block.dataset.blockId] = label('playground.client.number_range', {
        min: el.min || '…',
        max: el.max || '…',
      });
    }
  }
  return errors;
}

function showErrors(form, errors) {
  for (const block of form.querySelectorAll('.bk-input')) {
    const text = errors[block.dataset.blockId] ?? '';
    block.classList.toggle('bk-has-error', text !== '');
    block.querySelector('.bk-error').textContent = text;
  }
}

document.addEventListener('submit', async (event) => {
  const form = event.target;
  if (!(form instanceof window.HTMLFormElement)) return;
  if (form.classList.contains('bk-modal')) {
    event.preventDefault();
    const local = clientErrors(form);
    showErrors(form, local);
    if (Object.keys(local).length > 0) return;
    const buttons = form.querySelectorAll('.bk-modal-foot button');
    buttons.forEach((b) => (b.disabled = true));
    form.classList.add('busy');
    const answer = await post('/playground/api/submit', { user, view: form.dataset.view, values: valuesOf(form) });
    buttons.forEach((b) => (b.disabled = false));
    form.classList.remove('busy');
    if (answer.outcome === 'errors') showErrors(form, answer.errors);
    else if (answer.outcome === 'failed' || answer.ok === false)
      showErrors(form, {
        [form.querySelector('.bk-input')?.dataset.blockId ?? '']: label('playground.client.no_answer', {
          error: answer.error,
        }),
      });
    soon(refreshModal);
  }
});

// ---- The composer ----------------------------------------------------------------

const composer = document.getElementById('composer');
if (composer) {
  composer.addEventListener('submit', async (event) => {
    event.preventDefault();
    const input = document.getElementById('composer-input');
    const text = input.value.trim();
    if (text === '') return;
    if (!text.startsWith('/')) return showNote(label('playground.composer.commands_only'));
    showNote('');
    const answer = await post('/playground/api/command', { user, channel: currentChannel(), text });
    if (answer.ok) input.value = '';
    else if (answer.error === 'unknown_command')
      showNote(label('playground.composer.unknown', { command: text.split(/\s/)[0] }));
    else showNote(label('playground.client.no_answer', { error: answer.error }));
  });
}

// ---- Events from the workspace -----------------------------------------------------------

const events = new EventSource('/playground/api/events');
let connectedOnce = false;
events.onopen = () => {
  // After a reconnection (the playground restarted), everything may have changed meanwhile.
  if (connectedOnce) {
    soon(refreshPane);
    soon(refreshModal);
    soon(syncClock);
  }
  connectedOnce = true;
  document.body.dataset.ready = '1';
};
events.onmessage = (event) => {
  const change = JSON.parse(event.data);
  switch (change.kind) {
    case 'channel':
      if (change.channel === currentChannel()) soon(refreshPane);
      else if (!change.channel.startsWith('D') || change.channel === boot.dm) markUnread(change.channel);
      break;
    case 'home':
      if (change.user === user && pane === 'home') soon(refreshPane);
      break;
    case 'modal':
      if (change.user === user) soon(refreshModal);
      break;
    case 'clock':
      soon(syncClock);
      break;
    case 'job':
      soon(refreshJobLog);
      break;
    case 'people':
      // The person's Slack language changed: Slack's own words around the messages follow it.
      if (change.user === user) location.reload();
      break;
    default:
      break;
  }
};

showClock();
setInterval(showClock, 15_000);
timeline.scrollTop = timeline.scrollHeight;
if (layer.querySelector('form.bk-modal')) layer.classList.add('open');
// Opening a tab of the app tells it, as Slack does (the Home is drawn by the app when it hears this).
if (pane === 'home') post('/playground/api/open', { user, tab: 'home' });
if (pane === 'dm') post('/playground/api/open', { user, tab: 'messages' });
