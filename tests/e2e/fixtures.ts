/**
 * Server fixture for the Stegvis end-to-end tests.
 *
 * Every Playwright worker starts its own Stegvis server binary (given by the
 * STEGVIS_BIN environment variable) on a free loopback port, with a fresh
 * temporary data directory and demo data switched on, and stops it when the
 * worker ends. Tests import `test` / `expect` from this file instead of from
 * '@playwright/test' so that `page.goto('/')` reaches that server.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { DESKTOP } from './axe';
import { signInAs } from './helpers';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export { expect };

/** What the `server` fixture gives a test. */
export interface StegvisServer {
  /** Origin of the running server, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly baseURL: string;
  /** Everything the server has written to stdout and stderr so far. */
  output(): string;
}

/** How long the server gets to answer 200 on /healthz. */
const STARTUP_TIMEOUT_MS = 30_000;
const HEALTH_POLL_INTERVAL_MS = 100;
/** How long the server gets to exit after SIGTERM before it is SIGKILLed. */
const SHUTDOWN_GRACE_MS = 5_000;
/**
 * After /healthz first answers, the output counts as complete once it has
 * been quiet this long (capped below): a server may print its demo links
 * just after it starts listening, and the pipe delivers them a little later.
 */
const OUTPUT_QUIET_MS = 300;
const OUTPUT_QUIET_MAX_MS = 3_000;

// Colour codes from tracing's formatter (it colours even when piped) would
// otherwise end up inside matched links.
// eslint-disable-next-line no-control-regex
const ANSI_ESCAPE_RE = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

/** Removes terminal colour codes from captured output. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_ESCAPE_RE, '');
}

/**
 * Asks the kernel for a free port on 127.0.0.1 by listening on port 0.
 * (There is a small window in which another process could take the port
 * before the server binds it; on a test machine that is acceptable.)
 */
async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      if (address === null || typeof address === 'string') {
        probe.close();
        reject(new Error('could not read the port of a probe socket'));
        return;
      }
      probe.close(() => resolve(address.port));
    });
  });
}

/** STEGVIS_BIN as an absolute path to an existing file, or a clear error. */
function serverBinary(): string {
  const configured = process.env.STEGVIS_BIN;
  if (!configured) {
    throw new Error(
      'STEGVIS_BIN is not set. Build the server and point STEGVIS_BIN at it, e.g.\n' +
        '  STEGVIS_BIN=$CARGO_TARGET_DIR/release/stegvis LEPTOS_SITE_ROOT=$CARGO_TARGET_DIR/site npx playwright test\n' +
        '(scripts/build.sh builds both; CARGO_TARGET_DIR defaults to ~/.cache/stegvis/target)',
    );
  }
  const binary = path.resolve(configured);
  if (!existsSync(binary) || !statSync(binary).isFile()) {
    throw new Error(`STEGVIS_BIN=${configured} does not name an existing file (resolved to ${binary}).`);
  }
  return binary;
}

/**
 * The server's environment: ours, minus any STEGVIS_* settings from the
 * caller's shell (the run must not depend on them), plus the settings this
 * harness controls. LEPTOS_* (notably LEPTOS_SITE_ROOT) and PATH/HOME pass
 * through unchanged; a relative LEPTOS_SITE_ROOT is made absolute against the
 * directory the tests were started from, since the server runs elsewhere.
 */
function serverEnvironment(port: number, dataDir: string, siteRoot?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('STEGVIS_')) env[key] = value;
  }
  if (siteRoot) env.LEPTOS_SITE_ROOT = siteRoot;
  if (env.LEPTOS_SITE_ROOT) env.LEPTOS_SITE_ROOT = path.resolve(env.LEPTOS_SITE_ROOT);
  env.STEGVIS_ADDR = `127.0.0.1:${port}`;
  // The address the tests open: printed links are built from it, and forms
  // are only taken from this origin (never from the request's Host).
  env.STEGVIS_PUBLIC_URL = `http://127.0.0.1:${port}`;
  env.STEGVIS_DATA_DIR = dataDir;
  env.STEGVIS_DEMO = '1';
  env.RUST_LOG = 'info';
  // Plain logs are easier to read in failure messages (and to parse).
  // Playwright sets FORCE_COLOR for its workers; it must not reach the server.
  env.NO_COLOR = '1';
  delete env.FORCE_COLOR;
  return env;
}

