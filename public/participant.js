// Participant pages with JavaScript: the pages are plain server-rendered
// forms that work without this script. With it, the phone keeps the open
// check-in (fetched when a start screen loads online) and the participant can
// answer, go back, review and send with no network: answers wait in the
// outbox (outbox.js) until the server has them, and the screen always says
// whether they are sent or waiting. See docs/offline.md.
import * as box from './outbox.js';

const PACKAGE_URL = '/api/check-in/package';
const ANSWER_URL = '/api/check-in/answer';
const START = '/svara';
const REVIEW = '/svara/granska';
const THANKS = '/svara/tack';
const JOURNEY = '/svara/min-resa';
const PREFS_COOKIE = 'stegvis_prefs';
const RETRY_MIN_MS = 2000;
const RETRY_MAX_MS = 5 * 60 * 1000;

const main = document.getElementById('main');
const root = document.documentElement;
// Texts the server rendered for this page's language (outbox and offline words).
const pageTexts = readPageTexts();

const state = {
  participant: null,
  pkg: null,
  entry: null,
  active: false,
  retryMs: RETRY_MIN_MS,
  retryTimer: null,
  sending: false,
};

function readPageTexts() {
  try {
    return JSON.parse(document.getElementById('stegvis-texts')?.textContent ?? '{}');
  } catch {
    return {};
  }
}

// ---------------------------------------------------------------- helpers

/** Builds an element: h('p', { class: 'x' }, 'text', child). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function fill(template, values) {
  return Object.entries(values).reduce((text, [k, v]) => text.replaceAll(`{${k}}`, String(v)), template ?? '');
}

function questionStep(path) {
  const m = /^\/svara\/fraga\/(\d+)$/.exec(path);
  return m ? Number(m[1]) : null;
}

function isCheckInPath(path) {
  return path === START || path === REVIEW || path === THANKS || questionStep(path) !== null;
}

function readPrefs() {
  const raw = document.cookie
    .split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${PREFS_COOKIE}=`));
  const [lang, pictures, size] = (raw?.split('=')[1] ?? '').split('.');
  return {
    lang: lang || root.lang || 'sv',
    pictures: pictures ? pictures !== '0' : root.dataset.pictures !== 'off',
    size: size || root.dataset.textSize || 'normal',
  };
}

/** The kept check-in in the participant's language (or the first one). */
function language() {
  const langs = state.pkg?.languages ?? [];
  return langs.find((l) => l.code === readPrefs().lang) ?? langs.find((l) => l.code === root.lang) ?? langs[0];
}

/** A screen text: from the kept check-in, else from the page. */
function text(key) {
  return language()?.texts?.[key] ?? pageTexts[key] ?? '';
}

/** A text the server formatted for every count (plural rules are the language's own). */
function counted(key, n) {
  const forms = language()?.texts?.[key];
  return Array.isArray(forms) ? forms[n] ?? forms[forms.length - 1] ?? '' : '';
}

// ---------------------------------------------------------------- "Lyssna"

function speechEngine() {
  return typeof window.speechSynthesis === 'object' && window.speechSynthesis ? window.speechSynthesis : null;
}

function speak(words, lang) {
  const engine = speechEngine();
  if (!engine) return;
  const utterance = new SpeechSynthesisUtterance(words);
  utterance.lang = lang;
  engine.cancel();
  engine.speak(utterance);
}

/** Shows the server-rendered "Lyssna" buttons once a voice engine is there. */
function wireListenButtons(scope) {
  if (!speechEngine()) return;
  for (const button of scope.querySelectorAll('button[data-speak]')) {
    if (button.dataset.wired) continue;
    button.dataset.wired = 'true';
    button.hidden = false;
    button.addEventListener('click', () => speak(button.dataset.speak, button.dataset.speakLang));
  }
}

function listenButton(words, lang) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'icon');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '24');
  svg.setAttribute('height', '24');
  svg.innerHTML =
    '<path d="M3 9v6h4l5 4V5L7 9H3z" fill="currentColor"/>' +
    '<path d="M16 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>';
  return h(
    'button',
    { type: 'button', class: 'button listen', hidden: true, 'data-speak': words, 'data-speak-lang': lang },
    svg,
    h('span', {}, text('listen')),
  );
}

// ---------------------------------------------------------------- status

