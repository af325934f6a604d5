/**
 * Instruments managed in the app, end to end on a server of its own (the
 * upload changes what its programme asks, which the shared server's other
 * tests must not meet): the admin uploads a file with a fourth language
 * (Somali) and a reversed item, first broken (every problem listed, nothing
 * stored) and then whole; previews it as a participant sees it, per
 * occasion and language, in a phone-wide frame; activates it for a new
 * programme; a participant of that programme answers it in Somali; their
 * case manager reads the answers; the admin retires it and confirms the
 * Somali translation as reviewed. axe checks every new page at phone and
 * desktop sizes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { test, expect, startServer, type OwnServer, type StegvisServer } from './fixtures';
import { expectAccessible, DESKTOP } from './axe';
import { answerAllQuestions, connectPhone, demoLogin, newPhone, signIn, waitForHydration } from './helpers';

const LOCALES = join(__dirname, '..', '..', 'app', 'locales');

/** A one-line message of a language file. */
function word(code: string, id: string): string {
  const line = readFileSync(join(LOCALES, `${code}.ftl`), 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${id} = `));
  if (!line) throw new Error(`${code}.ftl has no message ${id}`);
  return line.slice(id.length + 3).trim();
}

/** The instrument under test (tests/instruments/walwal.toml) under an id of this run's own. */
function instrument(id: string): string {
  const source = readFileSync(join(__dirname, '..', 'instruments', 'walwal.toml'), 'utf8');
  return source.replace('id = "walwal"', `id = "${id}"`);
}


async function adminPage(browser: Browser, server: StegvisServer): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.baseURL, viewport: DESKTOP });
  const page = await context.newPage();
  const login = demoLogin(server, 'admin');
  await signIn(page, login.email, login.password, login.totpSecret);
  return page;
}

async function upload(page: Page, source: string): Promise<void> {
  await page.getByLabel('Formulärfil').setInputFiles({
    name: 'formular.toml',
    mimeType: 'text/plain',
    buffer: Buffer.from(source, 'utf8'),
  });
  // The page's script puts the file's text in the form.
  await expect(page.getByLabel('Filens innehåll')).toHaveValue(source);
  await page.getByRole('button', { name: 'Ladda upp' }).click();
}

let own: OwnServer;

test.beforeAll(async () => {
  own = await startServer();
});

test.afterAll(async () => {
  await own?.stop();
});

test('an uploaded instrument with a fourth language and a reversed item is previewed, activated, answered and retired', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const server = own.server;
  const run = Date.now().toString(36);
  const id = `oro-${run}`;
  const programme = `Provinsats ${run}`;
  const admin = await adminPage(browser, server);

  // A programme of its own. The first staff page on this fresh server
  // fetches and compiles the bundle; a click before it has taken over the
  // page can be lost, so wait for it (longer than usual).
  await admin.goto('/admin');
  await waitForHydration(admin);
  await admin.getByLabel('Namn', { exact: true }).last().fill(programme);
  await admin.getByRole('button', { name: 'Skapa insats' }).click();
  await expect(admin.getByRole('status').filter({ hasText: 'Insatsen är skapad.' })).toBeVisible();

  await admin.getByRole('navigation', { name: 'Personal' }).getByRole('link', { name: 'Formulär' }).click();
  await expect(admin.getByRole('heading', { level: 1, name: 'Formulär' })).toBeVisible();
  // Rendered on the server only: no WASM on this page.
  await expect(admin.locator('body[data-hydrated="true"]')).toHaveCount(0);
  await expectAccessible(admin, 'instruments');

  // A broken file: every problem, item by item; nothing is stored.
  const broken = instrument(id)
    .replace('so = "Haba yaraatee"', 'so = ""')
    .replace('occasions = ["exit"]', 'occasions = ["exit", "ibland"]');
  await upload(admin, broken);
  const alert = admin.getByRole('alert');
  await expect(alert).toContainText('Filen kan inte användas');
  await expect(alert.getByRole('listitem')).toHaveText([
    'item "oro": option 1 has no text in "so"',
    'item "nojd-stod": unknown occasion "ibland" (expected intake, follow-up or exit)',
  ]);
  await expectAccessible(admin, 'instrument refused');
  await expect(admin.getByRole('heading', { level: 3, name: new RegExp(id) })).toHaveCount(0);

  // The whole file.
  await upload(admin, instrument(id));
  const uploaded = admin.getByRole('status').filter({ hasText: 'är uppladdat' });
  await expect(uploaded).toBeVisible();
  const version = /Formuläret (\S+) är uppladdat/.exec(await uploaded.innerText())![1];
  expect(version).toMatch(new RegExp(`^${id}@[0-9a-f]{16}$`));
  const history = admin.getByRole('article', { name: `Oro och vardag (${version})` });
  await expect(history).toBeVisible();
  await expect(history.getByRole('listitem').filter({ hasText: 'Ny fråga: oro.' })).toHaveCount(1);
  await expect(history).toContainText('Inte aktiverat för någon insats');

  // The preview, as a participant sees it: Somali, at exit, in a phone frame.
  await history.getByRole('link', { name: `Förhandsgranska ${version}` }).click();
  await expect(admin.getByRole('heading', { level: 1, name: 'Förhandsgranska formulär' })).toBeVisible();
  const frame = admin.getByRole('region', { name: 'Så ser deltagaren formuläret' });
  await expect(frame.getByText('Hur orolig är du?')).toBeVisible();
  await admin.getByLabel('Tillfälle', { exact: true }).selectOption({ label: 'Utskrivning' });
  await admin.getByLabel('Språk', { exact: true }).selectOption({ value: 'so' });
  await admin.getByRole('button', { name: 'Visa' }).click();
  await expect(frame).toHaveAttribute('lang', 'so');
  await expect(frame.getByRole('group')).toHaveCount(4);
  await expect(frame.getByText('Intee ku qanacsan tahay taageerada?')).toBeVisible();
  await expect(frame.getByText(word('so', 'decline')).first()).toBeVisible();
  await expect(frame.locator('img.option-picture')).toHaveCount(5);
  const box = await frame.boundingBox();
  expect(box!.width).toBeLessThanOrEqual(360);
  await expectAccessible(admin, 'instrument preview in Somali');
  // Persian is not in the file: the participant would read Swedish, right to left.
  await admin.getByLabel('Språk', { exact: true }).selectOption({ value: 'fa' });
  await admin.getByRole('button', { name: 'Visa' }).click();
  await expect(frame).toHaveAttribute('dir', 'rtl');
  await expect(admin.getByText('Formuläret saknar det här språket')).toBeVisible();
  await expect(frame.getByText('Hur orolig är du?')).toBeVisible();

  // Activated for the new programme only.
  await admin.goto('/admin/formular');
  await admin.getByLabel('Insats', { exact: true }).selectOption({ label: programme });
  await admin.getByLabel('Formulärversion').selectOption({ value: version });
  await admin.getByRole('button', { name: 'Aktivera' }).click();
  const programmes = admin.getByRole('region', { name: 'Insatsernas formulär' });
  await expect(programmes.getByRole('listitem').filter({ hasText: programme })).toHaveText(`${programme}: ${version}`);
  await expect(history.getByRole('listitem').filter({ hasText: `${programme}: ` })).toHaveCount(1);

  // A participant of that programme answers it in Somali.
  const staffContext = await browser.newContext({ baseURL: server.baseURL, viewport: DESKTOP });
  const staff = await staffContext.newPage();
  const cm = demoLogin(server, 'case manager');
  await signIn(staff, cm.email, cm.password);
  await staff.goto('/personal/ny-deltagare');
  await staff.getByLabel('Kön').selectOption({ label: 'Kvinna' });
  await staff.getByLabel('Insats').selectOption({ label: programme });
  await staff.getByRole('button', { name: 'Registrera' }).click();
  const heading = staff.getByRole('heading', { level: 1, name: /^Deltagare / });
  await expect(heading).toBeVisible();
  const participantCode = (await heading.innerText()).replace(/^Deltagare /, '').trim();
  await staff.getByRole('button', { name: 'Skapa ny kod' }).click();
  const accessCode = (await staff.locator('.sheet-code').innerText()).trim();

  const phoneContext = await newPhone(browser, server);
  const phone = await phoneContext.newPage();
  await connectPhone(phone, accessCode);
  await phoneContext.addCookies([{ name: 'stegvis_prefs', value: 'so.1.normal', url: server.baseURL }]);
  await phone.goto('/svara');
  await phone.getByRole('link', { name: word('so', 'begin') }).click();
  await expect(phone.getByRole('heading', { level: 1 })).toHaveText('Intee in le\'eg ayaad walwalsan tahay?');
  await expectAccessible(phone, 'uploaded instrument question in Somali');
  const chosen = await answerAllQuestions(phone, { next: word('so', 'next') });
  expect(chosen).toHaveLength(2);
  await phone.getByRole('button', { name: word('so', 'send') }).click();
  await expect(phone.getByRole('heading', { level: 1, name: word('so', 'thanks_heading') })).toBeVisible();

  // The case manager reads the answers in the uploaded wording.
  await staff.goto(`/personal?visa=all&sok=${encodeURIComponent(participantCode)}`);
  await staff.getByRole('link', { name: participantCode, exact: true }).click();
  await staff.getByRole('link', { name: /^Visa svar/ }).first().click();
  await expect(staff.getByText('Hur orolig är du?')).toBeVisible();

  // Retired: the programme falls back to the default, the history says so.
  await history.getByRole('button', { name: `Dra tillbaka ${version}` }).click();
  await expect(programmes.getByRole('listitem').filter({ hasText: programme })).not.toHaveText(`${programme}: ${version}`);
  await expect(history.getByText('Tillbakadragen', { exact: true })).toBeVisible();
  await expectAccessible(admin, 'instruments after retiring');

  // The association confirms that a native speaker reviewed the Somali screens.
  await admin.goto('/admin');
  await waitForHydration(admin);
  const languages = admin.getByRole('region', { name: 'Tabell över språk för deltagare' });
  const somali = languages.getByRole('row', { name: new RegExp(word('so', 'language_name')) });
  await somali.getByRole('button', { name: 'Bekräfta granskning av so' }).click();
  await expect(somali.getByRole('cell').last()).toHaveText(/^Ja, \d{4}-\d{2}-\d{2} av /);
  await expectAccessible(admin, 'a translation confirmed');

  // The audit log has every change.
  await admin.goto('/admin/logg');
  for (const action of [
    'Laddade upp formulär',
    'Aktiverade formulär för insats',
    'Drog tillbaka formulär',
    'Bekräftade granskad översättning',
  ]) {
    await expect(admin.getByRole('cell', { name: action, exact: true }).first()).toBeVisible();
  }
  await phoneContext.close();
  await staffContext.close();
  await admin.context().close();
});

test('an evaluator reads the versions but cannot change them', async ({ browser }) => {
  const server = own.server;
  const context = await browser.newContext({ baseURL: server.baseURL });
  const page = await context.newPage();
  const login = demoLogin(server, 'evaluator');
  await signIn(page, login.email, login.password, login.totpSecret);
  await page.getByRole('navigation', { name: 'Personal' }).getByRole('link', { name: 'Formulär' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Versioner och ändringar' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Ladda upp' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Dra tillbaka/ })).toHaveCount(0);
  await expectAccessible(page, 'instruments for an evaluator');
  await context.close();
});
