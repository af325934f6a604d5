/**
 * What a participant's phone downloads and waits for. Run by
 * scripts/bench-pages.sh, which builds, starts a demo server and passes its
 * address and log file:
 *
 *   node tests/bench/pages.mjs http://127.0.0.1:PORT SERVER_LOG [PROXY_PORT]
 *
 * It relies on no more of the pages than their URLs (`/`, `/svara`,
 * `/svara/fraga/1`), the sign-in texts the end-to-end tests use, and roles:
 * radio inputs and a submit button. It works with or without a service worker.
 *
 * Every browser request goes through a small TCP proxy in front of the
 * server, which counts the bytes on the wire (HTTP headers included) of every
 * request, whichever target makes it (page or service worker), and for the
 * timings shapes the link like a slow phone connection: 400 kbit/s each way
 * and 400 ms round trip, the figures one would give Chrome's
 * `Network.emulateNetworkConditions`.
 * The proxy rather than that CDP call, because the call applies to one target
 * only: a service worker's own requests (its precache, a navigation it passes
 * on) would escape it, and Playwright gives no CDP session for workers.
 * Connections share the link fairly, one segment each in turn, as the CDP
 * throttle shares it between requests.
 */
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { gunzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const { chromium } = require('@playwright/test');
const { CHROMIUM_ARGS } = require('../playwright.config.ts');

/** The slow connection: bits per second each way, and round-trip time. */
const SLOW = { bitsPerSecond: 400_000, rttMs: 400 };
/** Bytes the link sends in one piece (a TCP segment's payload). */
const SEGMENT = 1460;
/** The network counts as idle after this long without a byte either way. */
const QUIET_MS = 2_000;
/** Timed visits of each kind; the table shows the median. */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PHONE = { width: 360, height: 740 };
const PIN = '2580';
/** Goals the table is checked against (bytes; 1 KB = 1000 bytes). */
const GOALS = { pageKb: 30, firstVisitKb: 350, repeatStaticKb: 0 };

const [serverURL, serverLog, proxyPort = '0'] = process.argv.slice(2);
if (!serverURL || !serverLog) {
  console.error('usage: node tests/bench/pages.mjs SERVER_URL SERVER_LOG');
  process.exit(2);
}
const server = new URL(serverURL);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const kb = (bytes) => (bytes / 1000).toFixed(1);
const seconds = (ms) => (ms / 1000).toFixed(2);
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};

/**
 * A TCP proxy that counts bytes per direction and per request, and can shape
 * the link. HTTP/1.1 without pipelining (what Chromium speaks to a plain-HTTP
 * server) means each connection carries one request at a time, so every byte
 * the server sends belongs to the request last seen on that connection.
 */
class Proxy {
  constructor(target) {
    this.target = target;
    this.shaped = false;
    this.lastActivity = Date.now();
    this.reset();
    this.links = { up: this.newLink(), down: this.newLink() };
    this.sockets = new Set();
    this.server = net.createServer((client) => this.connect(client));
  }

  async listen() {
    await new Promise((resolve) => this.server.listen(Number(proxyPort), '127.0.0.1', resolve));
    return `http://127.0.0.1:${this.server.address().port}`;
  }

  close() {
    this.server.close();
    for (const socket of this.sockets) socket.destroy();
  }

  /** Starts counting afresh. */
  reset() {
    this.up = 0;
    this.down = 0;
    /** Requests since the reset: method, path, status, bytes sent and received. */
    this.requests = [];
  }

  /** One direction of the shaped link: a queue per connection, served in turn. */
  newLink() {
    return { queues: new Map(), order: [], next: 0, busy: false };
  }

