/**
 * The participant's experience on a phone (360 × 740): getting in with the
 * code and a PIN (and being locked out after too many wrong PINs), keyboard
 * only with and without JavaScript; a follow-up with the satisfaction items;
 * the exit; an Arabic check-in right to left; "Lyssna"; text only and larger
 * text. axe-core checks every screen at phone and desktop size.
 */
import { test, expect } from './fixtures';
import { expectAccessible, PHONE } from './axe';
import {
  answerAllQuestions,
  connectPhone,
  enterPin,
  leave,
  newPhone,
  PIN,
  storedCheckIns,
  tabTo,
  takeAccessCode,
  waitForHydration,
} from './helpers';

test.use({ viewport: PHONE });

/** Types the code and the PIN with the keyboard only, then starts the check-in. */
async function connectWithKeyboard(page: import('@playwright/test').Page, accessCode: string): Promise<void> {
  await page.goto('/');
  await tabTo(page, page.getByLabel('Kod', { exact: true }));
  await page.keyboard.type(accessCode);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Välj en pinkod' })).toBeVisible();
  await tabTo(page, page.getByLabel('Pinkod', { exact: true }));
  await page.keyboard.type(PIN);
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Skriv samma pinkod igen')).toBeFocused();
  await page.keyboard.type(PIN);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Hej! Nu är det dags att svara' })).toBeVisible();
  await tabTo(page, page.getByRole('link', { name: 'Börja' }));
  await page.keyboard.press('Enter');
}

