// The phone's outbox: check-ins answered on this phone wait here, in
// IndexedDB, until the server has stored them. Used by the participant pages
// (participant.js) and by the service worker (sw.js), so either can send.
//
// Rules (docs/offline.md):
// - An entry is keyed by the submission id the server uses for idempotency.
// - It is removed only after a 2xx (stored now, or stored before).
// - Network errors and 5xx keep it for the next try; 401/403 keep it until
//   its participant signs in again; any other 4xx marks it stuck and keeps it.
// - Entries are sent one at a time, oldest first, only for the participant
//   signed in on this phone.
// - The database is versioned on its own, apart from the caches: an app
//   update never clears it.

const DB_NAME = 'stegvis-outbox';
const DB_VERSION = 1;
const CHANNEL = 'stegvis-outbox';
export const SYNC_TAG = 'stegvis-outbox';
const SEND_URL = '/api/check-in/send';

/** Whether this browser can keep answers at all. */
export function supported() {
  return typeof indexedDB !== 'undefined';
}

let dbPromise = null;

function db() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = () => {
        const d = req.result;
        // Answers, one entry per check-in (state: draft | queued | stuck).
        d.createObjectStore('entries', { keyPath: 'submission_id' });
        // The open check-in as last fetched, per participant.
        d.createObjectStore('packages', { keyPath: 'participant' });
        // Check-ins the server confirmed, so the screen can say "sent".
        d.createObjectStore('receipts', { keyPath: 'submission_id' });
        // Who is signed in on this phone, and other small facts.
        d.createObjectStore('meta', { keyPath: 'key' });
      };
      req.onsuccess = () => {
        const d = req.result;
        // Another tab or the worker upgrading: let it, and reopen next time.
        d.onversionchange = () => {
          d.close();
          dbPromise = null;
        };
        resolve(d);
      };
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error('outbox database blocked'));
    });
  }
  return dbPromise;
}

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function tx(store, mode, work) {
  const d = await db();
  const t = d.transaction(store, mode, { durability: 'strict' });
  const result = await work(t.objectStore(store));
  await new Promise((resolve, reject) => {
    t.oncomplete = resolve;
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error ?? new Error('transaction aborted'));
  });
  return result;
}

const get = (store, key) => tx(store, 'readonly', (s) => request(s.get(key)));
const all = (store) => tx(store, 'readonly', (s) => request(s.getAll()));
const put = (store, value) => tx(store, 'readwrite', (s) => request(s.put(value)));
const del = (store, key) => tx(store, 'readwrite', (s) => request(s.delete(key)));

/** Tells every page and the worker that the outbox changed. */
function changed() {
  if (typeof BroadcastChannel === 'undefined') return;
  const ch = new BroadcastChannel(CHANNEL);
  ch.postMessage('changed');
  ch.close();
}

/** Calls `fn` whenever the outbox changes in another page or the worker. */
export function onChange(fn) {
  if (typeof BroadcastChannel === 'undefined') return;
  new BroadcastChannel(CHANNEL).onmessage = () => fn();
}

/** The participant signed in on this phone, as the server last said. */
export async function currentParticipant() {
  return (await get('meta', 'current'))?.participant ?? null;
}

export async function setCurrentParticipant(participant) {
  if (participant) await put('meta', { key: 'current', participant });
  else await del('meta', 'current');
}

/** Small facts kept apart from answers (e.g. the language of the kept offline page). */
export async function getMeta(key) {
  return (await get('meta', key))?.value;
}

export async function setMeta(key, value) {
  await put('meta', { key, value });
}

export async function getPackage(participant) {
  return participant ? ((await get('packages', participant))?.package ?? null) : null;
}

export async function savePackage(pkg) {
  await put('packages', { participant: pkg.participant, package: pkg, fetched_at: new Date().toISOString() });
}

export async function deletePackage(participant) {
  await del('packages', participant);
}

/** The entry of a package's check-in, made (as a draft) when there is none. */
export async function entryFor(pkg) {
  const found = await get('entries', pkg.submission_id);
  if (found) return found;
  return {
    submission_id: pkg.submission_id,
    participant: pkg.participant,
    occasion_kind: pkg.occasion_kind,
    occasion_number: pkg.occasion_number,
    instrument_version: pkg.instrument_version,
    language: null,
    answers: {},
    state: 'draft',
    created_at: new Date().toISOString(),
  };
}

/** Keeps one answer on the phone. Returns whether it was the first kept. */
export async function saveAnswer(entry, item, value, language) {
  const first = (await all('entries')).length === 0;
  entry.answers = { ...entry.answers, [item]: value };
  entry.language = language;
  entry.updated_at = new Date().toISOString();
  await put('entries', entry);
  changed();
  return first;
}