/** What the outbox holds for the signed-in participant, in words. */
async function statusLine() {
  if (!state.participant) return null;
  const entries = (await box.entriesOf(state.participant)).filter((e) => e.state !== 'draft');
  if (entries.some((e) => e.state === 'stuck')) return { kind: 'stuck', text: text('outbox_stuck_heading') };
  const queued = entries.filter((e) => e.state === 'queued');
  if (queued.some((e) => e.signed_out)) return { kind: 'sign-in', text: text('outbox_sign_in') };
  if (queued.length > 0) {
    return { kind: 'waiting', text: state.sending ? text('outbox_sending') : text('outbox_waiting') };
  }
  const receipts = await box.receiptsOf(state.participant);
  if (receipts.length > 0) return { kind: 'sent', text: text('outbox_sent') };
  return null;
}

let shownKind = null;

/** Keeps the status line at the top of the page up to date. */
async function refreshStatus() {
  const line = await statusLine();
  let region = document.getElementById('outbox-status');
  if (!region) {
    region = h('div', { id: 'outbox-status', class: 'outbox-status', role: 'status' });
    main.before(region);
  }
  const words = line ? [line.text, line.kind === 'sign-in' ? 'link' : ''].join() : '';
  if (region.dataset.words !== words) {
    region.dataset.words = words;
    region.dataset.kind = line?.kind ?? 'none';
    region.replaceChildren(line ? h('p', {}, line.text) : '');
    if (line?.kind === 'sign-in') region.append(h('p', {}, h('a', { href: '/' }, text('pin_heading'))));
  }
  const leaveWarning = document.getElementById('leave-warning');
  if (leaveWarning) leaveWarning.hidden = !(line && line.kind !== 'sent');
  const kind = line?.kind ?? 'none';
  if (state.active && location.pathname === THANKS && kind !== shownKind) await render(THANKS, false);
  shownKind = kind;
}

// ---------------------------------------------------------------- sending

function scheduleRetry() {
  clearTimeout(state.retryTimer);
  state.retryTimer = setTimeout(() => sendNow(), state.retryMs);
  state.retryMs = Math.min(state.retryMs * 2, RETRY_MAX_MS);
}

/** Sends what waits now; on failure tries again later, each time waiting longer. */
async function sendNow({ retryStuck = false } = {}) {
  if (!state.participant) return;
  const waiting = (await box.entriesOf(state.participant)).some(
    (e) => e.state === 'queued' || (retryStuck && e.state === 'stuck'),
  );
  if (!waiting) return;
  state.sending = true;
  await refreshStatus();
  let outcome;
  try {
    outcome = await box.flush({ retryStuck });
  } finally {
    state.sending = false;
  }
  if (outcome === 'offline' || outcome === 'retry') scheduleRetry();
  else state.retryMs = RETRY_MIN_MS;
  await refreshStatus();
}

/** Asks the browser to send for us even if the page is closed (where it can). */
async function askForBackgroundSync() {
  try {
    const reg = await navigator.serviceWorker?.ready;
    await reg?.sync?.register(box.SYNC_TAG);
  } catch {
    // Not offered by this browser: the page's own retries remain.
  }
}

// ---------------------------------------------------------------- the kept check-in

/**
 * Asks the server for the open check-in and keeps it. Without network, or
 * when the server fails, the kept one is used.
 */