test('a full intake with the keyboard only, from the code to sending', async ({ page, staffPage, server }) => {
  const { participant, accessCode } = takeAccessCode(server);
  await page.goto('/');
  await waitForHydration(page);
  await connectWithKeyboard(page, accessCode);
  await expect(page.getByText(/^Fråga 1 av 11$/)).toBeVisible();
  await answerAllQuestions(page, { keyboard: true });
  await tabTo(page, page.getByRole('button', { name: 'Skicka svaren' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Tack för dina svar!' })).toBeVisible();
  expect(await storedCheckIns(staffPage, participant)).toBe(1);
});

test('a full intake with the keyboard only and JavaScript off, with no dead "Lyssna" button', async ({
  noJsPage: page,
  staffPage,
  server,
}) => {
  await page.setViewportSize(PHONE);
  const { participant, accessCode } = takeAccessCode(server);
  await connectWithKeyboard(page, accessCode);
  await expect(page.getByRole('main').getByRole('group')).toBeVisible();
  // Reading aloud needs the WASM: without it there is no button that does nothing.
  await expect(page.getByRole('button', { name: 'Lyssna' })).toHaveCount(0);
  await answerAllQuestions(page, { keyboard: true });
  await tabTo(page, page.getByRole('button', { name: 'Skicka svaren' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Tack för dina svar!' })).toBeVisible();
  expect(await storedCheckIns(staffPage, participant)).toBe(1);
});

test('the way in: code, PIN, PIN again next time; wrong entries are announced; five wrong PINs lock the phone', async ({
  page,
  server,
}) => {
  const { accessCode } = takeAccessCode(server);

  // A wrong code is announced, next to the field.
  await page.goto('/');
  await waitForHydration(page);
  await page.getByLabel('Kod', { exact: true }).fill('AAAA-AAAA');
  await page.getByRole('button', { name: 'Gå vidare' }).click();
  await expect(page.getByRole('alert')).toHaveText('Koden stämmer inte. Titta på lappen och skriv koden igen.');
  await expectAccessible(page, 'wrong access code');

  // The QR code on the sheet leads to /kod?k=…, which fills the code in.
  await page.goto(`/kod?k=${accessCode}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Skriv din kod' })).toBeVisible();
  await expect(page.getByLabel('Kod', { exact: true })).toHaveValue(accessCode);
  await expect(page.getByLabel('Kod', { exact: true })).toHaveAccessibleDescription(/Skriv koden som den står på lappen/);
  await expectAccessible(page, 'access code from the QR code');
  await page.getByRole('button', { name: 'Gå vidare' }).click();

  // Two different PINs are refused, with the reason.
  await expect(page.getByRole('heading', { level: 1, name: 'Välj en pinkod' })).toBeVisible();
  await page.getByLabel('Pinkod', { exact: true }).fill('1234');
  await page.getByLabel('Skriv samma pinkod igen').fill('4321');
  await page.getByRole('button', { name: 'Gå vidare' }).click();
  await expect(page.getByRole('alert')).toHaveText('Du skrev två olika pinkoder. Skriv samma pinkod två gånger.');
  await expectAccessible(page, 'PINs that differ');
  await page.getByLabel('Pinkod', { exact: true }).fill(PIN);
  await page.getByLabel('Skriv samma pinkod igen').fill(PIN);
  await page.getByRole('button', { name: 'Gå vidare' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Hej! Nu är det dags att svara' })).toBeVisible();

  // A signed-in phone's start page offers the check-in and signing out.
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Du är inne' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Börja svara' })).toHaveAttribute('href', '/svara');
  await expectAccessible(page, 'signed in');

  // Next time: only the PIN.
  await leave(page);
  await expect(page.getByRole('link', { name: 'Jag har fått en ny kod' })).toHaveAttribute('href', '/kod');
  await expectAccessible(page, 'PIN');
  await enterPin(page);
  await leave(page);

  // Wrong PINs count down, and the fifth locks the phone with the easy-read message.
  await page.goto('/pin');
  for (let left = 4; left >= 1; left--) {
    await page.getByLabel('Pinkod', { exact: true }).fill('0000');
    await page.getByRole('button', { name: 'Gå vidare' }).click();
    const tries = left === 1 ? 'en gång' : `${left} gånger`;
    await expect(page.getByRole('alert')).toHaveText(`Fel pinkod. Försök igen. Du kan försöka ${tries} till.`);
  }
  await expectAccessible(page, 'wrong PIN');
  await page.getByLabel('Pinkod', { exact: true }).fill('0000');
  await page.getByRole('button', { name: 'Gå vidare' }).click();
  const locked = 'Du har skrivit fel för många gånger. Prata med din handläggare. Du får en ny kod.';
  await expect(page.getByRole('alert')).toHaveText(locked);
  await expectAccessible(page, 'locked phone');

  // Locked for good: the right PIN no longer helps, with or without JavaScript.
  await page.goto('/');
  await page.getByLabel('Pinkod', { exact: true }).fill(PIN);
  await page.getByRole('button', { name: 'Gå vidare' }).click();
  await expect(page.getByRole('alert')).toHaveText(locked);
  const refused = await page.request.post('/api/access/pin', { form: { pin: PIN } });
  expect(refused.status()).toBe(429);
  expect(await page.goto('/svara').then((r) => r?.status())).toBe(401);
});

test('a follow-up asks the three satisfaction items on a labelled 1–10 scale', async ({ page, server }) => {
  // axe at two sizes on every screen of a whole follow-up.
  test.setTimeout(120_000);
  await connectPhone(page, takeAccessCode(server, 'follow-up').accessCode);
  await expect(page.getByText('Nu svarar du igen. Det är uppföljning 1.')).toBeVisible();
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
  // And the start page now says there is nothing to answer.
  await page.goto('/svara');
  await expect(page.getByRole('heading', { level: 1, name: 'Du är klar för nu' })).toBeVisible();
  await expectAccessible(page, 'nothing due');
});

test('the exit check-in asks what happens next', async ({ noJsPage: page, server }) => {
  await page.setViewportSize(PHONE);
  await connectPhone(page, takeAccessCode(server, 'exit').accessCode);
  await expect(page.getByText('Ditt stöd slutar. Det här är sista gången du svarar.')).toBeVisible();
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
  // axe at two sizes on every screen of a whole check-in.
  test.setTimeout(120_000);
  await connectPhone(page, takeAccessCode(server).accessCode);
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

  // The way in speaks Arabic too: the start page, and after signing out, the PIN.
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expectAccessible(page, 'Arabic start page, signed in');
  await page.getByRole('main').getByRole('button').click();
  await expect(page.locator('#pin')).toBeVisible();
  await expectAccessible(page, 'Arabic PIN');
});

test('"Lyssna" reads the question and its options aloud', async ({ page, server }) => {
  await page.addInitScript(() => {
    const spoken: { text: string; lang: string }[] = [];
    (window as unknown as { spoken: typeof spoken }).spoken = spoken;
    window.speechSynthesis.speak = (u: SpeechSynthesisUtterance) => {
      spoken.push({ text: u.text, lang: u.lang });
    };
  });
  await connectPhone(page, takeAccessCode(server).accessCode);
  await page.getByRole('link', { name: 'Börja' }).click();
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Lyssna' }).click();
  const spoken = await page.evaluate(() => (window as unknown as { spoken: { text: string; lang: string }[] }).spoken);
  expect(spoken).toHaveLength(1);
  expect(spoken[0].lang).toBe('sv'); // the language file's own tag
  expect(spoken[0].text).toContain('Hur mår du nu?');
  expect(spoken[0].text).toContain('Mycket bra');
  expect(spoken[0].text).toContain('Vill inte svara');
});

test('text only and the largest text, with answer targets of at least 48 px', async ({ page, server }) => {
  await connectPhone(page, takeAccessCode(server).accessCode);
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
    const context = await newPhone(browser, server, { javaScriptEnabled: js });
    try {
      const page = await context.newPage();
      await connectPhone(page, takeAccessCode(server).accessCode);
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
  await connectPhone(page, takeAccessCode(server).accessCode);
  await waitForHydration(page);
  await page.getByRole('link', { name: 'Börja' }).click();
  await expect(page.getByText('Fråga 1 av 11')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Lyssna' })).toHaveCount(0);
});
