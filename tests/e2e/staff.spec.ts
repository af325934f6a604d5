/**
 * The staff side, end to end: the admin signs in with password and TOTP and
 * creates a case manager; the case manager registers a participant, issues a
 * code and prints the access sheet; the participant redeems it on a phone and
 * sends the intake; the case manager sees it arrive and reads the answers.
 * Also a check-in run together on the staff device, and what a signed-out or
 * wrong-role visitor gets. axe-core checks every staff page at phone and
 * desktop size.
 */
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { DESKTOP, expectAccessible, PHONE } from './axe';
import {
  answerAllQuestions,
  choosePin,
  demoLogin,
  newPhone,
  signIn,
  signInAs,
  todayIso,
  totp,
  totpForSignIn,
  waitForHydration,
} from './helpers';

test.use({ viewport: DESKTOP });

/** A password long enough for a staff account. */
const FIRST_PASSWORD = 'forsta-losenordet-2026';

/** What the case manager typed when registering. */
interface Registration {
  consent: boolean;
  birthYear?: string;
  municipality?: string;
}

/**
 * Registers a participant from the caseload's "Registrera deltagare" and
 * returns their participant code from the page it leads to.
 */
async function registerParticipant(page: Page, registration: Registration, checkAccessibility = false): Promise<string> {
  await page.goto('/personal');
  await page.getByRole('link', { name: 'Registrera deltagare' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Registrera deltagare' })).toBeVisible();
  if (checkAccessibility) await expectAccessible(page, 'register a participant');
  if (registration.consent) await page.getByLabel('Deltagaren samtycker').check();
  await page.getByLabel('Kön').selectOption({ label: 'Kvinna' });
  await expect(page.getByLabel('Startdatum')).toHaveValue(todayIso());
  await page.getByLabel('Insats').selectOption({ label: 'Steget vidare' });
  if (registration.birthYear) await page.getByLabel('Födelseår').fill(registration.birthYear);
  if (registration.municipality) await page.getByLabel('Kommun').fill(registration.municipality);
  if (registration.consent) await page.getByLabel('Remitterad från').selectOption({ label: 'Arbetsförmedlingen' });
  await page.getByRole('button', { name: 'Registrera' }).click();
  await expect(page).toHaveURL(/\/personal\/deltagare\/[^/]+$/);
  const heading = page.getByRole('heading', { level: 1, name: /^Deltagare / });
  await expect(heading).toBeVisible();
  const code = (await heading.innerText()).replace(/^Deltagare\s+/, '').trim();
  expect(code).toMatch(/^[A-Z0-9]{3}-[A-Z0-9]{3}$/);
  return code;
}

/** The value next to a label in the participant page's facts list. */
function fact(page: Page, label: string) {
  return page.locator('dl.facts dt', { hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd[1]');
}

test('admin creates a case manager, who registers a participant and prints the sheet; the intake sent on the phone arrives', async ({
  browser,
  server,
}) => {
  test.setTimeout(180_000);
  const stamp = Date.now().toString(36);
  const caseManager = { name: `Cecilia Coach ${stamp}`, email: `cecilia.${stamp}@demo.stegvis.se` };

  // --- The admin signs in with password and TOTP and creates the account.
  const adminContext = await browser.newContext({ baseURL: server.baseURL, viewport: DESKTOP });
  const admin = await adminContext.newPage();
  const adminLogin = demoLogin(server, 'admin');
  await admin.goto('/logga-in');
  await expect(admin.getByRole('heading', { level: 1, name: 'Logga in' })).toBeVisible();
  await expectAccessible(admin, 'staff sign-in');
  await admin.getByLabel('E-postadress').fill(adminLogin.email);
  await admin.getByLabel('Lösenord').fill(adminLogin.password);
  await admin.getByRole('button', { name: 'Logga in' }).click();
  await expect(admin).toHaveURL(/\/logga-in\/kod$/);
  await expectAccessible(admin, 'two-factor code');
  // A wrong code is refused and announced.
  const wrong = String((Number(totp(adminLogin.totpSecret!)) + 500_000) % 1_000_000).padStart(6, '0');
  await admin.getByLabel('Kod', { exact: true }).fill(wrong);
  await admin.getByRole('button', { name: 'Logga in' }).click();
  await expect(admin.getByRole('alert')).toHaveText('Koden stämmer inte. Skriv den kod som appen visar nu.');
  await admin.getByLabel('Kod', { exact: true }).fill(await totpForSignIn(adminLogin.totpSecret!));
  await admin.getByRole('button', { name: 'Logga in' }).click();
  await expect(admin).toHaveURL(/\/admin$/);
  const adminNav = admin.getByRole('navigation', { name: 'Personal' });
  await expect(adminNav.getByRole('link', { name: 'Administration' })).toBeVisible();
  await expect(adminNav.getByRole('link', { name: 'Logg' })).toBeVisible();
  await expect(adminNav.getByRole('link', { name: 'Deltagare' })).toHaveCount(0);
  await expect(admin.getByRole('heading', { level: 1, name: 'Administration' })).toBeVisible();
  await expectAccessible(admin, 'administration');

  await admin.getByLabel('Namn', { exact: true }).first().fill(caseManager.name);
  await admin.getByLabel('E-postadress').fill(caseManager.email);
  await admin.getByLabel('Första lösenord').fill(FIRST_PASSWORD);
  await admin.getByRole('checkbox', { name: 'Handläggare' }).check();
  await admin.getByRole('button', { name: 'Skapa konto' }).click();
  await expect(admin.getByRole('status')).toHaveText('Kontot är skapat.');
  const staffTable = admin.getByRole('region', { name: 'Tabell över personal' });
  await expect(staffTable.getByRole('row', { name: new RegExp(caseManager.name) })).toContainText('Handläggare');

  await admin.goto('/konto');
  await expect(admin.getByText('Tvåstegsinloggning är på.', { exact: false })).toBeVisible();
  await expectAccessible(admin, 'admin account');

  // --- The new case manager signs in (no two-factor yet) and registers a participant.
  const staffContext = await browser.newContext({ baseURL: server.baseURL, viewport: DESKTOP });
  const staff = await staffContext.newPage();
  await signIn(staff, caseManager.email, FIRST_PASSWORD);
  await expect(staff).toHaveURL(/\/personal$/);
  await expect(staff.getByRole('button', { name: `Logga ut ${caseManager.name}` })).toBeVisible();
  await expect(staff.getByRole('status')).toHaveText('Visar 0 av 0 deltagare.');
  await expectAccessible(staff, 'empty caseload');

  const participant = await registerParticipant(
    staff,
    { consent: true, birthYear: '1986', municipality: 'Haninge' },
    true,
  );
  await expect(fact(staff, 'Kommun')).toHaveText('Haninge');
  await expect(fact(staff, 'Födelseår')).toHaveText('1986');
  await expect(fact(staff, 'Kön')).toHaveText('Kvinna');
  await expect(fact(staff, 'Remitterad från')).toHaveText('Arbetsförmedlingen');
  await expect(fact(staff, 'Samtycke')).toContainText(todayIso());
  await expect(fact(staff, 'Handläggare')).toHaveText(caseManager.name);
  await expect(staff.getByText('Det finns ingen giltig kod.')).toBeVisible();
  await expectAccessible(staff, 'participant page');

  // --- A code, on the sheet that is printed and handed over.
  await staff.getByRole('button', { name: 'Skapa ny kod' }).click();
  await expect(staff).toHaveURL(/\/personal\/deltagare\/[^/]+\/blad$/);
  await expect(staff.getByRole('heading', { level: 1, name: 'Så svarar du i mobilen' })).toBeVisible();
  const accessCode = (await staff.locator('.sheet-code').innerText()).trim();
  expect(accessCode).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  const qr = staff.getByRole('img', { name: 'QR-kod med länk till Stegvis' });
  await expect(qr.locator('svg')).toBeVisible();
  const link = (await staff.locator('.sheet-link').innerText()).trim();
  expect(link).toBe(`${server.baseURL}/kod?k=${accessCode}`);
  await expectAccessible(staff, 'access sheet');

  // "Skriv ut" opens the browser's print dialog (recorded here instead).
  await waitForHydration(staff);
  await staff.evaluate(() => {
    const w = window as unknown as { printed: number };
    w.printed = 0;
    window.print = () => {
      w.printed += 1;
    };
  });
  await staff.getByRole('button', { name: 'Skriv ut' }).click();
  expect(await staff.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);

  // On paper: the sheet only, without the staff header, menu or buttons.
  await staff.emulateMedia({ media: 'print' });
  await expect(staff.locator('.sheet-code')).toHaveText(accessCode);
  await expect(qr).toBeVisible();
  await expect(staff.getByRole('heading', { level: 1, name: 'Så svarar du i mobilen' })).toBeVisible();
  await expect(staff.locator('nav.staff-nav')).toBeHidden();
  await expect(staff.locator('header.site-header')).toBeHidden();
  await expect(staff.getByRole('button', { name: 'Skriv ut' })).toBeHidden();
  await expect(staff.getByRole('link', { name: 'Tillbaka till deltagaren' })).toBeHidden();
  const qrSize = await qr.locator('svg').boundingBox();
  expect(qrSize!.width).toBeGreaterThan(150); // about 6 cm: big enough for any phone camera
  const pdf = await staff.pdf({ format: 'A4' });
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const pages = pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? [];
  expect(pages, 'the sheet prints on one A4 page').toHaveLength(1);
  await staff.emulateMedia({ media: 'screen' });

  // --- The participant scans the QR code on their phone, chooses a PIN and answers.
  const phoneContext = await newPhone(browser, server);
  const phone = await phoneContext.newPage();
  await phone.goto(link);
  await expect(phone.getByLabel('Kod', { exact: true })).toHaveValue(accessCode);
  await phone.getByRole('button', { name: 'Gå vidare' }).click();
  await choosePin(phone, '846213');
  await expect(phone.getByText('Det här är första gången du svarar.')).toBeVisible();
  await phone.getByRole('link', { name: 'Börja' }).click();
  const chosen = await answerAllQuestions(phone);
  await phone.getByRole('button', { name: 'Skicka svaren' }).click();
  await expect(phone.getByRole('heading', { level: 1, name: 'Tack för dina svar!' })).toBeVisible();

  // --- The case manager finds the participant in the caseload: done for now.
  await staff.getByRole('navigation', { name: 'Personal' }).getByRole('link', { name: 'Deltagare' }).click();
  await expect(staff.getByRole('heading', { level: 1, name: 'Deltagare' })).toBeVisible();
  await staff.reload();
  await staff.getByLabel('Sök deltagarkod').fill(participant);
  await staff.getByRole('button', { name: 'Visa' }).click();
  await expect(staff).toHaveURL(new RegExp(`sok=${participant}`));
  await expect(staff.getByRole('status')).toHaveText('Visar 1 av 1 deltagare.');
  const row = staff.getByRole('region', { name: 'Deltagarlista' }).getByRole('row', { name: new RegExp(participant) });
  const cells = row.getByRole('cell');
  await expect(cells.nth(0)).toHaveText('Klar för nu'); // Status
  await expect(cells.nth(1)).toHaveText('Uppföljning 1'); // Nästa tillfälle
  await expect(cells.nth(4)).toHaveText(todayIso()); // Senaste svar
  await expectAccessible(staff, 'caseload with a search');

  // … and reads the answers (which is logged).
  await row.getByRole('link', { name: participant }).click();
  await expect(staff.getByRole('heading', { level: 1, name: `Deltagare ${participant}` })).toBeVisible();
  await expect(staff.getByText('Kopplade telefoner: 1')).toBeVisible();
  const intakeRow = staff.getByRole('region', { name: 'Tabell över incheckningar' }).getByRole('row', { name: /^Start/ });
  await expect(intakeRow).toContainText('Besvarad');
  await expect(intakeRow).toContainText(todayIso());
  await intakeRow.getByRole('link', { name: 'Visa svar: Start' }).click();
  await expect(staff.getByRole('heading', { level: 1, name: `${participant}: Start` })).toBeVisible();
  await expect(staff.getByText(`Skickade ${todayIso()}`)).toBeVisible();
  const answers = staff.getByRole('region', { name: 'Svar', exact: true }).getByRole('row');
  await expect(answers).toHaveCount(chosen.length + 1);
  await expect(answers.nth(1).getByRole('rowheader')).toHaveText('Hur mår du nu?');
  await expect(answers.nth(5).getByRole('cell')).toHaveText('Vill inte svara');
  await expectAccessible(staff, 'answers');

  // A lost phone: blocking access disconnects it at once.
  await staff.getByRole('link', { name: 'Tillbaka till deltagaren' }).click();
  await expect(staff.getByText('Kopplade telefoner: 1')).toBeVisible();
  await staff.getByRole('button', { name: 'Spärra koder och telefoner' }).click();
  await expect(staff.getByText('Kopplade telefoner: 0')).toBeVisible();
  await expect(staff.getByText('Det finns ingen giltig kod.')).toBeVisible();
  expect((await phone.goto('/svara'))?.status()).toBe(401);
  await phone.goto('/');
  await expect(phone.getByRole('heading', { level: 1, name: 'Skriv din kod' })).toBeVisible();
  await phoneContext.close();

  await staff.goto('/konto');
  await expect(staff.getByRole('img', { name: 'QR-kod för autentiseringsappen' })).toBeVisible();
  await expectAccessible(staff, 'case manager account with two-factor setup');
  // Two-factor sign-in, turned on with the first code from the app, asked at the next sign-in.
  const secret = (await staff.locator('code.secret').innerText()).trim();
  await staff.getByLabel('Kod från appen').fill(totp(secret));
  // The password again: a browser left signed in is not enough to turn it on.
  await staff.getByLabel('Ditt lösenord').fill(FIRST_PASSWORD);
  await staff.getByRole('button', { name: 'Slå på' }).click();
  await expect(staff.getByRole('status')).toHaveText('Tvåstegsinloggning är på.');
  await expect(staff.getByText('Tvåstegsinloggning är på. Du loggar in med lösenord och en kod från appen.')).toBeVisible();
  await staff.getByRole('button', { name: `Logga ut ${caseManager.name}` }).click();
  await expect(staff).toHaveURL(/\/logga-in$/);
  await signIn(staff, caseManager.email, FIRST_PASSWORD, secret);
  await expect(staff).toHaveURL(/\/personal$/);

  // --- The audit log shows who read what.
  await admin.getByRole('navigation', { name: 'Personal' }).getByRole('link', { name: 'Logg' }).click();
  await expect(admin.getByRole('heading', { level: 1, name: 'Logg' })).toBeVisible();
  const log = admin.getByRole('region', { name: 'Logg', exact: true });
  for (const action of ['Skapade konto', 'Registrerade deltagare', 'Skapade kod', 'Läste svar']) {
    await expect(log.getByRole('row').filter({ hasText: action }).first()).toBeVisible();
  }
  await expect(
    log.getByRole('row').filter({ hasText: 'Läste svar' }).filter({ hasText: caseManager.name }).first(),
  ).toContainText(participant);
  await expectAccessible(admin, 'audit log');

  // Signing out ends the session: the staff pages ask for a sign-in again.
  await admin.getByRole('button', { name: /^Logga ut / }).click();
  await expect(admin).toHaveURL(/\/logga-in$/);
  await expect(admin.getByRole('navigation', { name: 'Personal' })).toHaveCount(0);
  expect((await admin.goto('/admin'))?.status()).toBe(401);

  await adminContext.close();
  await staffContext.close();
});

test('a check-in together on the staff device says the participant chooses the answers', async ({
  browser,
  server,
}) => {
  const context = await browser.newContext({ baseURL: server.baseURL, viewport: DESKTOP });
  try {
    const staff = await context.newPage();
    await signInAs(staff, server, 'case manager');
    // Anonymous: registered without consent, so only gender and start year are kept.
    const participant = await registerParticipant(staff, { consent: false });
    await expect(fact(staff, 'Samtycke')).toHaveText('Nej – anonym: bara kön och startår sparas');
    await expect(staff.locator('dl.facts dt', { hasText: 'Kommun' })).toHaveCount(0);

    await staff.getByRole('button', { name: 'Starta incheckning tillsammans' }).click();
    await expect(staff).toHaveURL(/\/svara$/);
    const banner = staff.getByRole('region', { name: 'Incheckning tillsammans' });
    await expect(banner).toContainText(`Ni svarar tillsammans. Det är du som väljer svaren. (${participant})`);
    await expect(staff.getByRole('heading', { level: 1, name: 'Hej! Nu är det dags att svara' })).toBeVisible();
    await expectAccessible(staff, 'check-in together: start');
    await staff.getByRole('link', { name: 'Börja' }).click();
    await answerAllQuestions(staff, {
      onScreen: async (step) => {
        await expect(banner).toBeVisible();
        if (step === 1) await expectAccessible(staff, 'check-in together: question 1');
      },
    });
    await staff.getByRole('button', { name: 'Skicka svaren' }).click();
    await expect(staff.getByRole('heading', { level: 1, name: 'Tack för dina svar!' })).toBeVisible();

    await banner.getByRole('button', { name: 'Avsluta tillsammans' }).click();
    await expect(staff.getByRole('heading', { level: 1, name: `Deltagare ${participant}` })).toBeVisible();
    await expect(banner).toHaveCount(0);
    const intakeRow = staff.getByRole('region', { name: 'Tabell över incheckningar' }).getByRole('row', { name: /^Start/ });
    await expect(intakeRow).toContainText('(tillsammans med');
    await intakeRow.getByRole('link', { name: 'Visa svar: Start' }).click();
    await expect(staff.getByText(/^Skickade \d{4}-\d{2}-\d{2}, tillsammans med .+$/)).toBeVisible();

    // The exit: recorded today, it opens the exit check-in.
    await staff.getByRole('link', { name: 'Tillbaka till deltagaren' }).click();
    await expect(staff.getByLabel('Slutdatum')).toHaveValue(todayIso());
    await staff.getByLabel('Går vidare till').selectOption({ label: 'Arbete' });
    await staff.getByRole('button', { name: 'Registrera avslut' }).click();
    await expect(fact(staff, 'Resultat vid avslut')).toHaveText('Arbete');
    await expect(fact(staff, 'Slutdatum')).toHaveText(todayIso());
    await expect(staff.getByRole('heading', { name: 'Avsluta' })).toHaveCount(0);
    const exitRow = staff.getByRole('region', { name: 'Tabell över incheckningar' }).getByRole('row', { name: /^Slut/ });
    await expect(exitRow).toContainText('Att svara');
    await expect(staff.getByRole('button', { name: 'Starta incheckning tillsammans' })).toBeVisible();
  } finally {
    await context.close();
  }
});

test('the evaluator sees counts only; signed out, the staff pages ask for a sign-in', async ({ browser, server }) => {
  const context = await browser.newContext({ baseURL: server.baseURL, viewport: DESKTOP });
  try {
    const page = await context.newPage();
    // Signed out: staff pages refuse with 401 and offer the sign-in.
    expect((await page.goto('/personal'))?.status()).toBe(401);
    await expect(page.getByRole('alert').getByRole('link', { name: 'Logga in' })).toBeVisible();
    await expectAccessible(page, 'staff page while signed out');

    await signInAs(page, server, 'evaluator');
    await expect(page).toHaveURL(/\/utvardering$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Utvärdering' })).toBeVisible();
    const byGender = page.getByRole('table', { name: 'Nöjd deltagarindex (0–100) per kön' });
    await expect(byGender.getByRole('row', { name: /^Kvinna/ })).toBeVisible();
    await expectAccessible(page, 'evaluator overview');
  } finally {
    await context.close();
  }
});

test('a role kept out of a page gets one error notice, without the forms of the page refused', async ({
  browser,
  server,
}) => {
  const context = await browser.newContext({ baseURL: server.baseURL, viewport: DESKTOP });
  try {
    const page = await context.newPage();
    await signInAs(page, server, 'evaluator');
    // No administration for an evaluator, and no participant's page.
    expect((await page.goto('/admin'))?.status()).toBe(403);
    await expect(page.getByRole('alert')).toHaveCount(1);
    await expect(page.getByRole('alert')).toContainText('Ditt konto har inte behörighet till det här.');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Något gick fel');
    await expect(page.getByRole('main').locator('form, input, select')).toHaveCount(0);
    await expectAccessible(page, 'administration, refused');
    expect((await page.goto('/personal'))?.status()).toBe(403);
    await expect(page.getByRole('alert')).toHaveCount(1);
    await expect(page.getByRole('alert')).toContainText('Ditt konto har inte behörighet till det här.');
    await expect(page.getByRole('link', { name: 'Registrera deltagare' })).toHaveCount(0);
    await expectAccessible(page, 'forbidden page');
  } finally {
    await context.close();
  }
});

test('the staff pages work on a phone too', async ({ staffPage: page }) => {
  await page.setViewportSize(PHONE);
  await page.goto('/personal');
  await expect(page.getByRole('heading', { level: 1, name: 'Deltagare' })).toBeVisible();
  // The demo case manager's own caseload, most urgent first, with the filters as a plain GET form.
  await page.getByLabel('Status').selectOption({ label: 'Att svara' });
  await page.getByLabel('Sortera').selectOption({ label: 'Kod' });
  await page.getByRole('button', { name: 'Visa' }).click();
  await expect(page).toHaveURL(/status=due/);
  await expect(page).toHaveURL(/sortera=code/);
  const codes = await page
    .getByRole('region', { name: 'Deltagarlista' })
    .getByRole('rowheader')
    .allInnerTexts();
  expect(codes.length).toBeGreaterThan(0);
  expect([...codes].sort()).toEqual(codes);
  await expectAccessible(page, 'filtered caseload');
});