  connect(client) {
    const upstream = net.connect(this.target.port, this.target.hostname);
    this.sockets.add(client);
    this.sockets.add(upstream);
    const connection = { current: null };
    const forget = () => {
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('data', (chunk) => {
      this.touch();
      const line = /^([A-Z]+) (\S+) HTTP\/1\.[01]\r\n/.exec(chunk.toString('latin1', 0, 2048));
      if (line) {
        connection.current = { method: line[1], path: line[2], status: undefined, up: 0, down: 0 };
        this.requests.push(connection.current);
      }
      this.up += chunk.length;
      if (connection.current) connection.current.up += chunk.length;
      this.send('up', client, upstream, chunk);
    });
    upstream.on('data', (chunk) => {
      this.touch();
      if (connection.current && connection.current.status === undefined)
        connection.current.status = /^HTTP\/1\.[01] (\d{3})/.exec(chunk.toString('latin1', 0, 16))?.[1];
      this.down += chunk.length;
      if (connection.current) connection.current.down += chunk.length;
      this.send('down', upstream, client, chunk);
    });
    client.on('end', () => this.send('up', client, upstream, null));
    upstream.on('end', () => this.send('down', upstream, client, null));
    for (const socket of [client, upstream]) {
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
      socket.on('close', forget);
    }
  }

  touch() {
    this.lastActivity = Date.now();
  }

  /** Passes a chunk (or, for null, the end) from one socket to the other, shaped or not. */
  send(direction, from, to, chunk) {
    if (!this.shaped) {
      if (chunk) to.write(chunk);
      else to.end();
      return;
    }
    const link = this.links[direction];
    if (!link.queues.has(from)) {
      link.queues.set(from, []);
      link.order.push(from);
    }
    const queue = link.queues.get(from);
    if (chunk === null) queue.push({ to, bytes: null });
    else
      for (let at = 0; at < chunk.length; at += SEGMENT)
        queue.push({ to, bytes: chunk.subarray(at, at + SEGMENT) });
    if (!link.busy) this.transmit(link);
  }

  /**
   * Sends the next segment of the next connection with data waiting: it
   * occupies the link for its size at the link's rate, then arrives half a
   * round trip later.
   */
  transmit(link) {
    for (let tries = 0; tries < link.order.length; tries++) {
      const from = link.order[link.next % link.order.length];
      link.next = (link.next + 1) % link.order.length;
      const queue = link.queues.get(from);
      if (!queue.length) continue;
      const { to, bytes } = queue.shift();
      if (bytes === null) {
        link.queues.delete(from);
        link.order.splice(link.order.indexOf(from), 1);
      }
      const sendingMs = bytes ? (bytes.length * 8 * 1000) / SLOW.bitsPerSecond : 0;
      link.busy = true;
      this.touch();
      setTimeout(() => {
        setTimeout(() => {
          this.touch();
          if (bytes === null) to.end();
          else if (!to.destroyed) to.write(bytes);
        }, SLOW.rttMs / 2);
        link.busy = false;
        this.transmit(link);
      }, sendingMs);
      return;
    }
  }

  /** Resolves once nothing has moved either way for QUIET_MS and nothing waits on the link. */
  async idle() {
    const waiting = () => Object.values(this.links).some((link) => [...link.queues.values()].some((q) => q.length));
    while (waiting() || Date.now() - this.lastActivity < QUIET_MS) await sleep(100);
  }
}

/** A demo participant with an open intake the server printed, not used before. */
async function accessCode() {
  for (let i = 0; i < 100; i++) {
    const log = (await readFile(serverLog, 'utf8')).replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '');
    const codes = [...log.matchAll(/^\s*\S+\s+intake access code: (\S+)\s*$/gm)].map((m) => m[1]);
    if (codes.length) return codes[0];
    await sleep(100);
  }
  throw new Error(`the server printed no demo access code (log: ${serverLog})`);
}

/** On `/`: types the access code and chooses a PIN, as the end-to-end tests do; ends on /svara. */
async function signIn(page, code) {
  await page.getByLabel('Kod', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Gå vidare' }).click();
  await page.getByLabel('Pinkod', { exact: true }).fill(PIN);
  await page.getByLabel('Skriv samma pinkod igen').fill(PIN);
  await page.getByRole('button', { name: 'Gå vidare' }).click();
  await page.waitForURL(/\/svara$/);
}

/** GET with the given cookies and Accept-Encoding: gzip; the body as sent (still compressed). */
function getRaw(path, cookie) {
  return new Promise((resolve, reject) => {
    const request = http.get(
      new URL(path, server),
      { headers: { 'accept-encoding': 'gzip', ...(cookie ? { cookie } : {}) } },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }));
      },
    );
    request.on('error', reject);
  });
}

/** HTML and stylesheet bytes of a page as sent with gzip (uncompressed ones count as they are). */
async function pageSize(path, cookie) {
  const page = await getRaw(path, cookie);
  if (page.status !== 200) throw new Error(`GET ${path} answered ${page.status}`);
  const gzipped = page.headers['content-encoding'] === 'gzip';
  const html = (gzipped ? gunzipSync(page.body) : page.body).toString('utf8');
  let css = 0;
  for (const link of html.matchAll(/<link\b[^>]*>/g)) {
    if (!/\brel="?stylesheet"?/.test(link[0])) continue;
    const href = /\bhref="([^"]+)"/.exec(link[0])?.[1];
    if (href) css += (await getRaw(href.replace(/&amp;/g, '&'), cookie)).body.length;
  }
  return { path, html: page.body.length, css, gzip: gzipped };
}