async function loadCheckIn() {
  let res;
  try {
    res = await fetch(PACKAGE_URL, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  } catch {
    return useKept();
  }
  if (res.status === 401) {
    // Signed out (or timed out): nothing to show; waiting answers stay.
    await box.setCurrentParticipant(null);
    state.participant = null;
    return;
  }
  if (!res.ok) return useKept();
  const body = await res.json();
  if (!body.participant) return; // answered together with staff: keep nothing
  state.participant = body.participant;
  await box.setCurrentParticipant(body.participant);
  if (body.package) {
    await box.savePackage(body.package);
    state.pkg = body.package;
  } else {
    await box.deletePackage(body.participant);
    state.pkg = null;
  }
}

async function useKept() {
  state.participant = await box.currentParticipant();
  state.pkg = await box.getPackage(state.participant);
}

/** The answers so far: the server's draft, then what this phone has. */
function answers() {
  return { ...(state.pkg?.answers ?? {}), ...(state.entry?.answers ?? {}) };
}

function syncDraft(step, item, value) {
  if (!navigator.onLine) return;
  const body = new URLSearchParams({
    submission_id: state.pkg.submission_id,
    step: String(step),
    item,
    answer: value,
    go: 'next',
  });
  // Best effort: the outbox has the answer either way. The body is read so
  // the request ends at once.
  fetch(ANSWER_URL, { method: 'POST', credentials: 'same-origin', body })
    .then((res) => res.arrayBuffer())
    .catch(() => {});
}

// ---------------------------------------------------------------- screens

function setTitle(words) {
  document.title = `${words} – Stegvis`;
}

function startScreen() {
  const lang = language();
  const items = state.pkg.items;
  const given = answers();
  const answered = items.filter((id) => id in given).length;
  const resumeAt = items.findIndex((id) => !(id in given));
  const href = resumeAt === -1 ? REVIEW : `/svara/fraga/${resumeAt + 1}`;
  setTitle(text('start_heading'));
  return [
    h('h1', { tabindex: '-1' }, text('start_heading')),
    h('p', {}, lang.occasion),
    h('p', {}, text('start_count')),
    h('p', {}, text('no_right_answers')),
    h('p', {}, text('answer_until')),
    answered > 0 ? h('p', {}, counted('resume_count', answered)) : null,
    h('p', {}, h('a', { class: 'button button-primary', href }, answered > 0 ? text('resume') : text('begin'))),
  ];
}

function questionScreen(step) {
  const lang = language();
  const q = lang.questions[step - 1];
  const chosen = answers()[q.item_id];
  const progress = counted('progress', step);
  setTitle(progress);
  const errorBox = h('div', { 'aria-live': 'assertive' });
  const fieldset = h(
    'fieldset',
    { class: 'question', 'aria-describedby': 'progress' },
    h('legend', {}, h('h1', { tabindex: '-1' }, q.question)),
    q.help ? h('p', { class: 'help' }, q.help) : null,
    listenButton([q.question, ...q.options.map((o) => o.label)].join('. '), lang.code),
    h(
      'div',
      { class: 'options' },
      q.options.map((o) =>
        h(
          'label',
          { class: o.value === 'declined' ? 'option option-declined' : 'option' },
          h('input', { type: 'radio', name: 'answer', value: o.value, checked: chosen === o.value }),
          o.picture
            ? h('img', { class: 'option-picture', src: `/pictures/${o.picture}.svg`, alt: '', width: 48, height: 48 })
            : null,
          h('span', { class: 'option-label' }, o.label),
        ),
      ),
    ),
    errorBox,
  );
  const form = h(
    'form',
    { method: 'post', action: ANSWER_URL, novalidate: true },
    // The first submit button is the one Enter uses: Next, out of sight and
    // out of the tab order (as on the server's page).
    h(
      'button',
      { type: 'submit', name: 'go', value: 'next', class: 'visually-hidden', tabindex: '-1', 'aria-hidden': 'true' },
      text('next'),
    ),
    fieldset,
    h(
      'div',
      { class: 'step-buttons' },
      h('button', { type: 'submit', name: 'go', value: 'back', class: 'button' }, text('back')),
      h('button', { type: 'submit', name: 'go', value: 'next', class: 'button button-primary' }, text('next')),
    ),
  );
  // Once an answer is chosen the question is no longer in error.
  fieldset.addEventListener('change', () => {
    if (!fieldset.hasAttribute('aria-invalid')) return;
    errorBox.replaceChildren();
    fieldset.setAttribute('aria-describedby', 'progress');
    for (const el of [fieldset, ...fieldset.querySelectorAll('[aria-invalid]')]) el.removeAttribute('aria-invalid');
  });
  let busy = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return; // a second tap while the first is kept
    const go = event.submitter?.value ?? 'next';
    const value = form.querySelector('input[name="answer"]:checked')?.value;
    if (go === 'next' && !value) {
      // The app's own message in the participant's language, announced and
      // tied to the question; invalid only from now on.
      errorBox.replaceChildren(h('p', { class: 'field-error', id: 'answer-error' }, text('choose_answer')));
      fieldset.setAttribute('aria-describedby', 'progress answer-error');
      for (const el of [fieldset, ...fieldset.querySelectorAll('input[name="answer"]')]) {
        el.setAttribute('aria-invalid', 'true');
      }
      fieldset.querySelector('input')?.focus();
      return;
    }
    busy = true;
    if (value) {
      const first = await box.saveAnswer(state.entry, q.item_id, value, lang.code);
      if (first) navigator.storage?.persist?.().catch(() => {});
      syncDraft(step, q.item_id, value);
    }
    const total = q.total;
    const next = go === 'next' ? (step >= total ? REVIEW : `/svara/fraga/${step + 1}`) : step === 1 ? START : `/svara/fraga/${step - 1}`;
    navigate(next);
  });
  return [h('p', { class: 'progress', id: 'progress' }, progress), form];
}

