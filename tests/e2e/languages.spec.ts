/**
 * Languages as data: every language file in app/locales is offered, and a
 * participant who chooses one of the newer languages (Persian, right to left,
 * and Somali) answers a whole check-in in it, with JavaScript on (and axe at
 * phone and desktop sizes on every kind of screen) and off, and reads the
 * server's refusals in it too. The words looked for are read from the same
 * language files the server embeds, so the test follows a corrected
 * translation instead of repeating it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { test, expect, type StegvisServer } from './fixtures';
import { expectAccessible } from './axe';
import { answerAllQuestions, connectPhone, newParticipantCode, newPhone, signInAs, waitForHydration } from './helpers';

const LOCALES = join(__dirname, '..', '..', 'app', 'locales');

/** The one-line messages of a language file (`id = text`), by id. */
function messages(code: string): Map<string, string> {
  const source = readFileSync(join(LOCALES, `${code}.ftl`), 'utf8');
  const found = new Map<string, string>();
  for (const line of source.split('\n')) {
    const m = /^([a-z][a-z0-9_]*) = (.+)$/.exec(line);
    if (m && !m[2].includes('{')) found.set(m[1], m[2].trim());
  }
  return found;
}

function word(code: string, id: string): string {
  const text = messages(code).get(id);
  if (!text) throw new Error(`${code}.ftl has no one-line message ${id}`);
  return text;
}

const RTL = new Set(['ar', 'fa', 'he', 'ur', 'ps', 'ckb', 'dv', 'yi']);

async function chooseLanguage(context: BrowserContext, server: StegvisServer, code: string): Promise<void> {
  await context.addCookies([{ name: 'stegvis_prefs', value: `${code}.1.normal`, url: server.baseURL }]);
}

test('the language choice offers every language file in its own name', async ({ page }) => {
  await page.goto('/');
  const files = readdirSync(LOCALES).filter((f) => f.endsWith('.ftl'));
  expect(files.length).toBeGreaterThanOrEqual(5);
  for (const file of files) {
    const code = file.replace(/\.ftl$/, '');
    // The choice sits in the closed settings panel: hidden until opened.
    await expect(
      page.getByRole('radio', { name: word(code, 'language_name'), exact: true, includeHidden: true }),
    ).toHaveCount(1);
  }
});

for (const { code, js } of [
  { code: 'fa', js: true },
  { code: 'so', js: true },
  { code: 'fa', js: false },
  { code: 'so', js: false },
]) {
  test(`a whole check-in in ${code} (JavaScript ${js ? 'on' : 'off'})`, async ({ browser, server, staffPage }) => {
    const accessCode = await newParticipantCode(staffPage);
    const context = await newPhone(browser, server, { javaScriptEnabled: js });
    const page = await context.newPage();
    try {
      await connectPhone(page, accessCode);
      await chooseLanguage(context, server, code);
      await page.goto('/svara');
      if (js) await waitForHydration(page);
      await expect(page.locator('html')).toHaveAttribute('lang', code);
      await expect(page.locator('html')).toHaveAttribute('dir', RTL.has(code) ? 'rtl' : 'ltr');
      await expect(page.getByRole('heading', { level: 1, name: word(code, 'start_heading') })).toBeVisible();
      if (js) await expectAccessible(page, `${code} start`);
      await page.getByRole('link', { name: word(code, 'begin') }).click();
      // The instrument speaks the language too: the first question is not the Swedish one.
      await expect(page.getByRole('main').getByRole('group')).toBeVisible();
      const question = await page.getByRole('main').getByRole('heading', { level: 1 }).innerText();
      expect(question).not.toBe('Hur mår du nu?');
      await answerAllQuestions(page, {
        next: word(code, 'next'),
        onScreen: js ? async (step) => (step === 1 ? expectAccessible(page, `${code} question`) : undefined) : undefined,
      });
      await expect(page.getByRole('heading', { level: 1, name: word(code, 'review_heading') })).toBeVisible();
      if (js) await expectAccessible(page, `${code} review`);
      await page.getByRole('button', { name: word(code, 'send') }).click();
      await expect(page.getByRole('heading', { level: 1, name: word(code, 'thanks_heading') })).toBeVisible();
      if (js) await expectAccessible(page, `${code} thanks`);
    } finally {
      await context.close();
    }
  });
}

for (const js of [true, false]) {
  test(`a wrong code is refused in the participant's language (JavaScript ${js ? 'on' : 'off'})`, async ({
    browser,
    server,
  }) => {
    const context = await newPhone(browser, server, { javaScriptEnabled: js });
    const page: Page = await context.newPage();
    try {
      await chooseLanguage(context, server, 'fa');
      await page.goto('/');
      await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
      await page.getByLabel(word('fa', 'code_label'), { exact: true }).fill('AAAA-AAAA');
      await page.getByRole('button', { name: word('fa', 'go_on') }).click();
      await expect(page.getByRole('alert')).toHaveText(word('fa', 'error_code_wrong'));
      if (js) await expectAccessible(page, 'fa refused code');
    } finally {
      await context.close();
    }
  });
}

test('the admin sees every participant language and which translations wait for review', async ({ page, server }) => {
  await signInAs(page, server, 'admin');
  await page.goto('/admin');
  await waitForHydration(page);
  const table = page.getByRole('region', { name: 'Tabell över språk för deltagare' });
  for (const file of readdirSync(LOCALES).filter((f) => f.endsWith('.ftl'))) {
    const code = file.replace(/\.ftl$/, '');
    const row = table.getByRole('row', { name: new RegExp(word(code, 'language_name')) });
    await expect(row).toHaveCount(1);
    const preliminary = word(code, 'translation_status') !== 'reviewed';
    await expect(row.getByRole('cell').nth(2)).toHaveText(
      code === 'sv' ? /Originaltext/ : preliminary ? /^Preliminär/ : 'Granskad',
    );
  }
  await expectAccessible(page, 'admin languages');
});

test('the access sheet is printed in the participant\'s language', async ({ staffPage }) => {
  const code = await newParticipantCode(staffPage);
  for (const lang of ['fa', 'so', 'sv']) {
    await staffPage
      .getByRole('navigation', { name: 'Lappens språk' })
      .getByRole('link', { name: word(lang, 'language_name'), exact: true })
      .click();
    const sheet = staffPage.locator('article.access-sheet');
    await expect(sheet).toHaveAttribute('lang', lang);
    await expect(sheet).toHaveAttribute('dir', RTL.has(lang) ? 'rtl' : 'ltr');
    await expect(staffPage.getByRole('heading', { level: 1, name: word(lang, 'sheet_heading') })).toBeVisible();
    // The same code, whatever the language it is printed in.
    await expect(staffPage.locator('.sheet-code')).toHaveText(code);
    await expect(staffPage.getByRole('img', { name: word(lang, 'sheet_qr_label') })).toBeVisible();
    await expectAccessible(staffPage, `access sheet in ${lang}`);
  }
});