/** Send was pressed: the entry waits for the network from now on. */
export async function queue(entry, language) {
  entry.state = 'queued';
  entry.language = language;
  entry.answered_at = new Date().toISOString();
  entry.queued_at = entry.answered_at;
  entry.signed_out = false;
  await put('entries', entry);
  changed();
}

/** Every entry of a participant, oldest first. */
export async function entriesOf(participant) {
  return (await all('entries'))
    .filter((e) => e.participant === participant)
    .sort((a, b) => String(a.queued_at ?? a.created_at).localeCompare(String(b.queued_at ?? b.created_at)));
}

/** Whether anything at all waits on this phone (drafts with answers included). */
export async function hasEntries() {
  return (await all('entries')).some((e) => e.state !== 'draft' || Object.keys(e.answers ?? {}).length > 0);
}

export async function receiptsOf(participant) {
  return (await all('receipts')).filter((r) => r.participant === participant);
}

/**
 * Signing out: nothing of the participant stays readable on the phone but
 * entries still waiting to be sent (queued or stuck).
 */
export async function forgetParticipant(participant) {
  if (!participant) return;
  await deletePackage(participant);
  for (const e of await entriesOf(participant)) {
    if (e.state === 'draft') await del('entries', e.submission_id);
  }
  for (const r of await receiptsOf(participant)) await del('receipts', r.submission_id);
  if ((await currentParticipant()) === participant) await setCurrentParticipant(null);
  changed();
}

/** A refusal's message as the server worded it. */
async function messageOf(res) {
  try {
    const body = await res.json();
    if (typeof body === 'string') return body;
    const first = Object.values(body ?? {})[0];
    return typeof first === 'string' ? first : '';
  } catch {
    return '';
  }
}

let flushing = null;

/**
 * Sends what waits for the signed-in participant, oldest first, one at a
 * time. `retryStuck` also tries entries the server refused before (on page
 * load: the cause may have been mended). Resolves to what happened:
 * `idle`, `sent`, `offline`, `signed-out` or `retry` (a 5xx).
 */
export function flush({ retryStuck = false } = {}) {
  const run = async () => {
    const participant = await currentParticipant();
    if (!participant) return 'idle';
    const waiting = (await entriesOf(participant)).filter(
      (e) => e.state === 'queued' || (retryStuck && e.state === 'stuck'),
    );
    let outcome = 'idle';
    for (const entry of waiting) {
      let res;
      try {
        res = await fetch(SEND_URL, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({
            submission_id: entry.submission_id,
            participant: entry.participant,
            occasion_kind: entry.occasion_kind,
            occasion_number: entry.occasion_number,
            instrument_version: entry.instrument_version,
            language: entry.language ?? 'sv',
            answers: entry.answers,
            answered_at: entry.answered_at,
          }),
        });
      } catch {
        return 'offline';
      }
      const current = await get('entries', entry.submission_id);
      if (!current) continue;
      current.attempts = (current.attempts ?? 0) + 1;
      current.last_tried_at = new Date().toISOString();
      if (res.ok) {
        const receipt = await res.json().catch(() => ({}));
        await put('receipts', {
          next_opens: receipt.next_opens ?? null,
          next_opens_words: receipt.next_opens_words ?? null,
          submission_id: entry.submission_id,
          participant: entry.participant,
          occasion_kind: entry.occasion_kind,
          occasion_number: entry.occasion_number,
          sent_at: new Date().toISOString(),
        });
        await del('entries', entry.submission_id);
        // The kept check-in is answered: nothing of it is left to show.
        if ((await getPackage(entry.participant))?.submission_id === entry.submission_id) {
          await deletePackage(entry.participant);
        }
        changed();
        outcome = 'sent';
        continue;
      }
      if (res.status === 401 || res.status === 403) {
        current.signed_out = true;
        await put('entries', current);
        changed();
        return 'signed-out';
      }
      if (res.status >= 500 || res.status === 408 || res.status === 429) {
        current.last_status = res.status;
        await put('entries', current);
        return 'retry';
      }
      current.state = 'stuck';
      current.last_status = res.status;
      current.last_error = await messageOf(res);
      await put('entries', current);
      changed();
    }
    return outcome;
  };
  // One sender at a time across pages and the worker; within one context,
  // callers share the run in progress.
  if (!flushing) {
    const locked =
      typeof navigator !== 'undefined' && navigator.locks
        ? navigator.locks.request('stegvis-outbox-send', run)
        : run();
    flushing = locked.finally(() => {
      flushing = null;
    });
  }
  return flushing;
}
