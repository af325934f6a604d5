/**
 * The participant's check-in, end to end in headless Chromium against the
 * release build: the phone is connected with an access code and a PIN, then
 * the check-in runs with the WASM loaded, with JavaScript off, across two
 * phones, sent twice, and with invalid input. axe-core checks every screen at
 * phone and desktop size. What arrived is checked the way the case manager
 * sees it.
 */
import { test, expect } from './fixtures';
import { expectAccessible, PHONE } from './axe';
import {
  answerAllQuestions,
  connectPhone,
  enterPin,
  issueNewCode,
  leave,
  newPhone,
  storedCheckIns,
  takeAccessCode,
  waitForHydration,
} from './helpers';

test.use({ viewport: PHONE });

test('with JavaScript: code and PIN, then a full check-in without a page reload, accessible on every screen', async ({
  page,
  staffPage,
  server,
}) => {
  // axe at two sizes on every screen of a whole check-in.
  test.setTimeout(120_000);
  const { participant, accessCode } = takeAccessCode(server);

  await page.goto('/');
  await waitForHydration(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Skriv din kod' })).toBeVisible();
  await expectAccessible(page, 'access code');
  await page.getByLabel('Kod', { exact: true }).fill(accessCode);
  await page.getByRole('button', { name: 'Gå vidare' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Välj en pinkod' })).toBeVisible();
  await expectAccessible(page, 'choose a PIN');
  await page.getByLabel('Pinkod', { exact: true }).fill('4711');
  await page.getByLabel('Skriv samma pinkod igen').fill('4711');
  await page.getByRole('button', { name: 'Gå vidare' }).click();

  await expect(page).toHaveURL(/\/svara$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Hej! Nu är det dags att svara' })).toBeVisible();
  // The participant script has the check-in: from here on, no page loads.
  await expect(page.locator('main[data-drawn="phone"]')).toBeVisible();
  // A value on window survives drawing a new screen, not a page load.
  await page.evaluate(() => ((window as unknown as { stegvisMarker: number }).stegvisMarker = 42));
  await expectAccessible(page, 'check-in start');
  await page.getByRole('link', { name: 'Börja' }).click();

  await answerAllQuestions(page, {
    onScreen: async (step) => {
      // Focus moves to the question heading after Next, so it is read out.
      if (step > 1) await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
      // A new question starts unanswered: nothing carried over from the last screen.
      await expect(page.getByRole('main').getByRole('radio', { checked: true })).toHaveCount(0);
      await expectAccessible(page, `question ${step}`);
    },
  });
  await expectAccessible(page, 'review');
  await page.getByRole('button', { name: 'Skicka svaren' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Tack för dina svar!' })).toBeVisible();
  await expectAccessible(page, 'thank you');
  expect(await page.evaluate(() => (window as unknown as { stegvisMarker?: number }).stegvisMarker)).toBe(42);

  expect(await storedCheckIns(staffPage, participant)).toBe(1);
});

test('without JavaScript: code, PIN and every step are plain form posts, and the answers arrive', async ({
  noJsPage: page,
  staffPage,
  server,
}) => {
  await page.setViewportSize(PHONE);
  const { participant, accessCode } = takeAccessCode(server);

  await connectPhone(page, accessCode);
  await page.getByRole('link', { name: 'Börja' }).click();

  // Back keeps what was chosen.
  await page.getByRole('radio', { name: 'Bra', exact: true }).check();
  await page.getByRole('button', { name: 'Nästa' }).click();
  await expect(page.getByText(/^Fråga 2 av \d+$/)).toBeVisible();
  await page.getByRole('button', { name: 'Bakåt' }).click();
  await expect(page.getByText(/^Fråga 1 av \d+$/)).toBeVisible();
  await expect(page.getByRole('radio', { name: 'Bra', exact: true })).toBeChecked();

  await answerAllQuestions(page);
  await page.getByRole('button', { name: 'Skicka svaren' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Tack för dina svar!' })).toBeVisible();
  expect(await storedCheckIns(staffPage, participant)).toBe(1);
});

test('a half-finished check-in resumes where it was left: after signing in again, and on a second phone', async ({
  noJsPage: page,
  staffPage,
  browser,
  server,
}) => {
  await page.setViewportSize(PHONE);
  const { participant, accessCode } = takeAccessCode(server);
  await connectPhone(page, accessCode);
  await page.getByRole('link', { name: 'Börja' }).click();
  await page.getByRole('radio', { name: 'Bra', exact: true }).check();
  await page.getByRole('button', { name: 'Nästa' }).click();
  await expect(page.getByText(/^Fråga 2 av \d+$/)).toBeVisible();

  // The same phone: sign out, and back in with the PIN only.
  await leave(page);
  await enterPin(page);
  await expect(page.getByText(/^Du har svarat på 1 av \d+ frågor\.$/)).toBeVisible();

  // A second phone, connected with a new code from the case manager.
  const newCode = await issueNewCode(staffPage, participant);
  expect(newCode).not.toBe(accessCode);
  const other = await newPhone(browser, server);
  try {
    const phone = await other.newPage();
    await connectPhone(phone, newCode, '13579');
    await expect(phone.getByText(/^Du har svarat på 1 av \d+ frågor\.$/)).toBeVisible();
    await phone.getByRole('link', { name: 'Svara mer' }).click();
    await expect(phone.getByText(/^Fråga 2 av \d+$/)).toBeVisible();
    await expect(phone.getByRole('radio', { checked: true })).toHaveCount(0);
    await expectAccessible(phone, 'resumed question 2');
  } finally {
    await other.close();
  }
  // The first phone is still connected: a new code does not disconnect it.
  await page.getByRole('link', { name: 'Svara mer' }).click();
  await expect(page.getByText(/^Fråga 2 av \d+$/)).toBeVisible();
});

test('sending the same submission twice stores it once', async ({ noJsPage: page, staffPage, server }) => {
  await page.setViewportSize(PHONE);
  const { participant, accessCode } = takeAccessCode(server);
  await connectPhone(page, accessCode);
  await page.getByRole('link', { name: 'Börja' }).click();
  await answerAllQuestions(page);
  const submissionId = await page.locator('input[name="submission_id"]').getAttribute('value');
  expect(submissionId).toMatch(/^[0-9a-f-]{36}$/);

  await page.getByRole('button', { name: 'Skicka svaren' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Tack för dina svar!' })).toBeVisible();

  // The same submission again, as a phone on a bad network would resend it
  // (with the phone's cookies: page.request shares them).
  const again = await page.request.post('/api/check-in/submit', { form: { submission_id: submissionId! } });
  expect(again.status()).toBe(200);
  expect(await storedCheckIns(staffPage, participant)).toBe(1);
});

test('invalid answers get a 4xx with a clear message and store nothing', async ({
  page,
  staffPage,
  playwright,
  server,
}) => {
  const { participant, accessCode } = takeAccessCode(server);
  await connectPhone(page, accessCode);
  const submission_id = '7d2c1a8e-4f1b-4c8e-9a65-3c2b1d0e9f11';
  const post = (form: Record<string, string>) => page.request.post('/api/check-in/answer', { form });
  const valid = { submission_id, step: '1', item: 'halsa', answer: '4', go: 'next' };

  const unknownItem = await post({ ...valid, item: 'lon' });
  expect(unknownItem.status()).toBe(422);
  // Answers that do not fit the instrument: one plain message (the detail is in the server's log).
  expect(await unknownItem.text()).toContain('Svaren passar inte till frågorna');

  const outOfRange = await post({ ...valid, answer: '9' });
  expect(outOfRange.status()).toBe(422);
  expect(await outOfRange.text()).toContain('Svaren passar inte till frågorna');

  const malformed = await post({ step: 'first' });
  expect(malformed.status()).toBe(400);
  expect(await malformed.text()).toContain('Formuläret kunde inte läsas');

  const oversized = await page.request.post('/api/check-in/answer', {
    data: 'a'.repeat(200_000),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  expect(oversized.status()).toBe(413);

  const submitWithoutAnswers = await page.request.post('/api/check-in/submit', { form: { submission_id } });
  expect(submitWithoutAnswers.status()).toBe(422);

  // Without a signed-in phone, a valid answer is refused: only the session says whose it is.
  const stranger = await playwright.request.newContext({ baseURL: server.baseURL });
  try {
    const signedOut = await stranger.post('/api/check-in/answer', { form: valid });
    expect(signedOut.status()).toBe(401);
    expect(await signedOut.text()).toContain('Du behöver skriva din kod först');
  } finally {
    await stranger.dispose();
  }

  // Nothing was saved: the check-in has not been started, and nothing arrived.
  await page.goto('/svara');
  await expect(page.getByRole('link', { name: 'Börja' })).toBeVisible();
  expect(await storedCheckIns(staffPage, participant)).toBe(0);
});

test('the other pages are accessible too, and unknown addresses say so with a 404', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Skriv din kod' })).toBeVisible();
  await expect(page).toHaveTitle('Skriv din kod – Stegvis');
  // What makes the site installable and readable to assistive technology.
  await expect(page.locator('html')).toHaveAttribute('lang', 'sv');
  await expect(page.locator('meta[name="viewport"]')).toHaveAttribute('content', /width=device-width/);
  await expect(page.locator('meta[name="theme-color"]')).toHaveAttribute('content', /^#/);
  const manifestHref = await page.locator('link[rel="manifest"]').getAttribute('href');
  const manifest = await page.request.get(manifestHref!);
  expect(manifest.ok()).toBe(true);
  expect((await manifest.json()).start_url).toBe('/');

  const missing = await page.goto('/finns-inte');
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1, name: 'Sidan finns inte' })).toBeVisible();
  await expectAccessible(page, 'not found');

  // The old token links are gone for good.
  const oldLink = await page.goto('/c/' + 'y'.repeat(24));
  expect(oldLink?.status()).toBe(404);

  // The check-in without a connected phone: refused, and the page says what to do.
  const signedOut = await page.goto('/svara');
  expect(signedOut?.status()).toBe(401);
  await expect(page.getByRole('alert')).toContainText('Du behöver skriva din kod först');
  await expectAccessible(page, 'check-in while signed out');
});