/**
 * Marks, in page time (ms since the navigation started), the first frame in
 * which a radio input (or its label) is on screen, and the first in which such
 * a radio is enabled and its form has an enabled submit button (Next; it may
 * be further down the page). Frames are not drawn while the stylesheet is
 * still loading, so neither mark comes before the page can be seen.
 */
function markQuestion() {
  const marks = (window.__questionMarks = {});
  const rendered = (element) => element.checkVisibility();
  const onScreen = (element) => {
    if (!rendered(element)) return false;
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && box.top < innerHeight && box.bottom > 0;
  };
  const frame = (now) => {
    const radios = [...document.querySelectorAll('input[type=radio]')].filter(
      (radio) => onScreen(radio) || [...(radio.labels ?? [])].some(onScreen),
    );
    if (radios.length && marks.visible === undefined) marks.visible = now;
    const submits = [...document.querySelectorAll('button, input[type=submit]')].filter(
      (button) => button.type === 'submit' && !button.disabled && rendered(button),
    );
    const answerable = radios.some((radio) => !radio.disabled && submits.some((button) => button.form === radio.form));
    if (answerable && marks.answerable === undefined) marks.answerable = now;
    if (marks.answerable === undefined) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

/** Paths of the service worker scripts registered so far: their update checks are counted apart. */
const workerScripts = new Set();

/**
 * Whether a service worker is registered for the page and controls it,
 * waiting (at most a minute) for a registered one to become active.
 */
async function serviceWorkerState(page) {
  const { state, scripts } = await page.evaluate(async () => {
    if (!('serviceWorker' in navigator)) return { state: 'unsupported', scripts: [] };
    const registrations = await navigator.serviceWorker.getRegistrations();
    if (!registrations.length) return { state: 'none', scripts: [] };
    await Promise.race([navigator.serviceWorker.ready, new Promise((resolve) => setTimeout(resolve, 60_000))]);
    const scripts = (await navigator.serviceWorker.getRegistrations())
      .flatMap((r) => [r.installing, r.waiting, r.active])
      .filter(Boolean)
      .map((worker) => new URL(worker.scriptURL).pathname);
    return { state: navigator.serviceWorker.controller ? 'controlling the page' : 'registered', scripts };
  });
  for (const script of scripts) workerScripts.add(script);
  return state;
}

/**
 * Bytes of the requests since the proxy's reset: static files (a path with a
 * file extension), the service worker's update checks of its own script, and
 * the rest (pages, server functions).
 */
function split(proxy) {
  const path = (r) => r.path.split('?')[0];
  const isWorker = (r) => workerScripts.has(path(r));
  const isFile = (r) => !isWorker(r) && /\.[a-z0-9]+$/i.test(path(r));
  const sum = (list) => list.reduce((n, r) => n + r.up + r.down, 0);
  const files = proxy.requests.filter(isFile);
  return {
    total: proxy.up + proxy.down,
    down: proxy.down,
    up: proxy.up,
    requests: proxy.requests.length,
    files: sum(files),
    fileRequests: files.length,
    worker: sum(proxy.requests.filter(isWorker)),
  };
}

/** One line per request: method, path, status, bytes both ways. */
function listed(requests) {
  return requests.map((r) => `${r.method} ${r.path} ${r.status ?? '-'} ${r.up + r.down} B`);
}

const proxy = new Proxy(server);
const base = await proxy.listen();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: CHROMIUM_ARGS,
  headless: true,
});

