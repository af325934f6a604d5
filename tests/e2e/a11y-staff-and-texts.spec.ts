/**
 * Issue 12, part C: staff pages on a 360 px phone, the accessibility statement
 * and the easy-read wording.
 *
 * - No staff page scrolls sideways at 360 px (case managers use phones in
 *   meetings): the participant page's facts list and the meeting view's
 *   ratings table, with its visually hidden labels, stay inside the screen.
 * - The accessibility statement (tillgänglighetsredogörelse, DOS-lagen) is
 *   reached from the footer of participant and staff pages, with JavaScript
 *   on and off, in the participant's language, and passes axe.
 * - The start screen says the occasion as a whole sentence.
 */
import type { Browser, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { DESKTOP, expectAccessible, PHONE } from './axe';
import { connectPhone, demoParticipants, signInAs, takeAccessCode, type DemoRole } from './helpers';
import type { StegvisServer } from './fixtures';

/** Fails when the page is wider than the viewport (it would scroll sideways). */
async function expectNoSidewaysScroll(page: Page, label: string): Promise<void> {
  await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => {});
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(scroll, `${label} (${page.url()}) is ${scroll} px wide on a ${client} px screen`).toBeLessThanOrEqual(client);
}

/** A phone-sized browser signed in as a demo staff member. */
async function staffPhone(browser: Browser, server: StegvisServer, role: DemoRole): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.baseURL, viewport: DESKTOP });
  const page = await context.newPage();
  await signInAs(page, server, role);
  await page.setViewportSize(PHONE);
  return page;
}

/** Opens `path` and checks it fits the 360 px screen. */
async function visit(page: Page, path: string, heading: RegExp | string, label: string): Promise<void> {
  await page.goto(path);
  await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
  await expectNoSidewaysScroll(page, label);
}

test('no staff page scrolls sideways on a 360 px phone', async ({ browser, server }) => {
  test.setTimeout(180_000);
  const staff = await staffPhone(browser, server, 'case manager');
  try {
    await visit(staff, '/personal', /./, 'caseload');
    await visit(staff, '/personal/ny-deltagare', 'Registrera deltagare', 'new participant');

    // A participant with the longest facts: referred by Arbetsförmedlingen, with a consent id.
    await staff.getByLabel('Deltagaren samtycker').check();
    await staff.getByLabel('Kön').selectOption({ label: 'Kvinna' });
    await staff.getByLabel('Insats').selectOption({ label: 'Steget vidare' });
    await staff.getByLabel('Remitterad från').selectOption({ label: 'Arbetsförmedlingen' });
    await staff.getByLabel('Födelseår').fill('1986');
    await staff.getByLabel('Kommun').fill('Haninge');
    await staff.getByRole('button', { name: 'Registrera' }).click();
    await expect(staff.getByRole('heading', { level: 1, name: /^Deltagare / })).toBeVisible();
    const facts = staff.locator('dl.facts');
    await expect(facts).toContainText('Arbetsförmedlingen');
    await expectNoSidewaysScroll(staff, 'participant page');
    // Every value is readable inside the screen, not cut at its edge.
    const overflowing = await facts.locator('dd').evaluateAll((dds) =>
      dds.filter((dd) => dd.getBoundingClientRect().right > document.documentElement.clientWidth).map((dd) => dd.textContent),
    );
    expect(overflowing, 'facts wider than the screen').toEqual([]);
    await expectAccessible(staff, 'participant page');

    // The access sheet of a new code.
    await staff.getByRole('button', { name: 'Skapa ny kod' }).click();
    await expect(staff.getByRole('heading', { level: 1, name: 'Så svarar du i mobilen' })).toBeVisible();
    await expectNoSidewaysScroll(staff, 'access sheet');

    // A participant with answers: the meeting view with its ratings table, and the answers.
    const journey = demoParticipants(server, 'journey')[0];
    await staff.goto(`/personal?visa=all&sok=${encodeURIComponent(journey.participant)}`);
    await staff.getByRole('link', { name: journey.participant, exact: true }).click();
    await expect(staff.getByRole('heading', { level: 1, name: `Deltagare ${journey.participant}` })).toBeVisible();
    await expectNoSidewaysScroll(staff, 'participant page with answers');
    await staff.getByRole('link', { name: /^Visa svar/ }).first().click();
    await expectNoSidewaysScroll(staff, 'answers');
    await staff.goBack();
    await staff.getByRole('link', { name: 'Öppna mötesvyn' }).click();
    await expect(staff.getByRole('heading', { level: 2, name: /^Din bedömning/ })).toBeVisible();
    await expectNoSidewaysScroll(staff, 'meeting view');
    await visit(staff, '/konto', /./, 'account (case manager)');
  } finally {
    await staff.context().close();
  }

  const admin = await staffPhone(browser, server, 'admin');
  try {
    await visit(admin, '/admin', 'Administration', 'administration');
    await visit(admin, '/admin/logg', /./, 'audit log');
    await visit(admin, '/admin/gallring', /./, 'retention');
    await admin.goto('/admin');
    await admin.locator('a[href^="/admin/personal/"]').first().click();
    await expect(admin.getByRole('heading', { level: 1 })).toBeVisible();
    await expectNoSidewaysScroll(admin, 'staff account');
    await visit(admin, '/konto', /./, 'account (admin)');
  } finally {
    await admin.context().close();
  }

  const evaluator = await staffPhone(browser, server, 'evaluator');
  try {
    await visit(evaluator, '/utvardering', /./, 'statistics');
  } finally {
    await evaluator.context().close();
  }

  const signedOut = await browser.newContext({ baseURL: server.baseURL, viewport: PHONE });
  try {
    const page = await signedOut.newPage();
    await visit(page, '/logga-in', 'Logga in', 'sign-in');
    await page.goto('/nytt-losenord');
    await expectNoSidewaysScroll(page, 'password reset');
  } finally {
    await signedOut.close();
  }
});

