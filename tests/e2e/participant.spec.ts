/**
 * The participant's experience on a phone (360 × 740): keyboard only, with and
 * without JavaScript; a follow-up with the satisfaction items; the exit; an
 * Arabic check-in right to left; "Lyssna"; text only and larger text. axe-core
 * checks every screen at phone and desktop size.
 */
import { test, expect } from './fixtures';
import { expectAccessible, PHONE } from './axe';
import { answerAllQuestions, participantCode, storedRowsFor, tabTo, takeLink, waitForHydration } from './helpers';

test.use({ viewport: PHONE });

test('a full intake with the keyboard only', async ({ page, server }) => {
  const link = takeLink(server);
  await page.goto(link);
  await waitForHydration(page);
  await tabTo(page, page.getByRole('link', { name: 'Börja' }));
  await page.keyboard.press('Enter');
  await expect(page.getByText(/^Fråga 1 av 11$/)).toBeVisible();
  await answerAllQuestions(page, { keyboard: true });
  await tabTo(page, page.getByRole('button', { name: 'Skicka svaren' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Tack för dina svar!' })).toBeVisible();
  expect(await storedRowsFor(page, participantCode(server, link))).toBe(1);
});

test('a full intake with the keyboard only and JavaScript off', async ({ noJsPage: page, server }) => {
  await page.setViewportSize(PHONE);
  const link = takeLink(server);
  await page.goto(link);
  await tabTo(page, page.getByRole('link', { name: 'Börja' }));
  await page.keyboard.press('Enter');
  await answerAllQuestions(page, { keyboard: true });
  await tabTo(page, page.getByRole('button', { name: 'Skicka svaren' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Tack för dina svar!' })).toBeVisible();
  expect(await storedRowsFor(page, participantCode(server, link))).toBe(1);
});

test('a follow-up asks the three satisfaction items on a labelled 1–10 scale', async ({ page, server }) => {
  const link = takeLink(server, 'follow-up');
  await page.goto(link);
  await expect(page.getByText('Nu är det dags för uppföljning 1.')).toBeVisible();
  await expectAccessible(page, 'follow-up start');
  await page.getByRole('link', { name: 'Börja' }).click();
  const satisfaction: string[] = [];
  await answerAllQuestions(page, {
    onScreen: async (step) => {
      await expectAccessible(page, `follow-up question ${step}`);
      const radios = page.getByRole('main').getByRole('group').getByRole('radio');
      if ((await radios.count()) === 11) {
        satisfaction.push(await page.getByRole('heading', { level: 1 }).innerText());
        await expect(page.getByRole('radio', { name: /^1 – / })).toHaveCount(1);
        await expect(page.getByRole('radio', { name: /^10 – / })).toHaveCount(1);
        await expect(page.getByRole('radio', { name: '5', exact: true })).toHaveCount(1);
        await expect(page.getByRole('radio', { name: 'Vill inte svara' })).toHaveCount(1);
      }
    },
  });
  expect(satisfaction).toHaveLength(3);
  expect(satisfaction[0]).toContain('nöjd');
  await page.getByRole('button', { name: 'Skicka svaren' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Tack för dina svar!' })).toBeVisible();
  // The next follow-up is three months on: the thank-you screen says when.
  await expect(page.getByText(/^Nästa gång du kan svara är \d+ \p{L}+( \d{4})?\.$/u)).toBeVisible();
});

test('the exit check-in asks what happens next', async ({ noJsPage: page, server }) => {
  await page.setViewportSize(PHONE);
  await page.goto(takeLink(server, 'exit'));
  await expect(page.getByText('Nu är det dags för slut.')).toBeVisible();
  await page.getByRole('link', { name: 'Börja' }).click();
  await expect(page.getByText(/^Fråga 1 av 15$/)).toBeVisible();
  await answerAllQuestions(page);
  await expect(page.getByText('Vad ska du göra nu när stödet slutar?')).toBeVisible();
  await page.getByRole('button', { name: 'Skicka svaren' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Tack för dina svar!' })).toBeVisible();
});

test('an Arabic check-in reads right to left, and switching language keeps the answers', async ({
  page,
  server,
}) => {
  await page.goto(takeLink(server));
  await page.getByRole('link', { name: 'Börja' }).click();
  await page.getByRole('radio', { name: 'Bra', exact: true }).check();
  await page.getByRole('button', { name: 'Nästa' }).click();
  await expect(page.getByText('Fråga 2 av 11')).toBeVisible();

  await page.getByText('Språk, bilder och text').click();
  await page.getByRole('radio', { name: 'العربية' }).check();
  await page.getByRole('button', { name: 'Spara' }).click();
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ar');
  await expect(page.getByText('السؤال 2 من 11')).toBeVisible();

  // Back to question 1: the Swedish-time answer is still there, now in Arabic.
  await page.getByRole('button', { name: 'رجوع' }).click();
  await expect(page.getByText('السؤال 1 من 11')).toBeVisible();
  await expect(page.getByRole('radio', { name: 'جيد', exact: true })).toBeChecked();
  await expectAccessible(page, 'Arabic question 1');

  await answerAllQuestions(page, {
    next: 'التالي',
    onScreen: async (step) => expectAccessible(page, `Arabic question ${step}`),
  });
  await expectAccessible(page, 'Arabic review');
  await page.getByRole('button', { name: 'أرسل الإجابات' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'شكرًا على إجاباتك!' })).toBeVisible();
  await expectAccessible(page, 'Arabic thank you');
});

test('"Lyssna" reads the question and its options aloud', async ({ page, server }) => {
  await page.addInitScript(() => {
    const spoken: { text: string; lang: string }[] = [];
    (window as unknown as { spoken: typeof spoken }).spoken = spoken;
    window.speechSynthesis.speak = (u: SpeechSynthesisUtterance) => {
      spoken.push({ text: u.text, lang: u.lang });
    };
  });
  await page.goto(takeLink(server));
  await page.getByRole('link', { name: 'Börja' }).click();
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Lyssna' }).click();
  const spoken = await page.evaluate(() => (window as unknown as { spoken: { text: string; lang: string }[] }).spoken);
  expect(spoken).toHaveLength(1);
  expect(spoken[0].lang).toBe('sv-SE');
  expect(spoken[0].text).toContain('Hur mår du nu?');
  expect(spoken[0].text).toContain('Mycket bra');
  expect(spoken[0].text).toContain('Vill inte svara');
});

test('without JavaScript there is no dead "Lyssna" button', async ({ noJsPage: page, server }) => {
  await page.goto(takeLink(server));
  await page.getByRole('link', { name: 'Börja' }).click();
  await expect(page.getByRole('main').getByRole('group')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Lyssna' })).toHaveCount(0);
});

test('text only and the largest text, with answer targets of at least 48 px', async ({ page, server }) => {
  await page.goto(takeLink(server));
  await page.getByRole('link', { name: 'Börja' }).click();
  await expect(page.locator('img.option-picture').first()).toBeVisible();

  await page.getByText('Språk, bilder och text').click();
  await page.getByRole('radio', { name: 'Bara text' }).check();
  await page.getByRole('radio', { name: 'Störst' }).check();
  await page.getByRole('button', { name: 'Spara' }).click();

  await expect(page.locator('html')).toHaveAttribute('data-pictures', 'off');
  await expect(page.locator('html')).toHaveAttribute('data-text-size', 'larger');
  await expect(page.getByText('Fråga 1 av 11')).toBeVisible();
  await expect(page.locator('img.option-picture').first()).toBeHidden();
  for (const box of await page.locator('label.option').evaluateAll((els) =>
    els.map((e) => e.getBoundingClientRect()),
  )) {
    expect(box.height).toBeGreaterThanOrEqual(48);
    expect(box.width).toBeGreaterThanOrEqual(48);
  }
  await expectAccessible(page, 'text only, largest text');
});

for (const js of [true, false]) {
  test(`a missing answer is announced and tied to the question (JavaScript ${js ? 'on' : 'off'})`, async ({
    browser,
    server,
  }) => {
    const context = await browser.newContext({ baseURL: server.baseURL, viewport: PHONE, javaScriptEnabled: js });
    try {
      const page = await context.newPage();
      await page.goto(takeLink(server));
      if (js) await waitForHydration(page);
      await page.getByRole('link', { name: 'Börja' }).click();
      await expect(page.getByText('Fråga 1 av 11')).toBeVisible();
      // The browser already refuses an empty required choice; the server must too,
      // for browsers that do not check.
      await page.locator('input[name="answer"]').evaluateAll((inputs) =>
        inputs.forEach((i) => i.removeAttribute('required')),
      );
      await page.getByRole('button', { name: 'Nästa' }).click();
      const error = page.locator('#answer-error');
      await expect(error).toHaveText('Välj ett svar.');
      await expect(page.getByText('Fråga 1 av 11')).toBeVisible();
      const group = page.getByRole('main').getByRole('group');
      await expect(group).toHaveAttribute('aria-describedby', /answer-error/);
      await expect(error.locator('xpath=..')).toHaveAttribute('aria-live', 'assertive');
      if (js) await expectAccessible(page, 'question with an error');
    } finally {
      await context.close();
    }
  });
}

test('"Lyssna" stays hidden in a browser without speech synthesis', async ({ page, server }) => {
  await page.addInitScript(() => {
    delete (window as unknown as { speechSynthesis?: unknown }).speechSynthesis;
    Object.defineProperty(window, 'speechSynthesis', { get: () => undefined });
  });
  await page.goto(takeLink(server));
  await waitForHydration(page);
  await page.getByRole('link', { name: 'Börja' }).click();
  await expect(page.getByText('Fråga 1 av 11')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Lyssna' })).toHaveCount(0);
});
