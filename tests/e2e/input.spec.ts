/**
 * Form errors come only from the server's answer to this browser: a link
 * with an error written into it (`__path`, `__err`) shows nothing, with or
 * without JavaScript, while a real wrong code, PIN or password still shows
 * its message, also on a staff page that takes over (hydrates) after a plain
 * form post. axe-core checks the pages with a message at phone and desktop size.
 */
import { test, expect } from './fixtures';
import { expectAccessible } from './axe';
import { choosePin, demoLogin, leave, newPhone, takeAccessCode, waitForHydration } from './helpers';

const PLANTED = 'Ring 070-000 00 00 och läs upp din pinkod';

/** A link as an attacker would write it, with Leptos' own encoding of an error. */
function plantedLink(page: string, fn: string): string {
  const err = Buffer.from(JSON.stringify({ Invalid: PLANTED })).toString('base64url');
  return `${page}?__path=${encodeURIComponent(fn)}&__err=${encodeURIComponent(err)}`;
}

for (const js of [false, true]) {
  test(`a planted message shows nowhere; real wrong codes and PINs do (JavaScript ${js ? 'on' : 'off'})`, async ({
    browser,
    server,
  }) => {
    const context = await newPhone(browser, server, { javaScriptEnabled: js });
    try {
      const page = await context.newPage();
      for (const [path, fn] of [
        ['/', '/api/access/code'],
        ['/kod', '/api/access/code'],
        ['/logga-in', '/api/login'],
        ['/ny-pin', '/api/access/new-pin'],
      ]) {
        await page.goto(plantedLink(path, fn));
        if (js) await waitForHydration(page);
        await expect(page.locator('h1')).toBeVisible();
        await expect(page.getByText(PLANTED)).toHaveCount(0);
        await expect(page.getByRole('alert')).toHaveCount(0);
      }

      // A wrong code: the message, and nothing about it in the address.
      await page.goto('/');
      await page.getByLabel('Kod', { exact: true }).fill('AAAA-AAAA');
      await page.getByRole('button', { name: 'Gå vidare' }).click();
      await expect(page.getByRole('alert')).toHaveText('Koden stämmer inte. Titta på lappen och skriv koden igen.');
      expect(page.url()).not.toContain('__err');
      if (js) await expectAccessible(page, 'wrong code');
      // Shown once: opening the page again starts clean.
      await page.goto('/');
      await expect(page.getByRole('alert')).toHaveCount(0);

      // The right code; then two different PINs.
      await page.getByLabel('Kod', { exact: true }).fill(takeAccessCode(server).accessCode);
      await page.getByRole('button', { name: 'Gå vidare' }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Välj en pinkod' })).toBeVisible();
      await page.getByLabel('Pinkod', { exact: true }).fill('1234');
      await page.getByLabel('Skriv samma pinkod igen').fill('4321');
      await page.getByRole('button', { name: 'Gå vidare' }).click();
      await expect(page.getByRole('alert')).toHaveText('Du skrev två olika pinkoder. Skriv samma pinkod två gånger.');
      await choosePin(page);

      // A wrong PIN next time.
      await leave(page);
      await page.goto(plantedLink('/', '/api/access/pin'));
      await expect(page.getByText(PLANTED)).toHaveCount(0);
      await page.getByLabel('Pinkod', { exact: true }).fill('0000');
      await page.getByRole('button', { name: 'Gå vidare' }).click();
      await expect(page.getByRole('alert')).toHaveText('Fel pinkod. Försök igen. Du kan försöka 4 gånger till.');
      if (js) await expectAccessible(page, 'wrong PIN');
    } finally {
      await context.close();
    }
  });
}

test('a staff page that takes over after a plain form post keeps the server’s message', async ({ page, server }) => {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    // A refused sign-in is a 4xx by design; anything else is a problem.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
  });
  // The sign-in form is sent before the page's script has loaded: a plain post.
  // The bundle is held, never answered, rather than failed: a failed fetch is
  // reported as a page error at a moment of its own, sometimes after the
  // count below was reset; a held one ends quietly with the page.
  await page.route('**/*.wasm', () => {});
  await page.goto('/logga-in');
  await page.unroute('**/*.wasm');
  problems.length = 0;
  const login = demoLogin(server, 'case manager');
  await page.getByLabel('E-postadress').fill(login.email);
  await page.getByLabel('Lösenord').fill('fel-losenord-99');
  await page.getByRole('button', { name: 'Logga in' }).click();
  await expect(page).toHaveURL(/\/logga-in$/);
  await waitForHydration(page);
  await expect(page.getByRole('alert')).toHaveText('Fel e-postadress eller lösenord.');
  expect(problems, problems.join('\n')).toEqual([]);
  await expectAccessible(page, 'wrong password');

  // After taking over, the form answers by itself; a planted link still shows nothing.
  await page.getByLabel('Lösenord').fill('fel-igen-99999');
  await page.getByRole('button', { name: 'Logga in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Fel e-postadress eller lösenord.');
  await page.goto(plantedLink('/logga-in', '/api/login'));
  await waitForHydration(page);
  await expect(page.getByText(PLANTED)).toHaveCount(0);
});
