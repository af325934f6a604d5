/**
 * A staff account's life, end to end: the admin creates an account, opens its
 * page, disables it (the person's open page is signed out at once) and
 * enables it again, makes a one-time link for a new password that the person
 * uses; the person sees their sessions on "Mitt konto" and ends the others.
 * axe-core checks each new page at phone and desktop size.
 */
import { test, expect } from './fixtures';
import { DESKTOP, expectAccessible } from './axe';
import { signIn, signInAs, waitForHydration } from './helpers';

test.use({ viewport: DESKTOP });

const FIRST_PASSWORD = 'forsta-losenordet-2026';
const NEW_PASSWORD = 'ett-helt-nytt-losenord';

test('an admin disables, enables and resets an account; its owner ends their other sessions', async ({ browser, server }) => {
  test.setTimeout(180_000);
  const stamp = Date.now().toString(36);
  const person = { name: `Kim Konto ${stamp}`, email: `kim.${stamp}@demo.stegvis.se` };

  const adminContext = await browser.newContext({ baseURL: server.baseURL, viewport: DESKTOP });
  const admin = await adminContext.newPage();
  await signInAs(admin, server, 'admin');
  await admin.goto('/admin');
  // Filled once the page has taken over. Once in a full run, a form sent
  // without waiting made the account but the page never showed its note
  // (the ?sparat= redirect was not followed); not reproduced since.
  await waitForHydration(admin);
  await admin.getByLabel('Namn', { exact: true }).first().fill(person.name);
  await admin.getByLabel('E-postadress').fill(person.email);
  await admin.getByLabel('Första lösenord').fill(FIRST_PASSWORD);
  await admin.getByRole('checkbox', { name: 'Handläggare' }).check();
  await admin.getByRole('button', { name: 'Skapa konto' }).click();
  await expect(admin.getByRole('status')).toHaveText('Kontot är skapat.');

  // The person signs in on two browsers.
  const personContext = await browser.newContext({ baseURL: server.baseURL, viewport: DESKTOP });
  const kim = await personContext.newPage();
  await signIn(kim, person.email, FIRST_PASSWORD);
  const secondContext = await browser.newContext({ baseURL: server.baseURL, viewport: DESKTOP });
  const second = await secondContext.newPage();
  await signIn(second, person.email, FIRST_PASSWORD);

  // --- The account's page.
  await admin.getByRole('region', { name: 'Tabell över personal' }).getByRole('link', { name: person.name }).click();
  await expect(admin.getByRole('heading', { level: 1, name: person.name })).toBeVisible();
  await expectAccessible(admin, 'a staff account');

  // Disabled: the person's next page is signed out, and signing in fails.
  await admin.getByRole('button', { name: 'Stäng av kontot' }).click();
  await expect(admin.getByRole('status')).toHaveText('Kontot är avstängt. Alla dess inloggningar är avslutade.');
  expect((await kim.goto('/personal'))?.status()).toBe(401);
  await kim.goto('/logga-in');
  await kim.getByLabel('E-postadress').fill(person.email);
  await kim.getByLabel('Lösenord').fill(FIRST_PASSWORD);
  await kim.getByRole('button', { name: 'Logga in' }).click();
  await expect(kim.getByRole('alert')).toHaveText('Fel e-postadress eller lösenord.');
  await admin.getByRole('button', { name: 'Slå på kontot' }).click();
  await expect(admin.getByRole('status')).toHaveText('Kontot är påslaget igen.');
  await signIn(kim, person.email, FIRST_PASSWORD);
  await signIn(second, person.email, FIRST_PASSWORD);

  // --- Mitt konto: three sessions, this one marked; end the others.
  await kim.goto('/konto');
  const sessions = kim.getByRole('region', { name: 'Dina inloggningar' });
  await expect(sessions.getByRole('row')).toHaveCount(3);
  await expect(sessions.getByRole('rowheader', { name: /\(den här\)$/ })).toHaveCount(1);
  await expectAccessible(kim, 'own sessions on Mitt konto');
  await kim.getByRole('button', { name: 'Logga ut överallt utom här' }).click();
  await expect(kim.getByRole('status')).toHaveText('Inloggningen är avslutad.');
  await expect(sessions.getByRole('row')).toHaveCount(2);
  expect((await second.goto('/personal'))?.status()).toBe(401);

  // --- A link for a new password, shown once to the admin.
  await admin.getByRole('button', { name: 'Skapa länk för nytt lösenord' }).click();
  await expect(admin.getByRole('status')).toHaveText('En ny länk är skapad.');
  const link = (await admin.locator('code.secret').innerText()).trim();
  expect(link).toMatch(/\/nytt-losenord\?t=[A-Za-z0-9]{32}$/);
  const path = new URL(link).pathname + new URL(link).search;

  const holder = await secondContext.newPage();
  await holder.goto(path);
  await expect(holder.getByRole('heading', { level: 1, name: 'Nytt lösenord' })).toBeVisible();
  await expect(holder.getByText(person.email, { exact: false })).toBeVisible();
  await expectAccessible(holder, 'choose a new password with a link');
  await holder.getByLabel('Nytt lösenord', { exact: true }).fill(NEW_PASSWORD);
  await holder.getByLabel('Nytt lösenord igen').fill(NEW_PASSWORD);
  await holder.getByRole('button', { name: 'Spara lösenordet' }).click();
  await expect(holder).toHaveURL(/\/logga-in\?nytt-losenord=1$/);
  await expect(holder.getByRole('status')).toHaveText('Ditt nya lösenord är sparat. Logga in med det.');
  // Every session of the account ended; the new password signs in; the link is spent.
  expect((await kim.goto('/konto'))?.status()).toBe(401);
  await signIn(holder, person.email, NEW_PASSWORD);
  await holder.goto(path);
  await expect(holder.getByRole('alert')).toContainText('Länken fungerar inte längre. Be en administratör om en ny.');

  // --- The log says who did what.
  await admin.goto('/admin/logg');
  for (const action of ['Stängde av konto', 'Slog på konto', 'Skapade länk för nytt lösenord', 'Valde nytt lösenord med länk']) {
    await expect(admin.getByRole('cell', { name: action, exact: true }).first()).toBeVisible();
  }
  await adminContext.close();
  await personContext.close();
  await secondContext.close();
});