function reviewScreen() {
  const lang = language();
  const given = answers();
  setTitle(text('review_heading'));
  const rows = lang.questions.map((q) => {
    const value = given[q.item_id];
    const option = q.options.find((o) => o.value === value);
    return h(
      'li',
      {},
      h('p', { class: 'review-question' }, q.question),
      h('p', { class: 'review-answer' }, option ? option.label : text('no_answer_yet')),
      h('a', { href: `/svara/fraga/${q.step}` }, counted('change_answer', q.step)),
    );
  });
  const complete = lang.questions.every((q) => q.item_id in given);
  const send = h(
    'form',
    { method: 'post', action: '/api/check-in/submit' },
    h('button', { type: 'submit', class: 'button button-primary' }, text('send')),
  );
  send.addEventListener('submit', async (event) => {
    event.preventDefault();
    // The server's draft may hold answers this phone never saw: send them all.
    state.entry.answers = given;
    await box.queue(state.entry, lang.code);
    askForBackgroundSync();
    navigate(THANKS);
    sendNow();
  });
  return [
    h('h1', { tabindex: '-1' }, text('review_heading')),
    h('p', {}, text('review_intro')),
    h('ol', { class: 'review' }, rows),
    complete
      ? send
      : [h('p', {}, text('answer_all_first')), h('p', {}, h('a', { class: 'button', href: START }, text('keep_answering')))],
  ];
}

/**
 * After Send. Whether the answers are sent or waiting is said by the status
 * line above (a live region); this screen adds what to do next.
 */
async function thanksScreen() {
  const entries = state.participant ? await box.entriesOf(state.participant) : [];
  const stuck = entries.find((e) => e.state === 'stuck');
  if (stuck) {
    setTitle(text('outbox_stuck_heading'));
    return [
      h('h1', { tabindex: '-1' }, text('outbox_stuck_heading')),
      h('p', {}, text('outbox_stuck_body')),
      h('p', {}, text('outbox_stuck_help')),
      h('p', {}, fill(text('outbox_stuck_code'), { code: stuck.submission_id.slice(0, 8).toUpperCase() })),
      stuck.last_error ? h('p', { class: 'stuck-reason' }, stuck.last_error) : null,
    ];
  }
  const queued = entries.find((e) => e.state === 'queued');
  const receipts = state.participant ? await box.receiptsOf(state.participant) : [];
  const latest = receipts.sort((a, b) => String(b.sent_at).localeCompare(String(a.sent_at)))[0];
  setTitle(text('thanks_heading'));
  return [
    h('h1', { tabindex: '-1' }, text('thanks_heading')),
    queued?.signed_out ? h('p', {}, h('a', { class: 'button button-primary', href: '/' }, text('pin_heading'))) : null,
    queued ? null : h('p', {}, text('thanks_next')),
    !queued && latest?.next_opens_words
      ? h('p', {}, fill(text('thanks_next_date'), { date: latest.next_opens_words }))
      : null,
    !queued && navigator.onLine
      ? h('p', {}, h('a', { class: 'button button-primary', href: JOURNEY }, text('journey_link')))
      : null,
  ];
}

