/**
 * The participant's check-in, end to end in headless Chromium against the
 * release build: with the WASM loaded, with JavaScript off, sent twice, and
 * with invalid input. axe-core checks every screen at phone and desktop size.
 */
import { test, expect } from './fixtures';
import { expectAccessible, PHONE } from './axe';
import {
  answerAllQuestions,
  participantCode,
  storedRowsFor,
  takeLink,
  tokenOf,
  waitForHydration,
} from './helpers';

test.use({ viewport: PHONE });

test('with JavaScript: a full check-in without a page reload, accessible on every screen', async ({
  page,
  server,
}) => {
  const link = takeLink(server);
  const code = participantCode(server, link);

  await page.goto(link);
  await waitForHydration(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Hej! Nu är det dags att svara' })).toBeVisible();
  await expectAccessible(page, 'check-in start');

  // A value on window survives client-side navigation, not a page load.
  await page.evaluate(() => ((window as unknown as { stegvisMarker: number }).stegvisMarker = 42));
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

  expect(await storedRowsFor(page, code)).toBe(1);
  await expectAccessible(page, 'received check-ins');
});

test('without JavaScript: every step is a plain form post and the answers arrive', async ({
  noJsPage: page,
  server,
}) => {
  await page.setViewportSize(PHONE);
  const link = takeLink(server);
  const code = participantCode(server, link);

  await page.goto(link);
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
  expect(await storedRowsFor(page, code)).toBe(1);
});

test('a half-finished check-in resumes where it was left, on another device', async ({
  noJsPage: page,
  browser,
  server,
}) => {
  const link = takeLink(server);
  await page.goto(link);
  await page.getByRole('link', { name: 'Börja' }).click();
  await page.getByRole('radio', { name: 'Bra', exact: true }).check();
  await page.getByRole('button', { name: 'Nästa' }).click();
  await expect(page.getByText(/^Fråga 2 av \d+$/)).toBeVisible();

  const other = await browser.newContext({ baseURL: server.baseURL, viewport: PHONE });
  try {
    const phone = await other.newPage();
    await phone.goto(link);
    await expect(phone.getByText(/^Du har svarat på 1 av \d+ frågor\.$/)).toBeVisible();
    await phone.getByRole('link', { name: 'Svara mer' }).click();
    await expect(phone.getByText(/^Fråga 2 av \d+$/)).toBeVisible();
    await expect(phone.getByRole('radio', { checked: true })).toHaveCount(0);
  } finally {
    await other.close();
  }
});

test('sending the same submission twice stores it once', async ({ noJsPage: page, server }) => {
  const link = takeLink(server);
  const code = participantCode(server, link);
  await page.goto(link);
  await page.getByRole('link', { name: 'Börja' }).click();
  await answerAllQuestions(page);
  const submissionId = await page.locator('input[name="submission_id"]').getAttribute('value');
  expect(submissionId).toMatch(/^[0-9a-f-]{36}$/);

  await page.getByRole('button', { name: 'Skicka svaren' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Tack för dina svar!' })).toBeVisible();

  // The same submission again, as a phone on a bad network would resend it.
  const again = await page.request.post('/api/check-in/submit', {
    form: { token: tokenOf(link), submission_id: submissionId! },
  });
  expect(again.status()).toBe(200);
  expect(await storedRowsFor(page, code)).toBe(1);
});

test('invalid answers get a 4xx with a clear message and store nothing', async ({ page, server }) => {
  const link = takeLink(server);
  const code = participantCode(server, link);
  const token = tokenOf(link);
  const submission_id = '7d2c1a8e-4f1b-4c8e-9a65-3c2b1d0e9f11';
  const post = (form: Record<string, string>) => page.request.post('/api/check-in/answer', { form });
  const valid = { token, submission_id, step: '1', item: 'halsa', answer: '4', go: 'next' };

  const unknownItem = await post({ ...valid, item: 'lon' });
  expect(unknownItem.status()).toBe(422);
  expect(await unknownItem.text()).toContain('Frågan \\"lon\\" finns inte');

  const outOfRange = await post({ ...valid, answer: '9' });
  expect(outOfRange.status()).toBe(422);
  expect(await outOfRange.text()).toContain('Svaret \\"9\\" finns inte');

  const malformed = await post({ token, step: 'first' });
  expect(malformed.status()).toBe(400);
  expect(await malformed.text()).toContain('Formuläret kunde inte läsas');

  const unknownLink = await post({ ...valid, token: 'x'.repeat(24) });
  expect(unknownLink.status()).toBe(404);

  const oversized = await page.request.post('/api/check-in/answer', {
    data: 'a'.repeat(200_000),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  expect(oversized.status()).toBe(413);

  const submitWithoutAnswers = await page.request.post('/api/check-in/submit', {
    form: { token, submission_id },
  });
  expect(submitWithoutAnswers.status()).toBe(422);

  // Nothing was saved: the check-in has not been started, and nothing arrived.
  await page.goto(link);
  await expect(page.getByRole('link', { name: 'Börja' })).toBeVisible();
  expect(await storedRowsFor(page, code)).toBe(0);
});

test('the other pages are accessible too, and unknown addresses say so with a 404', async ({
  page,
}) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Stegvis' })).toBeVisible();
  await expect(page).toHaveTitle('Start – Stegvis');
  await expectAccessible(page, 'home');
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

  const badLink = await page.goto('/c/' + 'y'.repeat(24));
  expect(badLink?.status()).toBe(404);
  await expect(page.getByRole('alert')).toContainText('Länken fungerar inte');
  await expectAccessible(page, 'unknown check-in link');
});