test('the accessibility statement is in the footer of participant and staff pages', async ({ page, staffPage }) => {
  // A participant page, in Swedish: the footer leads to the statement.
  await page.goto('/');
  const footer = page.getByRole('contentinfo');
  await footer.getByRole('link', { name: 'Hur lätt är Stegvis att använda?' }).click();
  await expect(page).toHaveURL(/\/tillganglighet$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Hur lätt är Stegvis att använda?' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Säg till om något är svårt' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Det här är svårt än' })).toBeVisible();
  await expect(page.getByText('Berätta för din handläggare.')).toBeVisible();
  await expectAccessible(page, 'accessibility statement');

  // A staff page (hydrated): the same footer.
  await staffPage.goto('/personal');
  await staffPage.getByRole('contentinfo').getByRole('link', { name: 'Hur lätt är Stegvis att använda?' }).click();
  await expect(staffPage.getByRole('heading', { level: 1, name: 'Hur lätt är Stegvis att använda?' })).toBeVisible();
});

test('the statement works with JavaScript off and follows the language choice', async ({ noJsPage: page }) => {
  await page.goto('/');
  await page.getByRole('contentinfo').getByRole('link', { name: 'Hur lätt är Stegvis att använda?' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Hur lätt är Stegvis att använda?' })).toBeVisible();
  // In Arabic, right to left, with a note that the Swedish text is the official one.
  await page.getByText('Språk, bilder och text').click();
  await page.getByRole('radio', { name: 'العربية' }).check();
  await page.getByRole('button', { name: 'Spara' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'ما مدى سهولة استخدام Stegvis؟' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.getByText('النص السويدي هو النص الرسمي.')).toBeVisible();
  await expect(page.getByRole('contentinfo').getByRole('link', { name: 'ما مدى سهولة استخدام Stegvis؟' })).toBeVisible();
});

test('the start screen says the occasion as a whole sentence', async ({ page, server }) => {
  await page.setViewportSize(PHONE);
  await connectPhone(page, takeAccessCode(server).accessCode);
  await expect(page.getByText('Det här är första gången du svarar.')).toBeVisible();
  await expect(page.getByText(/dags för start/)).toHaveCount(0);
  await expect(page.getByText('Svara som du tycker. Alla svar är bra.')).toBeVisible();
});
