/**
 * A record's whole life, end to end: a participant opens "Mina svar" on a
 * phone (JavaScript on and off, in Swedish and in Arabic), prints it and
 * downloads it as CSV and JSON; the case manager prints the same; a case
 * manager asks for an erasure and an admin (another person) confirms it.
 * axe-core checks every new page at phone and desktop size.
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { DESKTOP, expectAccessible, PHONE } from './axe';
import { connectPhone, openParticipant, parseCsv, signInAs, takeAccessCode } from './helpers';

/** Checks "Mina svar" of a demo journey participant (three check-ins) in Swedish. */
async function expectMyAnswers(page: Page): Promise<void> {
  await expect(page).toHaveURL(/\/mina-svar$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Mina svar' })).toBeVisible();
  const checkIns = page.locator('section.my-check-in');
  await expect(checkIns).toHaveCount(3);
  await expect(checkIns.first().getByRole('heading', { level: 2, name: 'Start' })).toBeVisible();
  await expect(checkIns.first().locator('dt').first()).not.toBeEmpty();
  await expect(checkIns.first().locator('dd').first()).not.toBeEmpty();
  await expect(page.getByRole('link', { name: 'Spara som tabell (CSV)' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Spara som fil för datorer (JSON)' })).toBeVisible();
}

/** Switches the page to Arabic in the settings and checks "Mina svar" reads right to left. */
async function chooseArabic(page: Page): Promise<void> {
  await page.getByText('Språk, bilder och text').click();
  await page.getByRole('radio', { name: 'العربية' }).check();
  await page.getByRole('button', { name: 'Spara' }).click();
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.getByRole('heading', { level: 1, name: 'إجاباتي' })).toBeVisible();
  await expect(page.locator('section.my-check-in')).toHaveCount(3);
}

test.describe('Mina svar', () => {
  test.use({ viewport: PHONE });

  test('a participant reads, prints and downloads every answer they have given', async ({ page, server }) => {
    const { accessCode } = takeAccessCode(server, 'journey');
    await connectPhone(page, accessCode);
    await page.goto('/');
    await page.getByRole('link', { name: 'Se mina svar' }).click();
    await expectMyAnswers(page);
    // The participant script shows the print button; paper leaves the buttons out.
    await expect(page.getByRole('button', { name: 'Skriv ut' })).toBeVisible();
    await page.emulateMedia({ media: 'print' });
    await expect(page.getByRole('link', { name: 'Spara som tabell (CSV)' })).toBeHidden();
    await expect(page.locator('section.my-check-in').first()).toBeVisible();
    await page.emulateMedia({ media: 'screen' });
    await expectAccessible(page, 'Mina svar');

    const csvDownload = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Spara som tabell (CSV)' }).click();
    const csv = await csvDownload;
    expect(csv.suggestedFilename()).toBe('mina-svar.csv');
    const rows = parseCsv(readFileSync(await csv.path(), 'utf8'), ';');
    expect(rows[0].slice(0, 2)).toEqual(['tillfalle', 'datum']);
    expect(rows.filter((r) => r.length > 1).length).toBeGreaterThan(3);

    const jsonDownload = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Spara som fil för datorer (JSON)' }).click();
    const json = JSON.parse(readFileSync(await (await jsonDownload).path(), 'utf8'));
    expect(json.check_ins).toHaveLength(3);

    // The service worker does not keep the page: offline, the offline page shows instead.
    const sw = await page.evaluate(async () => {
      const keys = await caches.keys();
      const kept: string[] = [];
      for (const key of keys) {
        for (const req of await (await caches.open(key)).keys()) kept.push(new URL(req.url).pathname);
      }
      return kept;
    });
    expect(sw).not.toContain('/mina-svar');

    // In Arabic, right to left.
    await page.goto('/mina-svar');
    await chooseArabic(page);
    await expectAccessible(page, 'Mina svar in Arabic');
  });

  test('"Mina svar" works with JavaScript off and in Arabic', async ({ noJsPage: page, server }) => {
    await page.setViewportSize(PHONE);
    const { accessCode } = takeAccessCode(server, 'journey');
    await connectPhone(page, accessCode);
    await page.goto('/mina-svar');
    await expectMyAnswers(page);
    // No script: no print button that would do nothing.
    await expect(page.getByRole('button', { name: 'Skriv ut' })).toBeHidden();

    await chooseArabic(page);
  });
});

test.describe('case manager and admin', () => {
  test.use({ viewport: DESKTOP });

  test('the case manager prints all answers, asks for an erasure, and an admin confirms it', async ({
    staffPage: page,
    browser,
    server,
  }) => {
    test.setTimeout(120_000);
    // A participant of its own: the erasure removes them for every later test.
    const code = takeAccessCode(server, 'journey').participant;
    await openParticipant(page, code);
    await page.getByRole('link', { name: 'Skriv ut alla svar' }).click();
    await expect(page).toHaveURL(/\/alla-svar$/);
    await expect(page.getByRole('heading', { level: 1, name: `Alla svar: deltagare ${code}` })).toBeVisible();
    await expect(page.locator('section.my-check-in')).toHaveCount(3);
    await expectAccessible(page, 'Alla svar');

    await openParticipant(page, code);
    const section = page.getByRole('region', { name: 'Samtycke och radering' });
    await expect(section).toBeVisible();
    await expectAccessible(page, 'Participant page with consent and erasure');
    await section.getByLabel('Skäl').fill('Deltagaren bad om det i dag.');
    await section.getByRole('button', { name: 'Begär radering' }).click();
    await expect(section.getByText(/^Radering är begärd /)).toBeVisible();

    // The admin, another person, confirms.
    const context = await browser.newContext({ baseURL: server.baseURL, viewport: DESKTOP });
    const admin = await context.newPage();
    await signInAs(admin, server, 'admin');
    await admin.goto('/admin/gallring');
    await expect(admin.getByRole('heading', { level: 1, name: 'Gallring och radering' })).toBeVisible();
    await expect(admin.getByText(`Deltagare ${code}`)).toBeVisible();
    await expectAccessible(admin, 'Gallring och radering');
    await admin.getByRole('button', { name: `Bekräfta radering av ${code}` }).click();
    await expect(admin.getByText('Inga raderingar väntar.')).toBeVisible();
    await context.close();

    // The participant is gone from the caseload.
    await page.goto(`/personal?visa=all&sok=${encodeURIComponent(code)}`);
    await expect(page.getByRole('link', { name: code, exact: true })).toHaveCount(0);
  });
});
