import { defineConfig } from '@playwright/test';

/**
 * Flags for Debian's system Chromium. We never use a Playwright-downloaded
 * browser (the machines reach no browser CDN), so everything here must work
 * with /usr/bin/chromium as packaged:
 * - --no-sandbox: we run as root in a container, where the sandbox cannot start.
 * - --disable-gpu: there is no GPU; avoids slow software-GL probing.
 * - --disable-quic, --disable-background-networking, --disable-component-update,
 *   --disable-sync: stop Chromium from phoning home (there is no network, and
 *   the attempts only cost time and log noise).
 * - --no-first-run: skip first-run UI in the fresh profile Playwright creates.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export default defineConfig({
  testDir: './e2e',
  // One worker: the machine has 2 cores and the Stegvis server under test
  // needs one of them. Each worker also starts its own server (see fixtures.ts).
  workers: 1,
  fullyParallel: false,
  // A flaky end-to-end test is a bug to fix, not to retry away.
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  outputDir: 'test-results',
  use: {
    // baseURL is not set here: the port is only known once the `server`
    // fixture (e2e/fixtures.ts) has started the binary, and that fixture
    // overrides the `baseURL` option for every test that uses it.
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    },
    screenshot: 'only-on-failure',
    trace: 'off',
  },
});
