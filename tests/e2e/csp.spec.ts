/**
 * The Content-Security-Policy holds on every page without breaking it:
 * participant pages with JavaScript on (the participant script, its outbox
 * and the service worker, online and offline), every staff role's pages
 * (hydrated by the WASM bundle, charts, the QR code of an access sheet) and
 * the 404 page. Any `securitypolicyviolation` event or CSP message in the
 * console fails the test, and every page must have its policy header.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { DESKTOP, PHONE } from './axe';
import {
  answerAllQuestions,
  connectPhone,
  demoParticipants,
  enterPin,
  leave,
  openParticipant,
  signInAs,
  takeAccessCode,
  waitForHydration,
} from './helpers';

/** What the browser reported, with the page it was on. */
type Violations = string[];

/**
 * Collects every CSP violation in the context: the pages' own
 * `securitypolicyviolation` events (reported through a binding), console
 * messages about the policy, and script errors.
 */
async function watchCsp(context: BrowserContext): Promise<Violations> {
  const found: Violations = [];
  await context.exposeBinding('__reportCsp', ({ page }, text: string) => {
    found.push(`${page.url()}: ${text}`);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __reportCsp: (t: string) => void }).__reportCsp;
      report(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  const watchPage = (page: Page) => {
    page.on('console', (message) => {
      if (/content.security.policy/i.test(message.text())) found.push(`${page.url()}: console: ${message.text()}`);
    });
    page.on('pageerror', (error) => found.push(`${page.url()}: page error: ${error.message}`));
  };
  context.pages().forEach(watchPage);
  context.on('page', watchPage);
  return found;
}

/** Opens `path` and checks that the answer carried a page policy with a nonce. */
async function visit(page: Page, path: string): Promise<void> {
  const response = await page.goto(path);
  const policy = response?.headers()['content-security-policy'] ?? '';
  expect(policy, path).toContain("'nonce-");
  expect(policy, path).not.toContain('unsafe-inline');
}

test('participant pages run under the policy, online and offline', async ({ browser, server }) => {
  const context = await browser.newContext({ baseURL: server.baseURL, viewport: PHONE });
  const violations = await watchCsp(context);
  const page = await context.newPage();
  try {
    await visit(page, '/kod');
    const { accessCode } = takeAccessCode(server, 'intake');
    await connectPhone(page, accessCode);
    await expect(page.locator('html[data-enhanced="true"]')).toHaveCount(1);
    // The service worker and the kept check-in: the offline path.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 });
    await expect(page.locator('main[data-drawn="phone"]')).toBeVisible();
    await page.getByRole('link', { name: 'Börja' }).click();
    await answerAllQuestions(page);
    await context.setOffline(true);
    await page.reload();
    await expect(page.locator('main')).toBeVisible();
    await context.setOffline(false);
    await visit(page, '/svara/granska');
    await visit(page, '/svara/tack');
    await visit(page, '/svara/min-resa');
    await leave(page);
    await enterPin(page);
    await visit(page, '/offline');
    await visit(page, '/finns-inte');
    expect(violations).toEqual([]);
  } finally {
    await context.close();
  }
});

test('a journey participant sees their charts under the policy', async ({ browser, server }) => {
  const context = await browser.newContext({ baseURL: server.baseURL, viewport: PHONE });
  const violations = await watchCsp(context);
  const page = await context.newPage();
  try {
    const { accessCode } = takeAccessCode(server, 'journey');
    await connectPhone(page, accessCode);
    await visit(page, '/svara/min-resa');
    await expect(page.locator('figure.journey-chart [role="img"]')).toBeVisible();
    expect(violations).toEqual([]);
  } finally {
    await context.close();
  }
});

test('staff pages of every role hydrate under the policy', async ({ browser, server }) => {
  test.setTimeout(120_000);
  const context = await browser.newContext({ baseURL: server.baseURL, viewport: DESKTOP });
  const violations = await watchCsp(context);
  const page = await context.newPage();
  const hydrated = async (path: string) => {
    await visit(page, path);
    await waitForHydration(page);
  };
  try {
    await hydrated('/logga-in');
    await hydrated('/finns-inte');

    await signInAs(page, server, 'case manager');
    await waitForHydration(page);
    await hydrated('/personal/ny-deltagare');
    await hydrated('/konto');
    const journey = demoParticipants(server, 'journey')[0].participant;
    await openParticipant(page, journey);
    await waitForHydration(page);
    await page.getByRole('link', { name: /^Visa svar/ }).first().click();
    await waitForHydration(page);
    await openParticipant(page, journey);
    await page.getByRole('link', { name: 'Öppna mötesvyn' }).click();
    await expect(page.locator('.chart-svg svg').first()).toBeVisible();
    await waitForHydration(page);
    await openParticipant(page, journey);
    await page.getByRole('button', { name: 'Skapa ny kod' }).click();
    await expect(page).toHaveURL(/\/blad$/);
    await expect(page.locator('.sheet-qr svg')).toBeVisible();
    await waitForHydration(page);
    // Leave the page first: a request still in flight from it would set
    // the old session's cookie again after the cookies are cleared.
    await page.goto('about:blank');
    await context.clearCookies();

    await signInAs(page, server, 'evaluator');
    await hydrated('/utvardering');
    // Leave the page first: a request still in flight from it would set
    // the old session's cookie again after the cookies are cleared.
    await page.goto('about:blank');
    await context.clearCookies();

    await signInAs(page, server, 'admin');
    await hydrated('/admin');
    await hydrated('/admin/logg');
    await hydrated('/konto');
    expect(violations).toEqual([]);
  } finally {
    await context.close();
  }
});