/** Draws a screen of the kept check-in into the page. */
async function render(path, focus) {
  const step = questionStep(path);
  const pending = state.participant
    ? (await box.entriesOf(state.participant)).some((e) => e.state !== 'draft')
    : false;
  const sentOrWaiting = path === THANKS || (state.entry && state.entry.state !== 'draft') || (!state.pkg && pending);
  let content;
  if (sentOrWaiting) content = await thanksScreen();
  else if (step !== null && state.pkg && step >= 1 && step <= state.pkg.items.length) content = questionScreen(step);
  else if (path === REVIEW && state.pkg) content = reviewScreen();
  else if (state.pkg) content = startScreen();
  else return;
  main.replaceChildren(...content.flat().filter(Boolean));
  main.dataset.drawn = 'phone';
  wireListenButtons(main);
  if (focus) main.querySelector('h1')?.focus();
}

async function navigate(path) {
  history.pushState({}, '', path);
  state.entry = state.pkg ? await box.entryFor(state.pkg) : state.entry;
  await render(path, true);
}

/** From now on the check-in's screens are drawn here, online or not. */
async function takeOver() {
  state.active = true;
  state.entry = state.pkg ? await box.entryFor(state.pkg) : null;
  relabel();
  main.addEventListener('click', (event) => {
    const link = event.target.closest?.('a[href]');
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey) return;
    const path = new URL(link.href).pathname;
    if (!isCheckInPath(path) || new URL(link.href).origin !== location.origin) return;
    event.preventDefault();
    navigate(path);
  });
  window.addEventListener('popstate', async () => {
    state.entry = state.pkg ? await box.entryFor(state.pkg) : null;
    render(location.pathname, true);
  });
  const chosen = main.querySelector('input[name="answer"]:checked')?.value;
  await render(location.pathname, false);
  if (chosen) {
    const again = [...main.querySelectorAll('input[name="answer"]')].find((i) => i.value === chosen);
    if (again) again.checked = true;
  }
}

// ---------------------------------------------------------------- settings offline

/** Puts the page's own words (menu, settings) in the chosen language. */
function relabel() {
  const lang = language();
  if (!lang) return;
  root.lang = lang.code;
  root.dir = lang.dir;
  for (const el of document.querySelectorAll('[data-t]')) {
    const words = lang.texts[el.dataset.t];
    if (words) el.textContent = words;
  }
}

/**
 * Language, pictures and text size without a round trip: the choice goes to
 * the same cookie the server reads, and the screen is drawn again.
 */
function wireSettings() {
  const form = document.querySelector('details.settings form');
  if (!form) return;
  form.addEventListener('submit', (event) => {
    if (!state.active && navigator.onLine) return; // the server draws the page again
    event.preventDefault();
    const data = new FormData(form);
    const prefs = readPrefs();
    const lang = String(data.get('lang') ?? prefs.lang);
    const pictures = String(data.get('pictures') ?? (prefs.pictures ? 'on' : 'off'));
    const size = String(data.get('size') ?? prefs.size);
    document.cookie = `${PREFS_COOKIE}=${lang}.${pictures === 'on' ? 1 : 0}.${size}; Path=/; Max-Age=31536000; SameSite=Lax`;
    root.dataset.pictures = pictures;
    root.dataset.textSize = size;
    relabel();
    form.closest('details')?.removeAttribute('open');
    if (state.active) render(location.pathname, true);
    refreshStatus();
  });
}

// ---------------------------------------------------------------- signing out

function wireLeave(form) {
  const warning = h('p', { id: 'leave-warning', class: 'leave-warning', hidden: true }, text('leave_waiting'));
  form.before(warning);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await box.forgetParticipant(state.participant ?? (await box.currentParticipant()));
    form.submit();
  });
}

// ---------------------------------------------------------------- focus

// Set when a participant page is left in this tab: the next page is then an
// arrival from the flow (a link, a form post, Back) and not a first visit.
const ARRIVING = 'stegvis-arriving';

function leavingPage() {
  try {
    sessionStorage.setItem(ARRIVING, '1');
  } catch {
    // No session storage (a locked-down browser): focus starts at the top.
  }
}

function arrivedFromFlow() {
  try {
    const arriving = sessionStorage.getItem(ARRIVING) === '1';
    sessionStorage.removeItem(ARRIVING);
    return arriving;
  } catch {
    return false;
  }
}

/**
 * Every participant page is a document of its own (code, PIN, start, Min
 * resa, ...), so the browser leaves focus on <body> and a screen reader
 * starts nowhere in particular. Focus goes to what the page is about: its
 * error when a form came back with one, otherwise its heading.
 */