try {
  const code = await accessCode();

  // First visit, on a fresh phone: open /, sign in, open the first question,
  // until the network has been idle (a service worker's precache included).
  const phone = await browser.newContext({ baseURL: base, viewport: PHONE });
  const first = await phone.newPage();
  proxy.reset();
  await first.goto('/');
  await proxy.idle();
  const openStart = split(proxy);
  await signIn(first, code);
  await first.goto('/svara/fraga/1');
  await first.getByRole('radio').first().waitFor();
  const worker = await serviceWorkerState(first);
  await proxy.idle();
  const firstVisit = split(proxy);
  const firstRequests = listed(proxy.requests);

  // Page sizes, signed in as that participant.
  const signedIn = await phone.cookies();
  const cookie = signedIn.map((c) => `${c.name}=${c.value}`).join('; ');
  const sizes = [await pageSize('/', ''), await pageSize('/svara', cookie), await pageSize('/svara/fraga/1', cookie)];

  // Repeat visit: the phone opens Stegvis again (same cache and service worker).
  await first.close();
  const again = await phone.newPage();
  proxy.reset();
  await again.goto('/');
  await proxy.idle();
  await again.goto('/svara/fraga/1');
  await again.getByRole('radio').first().waitFor();
  await proxy.idle();
  const repeatVisit = split(proxy);
  const repeatRequests = listed(proxy.requests);
  await phone.close();

  // Timings on the slow connection: a phone that is signed in (its cookies)
  // but has nothing cached opens the first question; then opens it again.
  proxy.shaped = true;
  const timings = { first: [], repeat: [] };
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ baseURL: base, viewport: PHONE });
    await context.addCookies(signedIn);
    await context.addInitScript(markQuestion);
    for (const kind of ['first', 'repeat']) {
      const page = await context.newPage();
      await proxy.idle();
      proxy.reset();
      const started = Date.now();
      await page.goto('/svara/fraga/1', { waitUntil: 'commit', timeout: 180_000 });
      const marks = await (
        await page.waitForFunction(() => window.__questionMarks?.answerable !== undefined && window.__questionMarks, null, {
          timeout: 180_000,
          polling: 100,
        })
      ).jsonValue();
      await proxy.idle();
      const settled = proxy.lastActivity - started;
      timings[kind].push({ ...marks, settled, bytes: proxy.up + proxy.down });
      if (kind === 'first') await serviceWorkerState(page);
      await page.close();
    }
    await context.close();
  }
  proxy.shaped = false;

  // The requests, then the tables.
  console.log(`Requests of the first visit (bytes on the wire, both ways):\n  ${firstRequests.join('\n  ')}`);
  console.log(`Requests of the repeat visit:\n  ${repeatRequests.join('\n  ')}`);
  const date = new Date().toISOString().slice(0, 10);
  const check = (value, goal) => (value <= goal ? 'yes' : 'no');
  console.log(
    `\nParticipant pages, ${date}, Chromium ${browser.version()}; service worker after the first visit: ${worker}; 1 KB = 1000 bytes\n`,
  );
  console.log('| page | HTML (gzip) | CSS (gzip) | together | goal ≤ 30 KB |');
  console.log('|---|---|---|---|---|');
  for (const s of sizes) {
    const together = s.html + s.css;
    console.log(
      `| \`${s.path}\` | ${kb(s.html)} KB${s.gzip ? '' : ' (not compressed)'} | ${kb(s.css)} KB | ${kb(together)} KB | ${check(together / 1000, GOALS.pageKb)} |`,
    );
  }
  console.log('\n| visit | requests | on the wire | of which static files | goal |');
  console.log('|---|---|---|---|---|');
  console.log(
    `| opening \`/\` on a new phone | ${openStart.requests} | ${kb(openStart.total)} KB | ${kb(openStart.files)} KB | |`,
  );
  console.log(
    `| first visit: \`/\`, code, PIN, first question, until idle | ${firstVisit.requests} | ${kb(firstVisit.total)} KB (${kb(firstVisit.down)} down, ${kb(firstVisit.up)} up) | ${kb(firstVisit.files)} KB | ≤ 350 KB: ${check(firstVisit.total / 1000, GOALS.firstVisitKb)} |`,
  );
  console.log(
    `| repeat visit: \`/\`, first question | ${repeatVisit.requests} | ${kb(repeatVisit.total)} KB | ${kb(repeatVisit.files)} KB (${repeatVisit.fileRequests} requests)${repeatVisit.worker ? `; the worker's update checks ${kb(repeatVisit.worker)} KB` : ''} | static 0: ${check(repeatVisit.files, GOALS.repeatStaticKb)} |`,
  );
  const row = (label, list) => {
    const pick = (key) => median(list.map((t) => t[key]));
    const range = (key) => `${seconds(Math.min(...list.map((t) => t[key])))}–${seconds(Math.max(...list.map((t) => t[key])))}`;
    console.log(
      `| ${label} | ${seconds(pick('visible'))} s (${range('visible')}) | ${seconds(pick('answerable'))} s (${range('answerable')}) | ${seconds(pick('settled'))} s | ${kb(pick('bytes'))} KB |`,
    );
  };
  console.log(
    `\nFirst question at 400 kbit/s each way, 400 ms round trip (median of ${RUNS}, range); signed in, nothing cached, then opened again:\n`,
  );
  console.log('| visit | question visible | answerable | network idle | on the wire |');
  console.log('|---|---|---|---|---|');
  row('first (nothing cached)', timings.first);
  row('repeat', timings.repeat);
} finally {
  await browser.close();
  proxy.close();
}