/** Last `maxChars` characters of the server output, for error messages. */
function tail(text: string, maxChars = 8_000): string {
  const clean = stripAnsi(text);
  return clean.length <= maxChars ? clean : `…(${clean.length - maxChars} earlier characters cut)\n${clean.slice(-maxChars)}`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** True once the server has exited (or was killed). */
function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Sends `signal` to the server's whole process group (it may have children). */
function signalServer(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || hasExited(child)) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already, or was never created: fall back to the child.
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/** SIGTERM, then SIGKILL if the server is still running after the grace period. */
async function stopServer(child: ChildProcess): Promise<void> {
  // No pid: the binary never started (spawn error), so there is nothing to stop.
  if (child.pid === undefined || hasExited(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalServer(child, 'SIGTERM');
  const stoppedInTime = await Promise.race([exited.then(() => true), sleep(SHUTDOWN_GRACE_MS).then(() => false)]);
  if (!stoppedInTime) {
    signalServer(child, 'SIGKILL');
    await Promise.race([exited, sleep(2_000)]);
  }
}

/** Polls GET /healthz until it answers 200; throws with the server output otherwise. */
async function waitUntilHealthy(child: ChildProcess, baseURL: string, output: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (hasExited(child)) {
      throw new Error(
        `Stegvis server exited during start-up (code ${child.exitCode}, signal ${child.signalCode}).\n` +
          `--- server output ---\n${tail(output())}`,
      );
    }
    try {
      const response = await fetch(`${baseURL}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      lastProblem = `GET /healthz answered ${response.status}`;
    } catch (error) {
      lastProblem = `GET /healthz failed: ${(error as Error).message}`;
    }
    await sleep(HEALTH_POLL_INTERVAL_MS);
  }
  throw new Error(
    `Stegvis server did not become healthy within ${STARTUP_TIMEOUT_MS / 1000} s (${lastProblem}).\n` +
      `--- server output ---\n${tail(output())}`,
  );
}

/** Waits until no new output chunk has arrived for OUTPUT_QUIET_MS (at most OUTPUT_QUIET_MAX_MS). */
async function waitForQuietOutput(chunkCount: () => number): Promise<void> {
  const giveUpAt = Date.now() + OUTPUT_QUIET_MAX_MS;
  let seen = chunkCount();
  let quietSince = Date.now();
  while (Date.now() < giveUpAt && Date.now() - quietSince < OUTPUT_QUIET_MS) {
    await sleep(50);
    if (chunkCount() !== seen) {
      seen = chunkCount();
      quietSince = Date.now();
    }
  }
}

/** How to start a server other than the worker's own. */
export interface ServerOptions {
  /** Listen on this port (a restart keeps its origin, so the phone's storage and worker stay). */
  port?: number;
  /** Use this data directory and keep it when stopped (a restart keeps its database). */
  dataDir?: string;
  /** Serve the built files from here instead of LEPTOS_SITE_ROOT (another build). */
  siteRoot?: string;
}

/** A server a test started itself. */
export interface OwnServer {
  server: StegvisServer;
  port: number;
  dataDir: string;
  /** SIGTERM, then SIGKILL after the grace period; removes the data dir unless it was given. */
  stop: () => Promise<void>;
  /** SIGKILL at once, as a power cut or crash would; keeps the data dir. */
  kill: () => Promise<void>;
}

/** Starts one server; the returned `stop` kills it and removes its data dir. */
export async function startServer(options: ServerOptions = {}): Promise<OwnServer> {
  const binary = serverBinary();
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'stegvis-e2e-')));
  const port = options.port ?? (await findFreePort());
  const baseURL = `http://127.0.0.1:${port}`;

  const chunks: string[] = [];
  const output = () => chunks.join('');
  const child = spawn(binary, [], {
    // The workspace root, so that anything the server resolves relative to
    // its working directory (Cargo.toml, target/site) is found as in `cargo run`.
    cwd: path.resolve(__dirname, '..', '..'),
    env: serverEnvironment(port, dataDir, options.siteRoot),
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group, so teardown can signal the server and any children.
    detached: true,
  });
  // Both streams into one log, in arrival order, so links and errors are
  // found wherever the server writes them.
  const echo = process.env.STEGVIS_E2E_ECHO === '1';
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      chunks.push(chunk);
      if (echo) process.stderr.write(chunk);
    });
  }
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (error) => reject(new Error(`could not start ${binary}: ${error.message}`))),
  );
  // Only start-up awaits this; a late 'error' must not become an unhandled rejection.
  spawnError.catch(() => {});
  // Last resort if the worker dies without running teardown: never leave a
  // server behind holding a port (synchronous, as 'exit' handlers must be).
  const killOnExit = () => signalServer(child, 'SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    await stopServer(child);
    if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
  };
  const kill = async () => {
    process.removeListener('exit', killOnExit);
    if (hasExited(child)) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    signalServer(child, 'SIGKILL');
    await Promise.race([exited, sleep(2_000)]);
  };

  try {
    await Promise.race([waitUntilHealthy(child, baseURL, output), spawnError]);
    await waitForQuietOutput(() => chunks.length);
  } catch (error) {
    await stop();
    throw error;
  }

  const server: StegvisServer = { baseURL, output };
  return { server, port, dataDir, stop, kill };
}