function focusPageStart() {
  const target = main?.querySelector('.notice-error, .field-error') ?? main?.querySelector('h1');
  if (!target) return;
  if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
  target.focus();
}

// ---------------------------------------------------------------- updates

function showUpdateNotice(worker) {
  if (document.getElementById('update-notice')) return;
  const button = h('button', { type: 'button', class: 'button' }, text('update_now'));
  button.addEventListener('click', () => worker.postMessage('skip-waiting'));
  main.before(h('div', { id: 'update-notice', class: 'update-notice', role: 'status' }, h('p', {}, text('new_version')), button));
}

async function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  const hadController = Boolean(navigator.serviceWorker.controller);
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    // A first install takes control without a reload; an update reloads so
    // page and worker are the same version.
    if (!hadController || reloading) return;
    reloading = true;
    location.reload();
  });
  let reg;
  try {
    reg = await navigator.serviceWorker.register('/sw.js', { type: 'module', scope: '/' });
  } catch {
    return;
  }
  const offerUpdate = async () => {
    const waiting = reg.waiting;
    if (!waiting || !navigator.serviceWorker.controller) return;
    // Between check-ins the new version takes over at once; while answers
    // wait on the phone only when the participant taps.
    if (await box.hasEntries()) showUpdateNotice(waiting);
    else waiting.postMessage('skip-waiting');
  };
  reg.addEventListener('updatefound', () => {
    const installing = reg.installing;
    installing?.addEventListener('statechange', () => {
      if (installing.state === 'installed') offerUpdate();
    });
  });
  offerUpdate();
  // The kept offline page follows the chosen language.
  const lang = readPrefs().lang;
  if (navigator.onLine && (await box.getMeta('offline-page-lang')) !== lang) {
    (await navigator.serviceWorker.ready).active?.postMessage('keep-offline-page');
    await box.setMeta('offline-page-lang', lang);
  }
}

// ---------------------------------------------------------------- start

/** Print buttons ("Mina svar") work only with a script: shown here. */
function wirePrintButtons() {
  for (const button of document.querySelectorAll('button[data-print]')) {
    button.hidden = false;
    button.addEventListener('click', () => window.print());
  }
}

async function start() {
  const arriving = arrivedFromFlow();
  window.addEventListener('pagehide', leavingPage);
  if (arriving) focusPageStart();
  wireListenButtons(document);
  wirePrintButtons();
  if (!box.supported() || !main) return;
  registerServiceWorker().catch(() => {});
  const offlinePage = Boolean(document.querySelector('[data-offline-shell]'));
  const leaveForm = document.querySelector('form[action$="/api/access/leave"]');
  const path = location.pathname;
  if (offlinePage) {
    await useKept();
  } else if (isCheckInPath(path)) {
    // The server's page names its submission: when the kept check-in is the
    // same one, draw from it at once, then refresh it from the server.
    await useKept();
    const shown = document.querySelector('main input[name="submission_id"]')?.value;
    if (state.pkg && shown === state.pkg.submission_id) await takeOver();
    else state.pkg = null;
    const before = state.pkg?.submission_id;
    await loadCheckIn();
    if (state.active && state.pkg && state.pkg.submission_id !== before) {
      state.entry = await box.entryFor(state.pkg);
      await render(location.pathname, false);
    }
  } else if (leaveForm) {
    await loadCheckIn();
  } else {
    state.participant = await box.currentParticipant();
  }
  if (leaveForm) wireLeave(leaveForm);
  wireSettings();
  box.onChange(() => refreshStatus());
  window.addEventListener('online', () => sendNow());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') sendNow();
  });
  const entries = state.participant ? await box.entriesOf(state.participant) : [];
  const drawable = isCheckInPath(path) || (offlinePage && (path === '/' || path === '/offline'));
  if (!state.active && drawable && (state.pkg || entries.some((e) => e.state !== 'draft'))) await takeOver();
  else if (offlinePage && state.pkg) relabel();
  await refreshStatus();
  // Drawing the kept check-in replaced the heading that had focus.
  if (arriving && (document.activeElement === document.body || !document.activeElement)) focusPageStart();
  await sendNow({ retryStuck: true });
}

start().finally(() => {
  // Lets people and tests tell that the page is now enhanced.
  root.dataset.enhanced = 'true';
});