type WorkerFixtures = {
  /** The Stegvis server of this worker, started once and shared by its tests. */
  server: StegvisServer;
  /** Cookies of the demo case manager, signed in once per worker (see `staffPage`). */
  caseManagerState: StorageState;
};

/** What `BrowserContext.storageState()` returns. */
type StorageState = Awaited<ReturnType<import('@playwright/test').BrowserContext['storageState']>>;

type TestFixtures = {
  /**
   * A page in a separate browser context with JavaScript disabled, pointed
   * at the same server; for tests that need both a hydrated and a
   * server-rendered-only page (otherwise use `testNoJs`).
   */
  noJsPage: Page;
  /**
   * A desktop-sized page in a context of its own, signed in as the demo case
   * manager (who owns every demo participant with an open check-in): for
   * checking what arrived. Do not start a check-in together on it.
   */
  staffPage: Page;
  /** Attaches the server log to the report when a test fails, marking where that test began. */
  serverLogOnFailure: void;
};

export const test = base.extend<TestFixtures, WorkerFixtures>({
  server: [
    async ({}, use) => {
      const { server, stop } = await startServer();
      try {
        await use(server);
      } finally {
        await stop();
      }
    },
    // Start-up may take its full 30 s, and teardown its 5 s grace period.
    { scope: 'worker', timeout: 60_000 },
  ],

  // Relative URLs in page.goto / request.get go to this worker's server.
  baseURL: async ({ server }, use) => {
    await use(server.baseURL);
  },

  noJsPage: async ({ browser, server }, use) => {
    const context = await browser.newContext({ baseURL: server.baseURL, javaScriptEnabled: false });
    try {
      await use(await context.newPage());
    } finally {
      await context.close();
    }
  },

  caseManagerState: [
    async ({ browser, server }, use) => {
      const context = await browser.newContext({ baseURL: server.baseURL });
      try {
        await signInAs(await context.newPage(), server, 'case manager');
        await use(await context.storageState());
      } finally {
        await context.close();
      }
    },
    { scope: 'worker' },
  ],

  staffPage: async ({ browser, server, caseManagerState }, use) => {
    const context = await browser.newContext({
      baseURL: server.baseURL,
      viewport: DESKTOP,
      storageState: caseManagerState,
    });
    try {
      await use(await context.newPage());
    } finally {
      await context.close();
    }
  },

  serverLogOnFailure: [
    async ({ server }, use, testInfo) => {
      const start = server.output().length;
      await use();
      if (testInfo.status !== testInfo.expectedStatus) {
        // The whole log, since start-up messages often explain a failure,
        // with a marker where this test's share begins.
        const log = server.output();
        const marker = `\n===== test "${testInfo.title}" started here =====\n`;
        await testInfo.attach('server-output.log', {
          body: stripAnsi(log.slice(0, start) + marker + log.slice(start)),
          contentType: 'text/plain',
        });
      }
    },
    { auto: true },
  ],
});
