/**
 * Accessibility of the participant flow beyond what axe-core sees (issue 12):
 * Enter means Next on every question screen; focus and the chosen answer are
 * visible at 3:1 and by shape; nothing scrolls sideways at 180 px (200 % zoom
 * of 360) or 320 px; the skip link leads into the page; "no answer chosen" is
 * the app's own message in the participant's language; focus lands on the new
 * page's heading; every target is at least 44 × 44 px. With JavaScript on and
 * off where the two differ, at phone (360) and desktop (1280) sizes.
 *
 * Participants are registered here through the staff pages (the demo's
 * intake codes are taken by the other specs), so this file needs only one
 * follow-up and one exit participant of the demo.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { test, expect, type StegvisServer } from './fixtures';
import { DESKTOP, PHONE } from './axe';
import {
  answerAllQuestions,
  connectPhone,
  leave,
  newParticipantCode,
  newPhone,
  tabTo,
  takeAccessCode,
  waitForHydration,
} from './helpers';

test.use({ viewport: PHONE });

/** The languages a participant can choose, with the words the tests look for. */
const LANGS = [
  { code: 'sv', chooseAnswer: 'Välj ett svar.' },
  { code: 'en', chooseAnswer: 'Choose an answer.' },
  { code: 'ar', chooseAnswer: 'اختر إجابة.' },
] as const;

/** A phone (360 × 740) with JavaScript on or off, signed in with a new participant's code. */
async function phoneOfNewParticipant(
  browser: Browser,
  server: StegvisServer,
  staff: Page,
  js: boolean,
): Promise<{ context: BrowserContext; page: Page }> {
  const code = await newParticipantCode(staff);
  const context = await newPhone(browser, server, { javaScriptEnabled: js });
  const page = await context.newPage();
  await connectPhone(page, code);
  return { context, page };
}

/** Chooses the participant's language the way the settings form does: in its cookie. */
async function setLanguage(context: BrowserContext, server: StegvisServer, lang: string): Promise<void> {
  await context.addCookies([{ name: 'stegvis_prefs', value: `${lang}.1.normal`, url: server.baseURL }]);
}

/** Opens question `step` and waits until it is shown (drawn by the participant script with JS on). */
async function openQuestion(page: Page, step: number, js: boolean): Promise<void> {
  await page.goto(`/svara/fraga/${step}`);
  if (js) {
    await waitForHydration(page);
    await expect(page.locator('main[data-drawn="phone"]')).toHaveCount(1);
  }
  await expect(page.locator('#progress')).toHaveText(new RegExp(`^\\D*${step}\\D+\\d+\\D*$`));
}

/**
 * The step number the progress line shows ("Fråga 3 av 11" and its translations).
 * Read once: wrap it in `expect.poll`, since a step shows up after the key press that asked for it.
 */
async function shownStep(page: Page): Promise<number> {
  await expect(page.locator('#progress')).toBeVisible();
  return Number((await page.locator('#progress').innerText()).match(/\d+/)?.[0]);
}

// ---------------------------------------------------------------- 1. Enter means Next

for (const js of [true, false]) {
  test(`Enter on a chosen answer goes to the next question in every language; Back stays reachable (JavaScript ${
    js ? 'on' : 'off'
  })`, async ({ browser, server, staffPage }) => {
    const { context, page } = await phoneOfNewParticipant(browser, server, staffPage, js);
    try {
      for (const [i, lang] of LANGS.entries()) {
        await setLanguage(context, server, lang.code);
        const step = i + 1;
        await openQuestion(page, step, js);
        await expect(page.locator('html')).toHaveAttribute('lang', lang.code);
        const radios = page.getByRole('main').getByRole('group').getByRole('radio');
        // Arrow keys choose; Enter must then mean Next, never Back.
        await tabTo(page, radios);
        await page.keyboard.press('ArrowDown');
        await expect(radios.nth(1)).toBeChecked();
        await page.keyboard.press('Enter');
        await expect(page.locator('#progress')).toHaveText(new RegExp(`^\\D*${step + 1}\\D+\\d+\\D*$`));
      }

      // Keyboard order follows what is seen: the options, then Back, then Next.
      await openQuestion(page, 2, js);
      const radios = page.getByRole('main').getByRole('group').getByRole('radio');
      await tabTo(page, radios);
      await page.keyboard.press('ArrowDown');
      const [back, next] = [page.locator('.step-buttons button').first(), page.locator('.step-buttons button').last()];
      await page.keyboard.press('Tab');
      await expect(back).toBeFocused();
      await page.keyboard.press('Tab');
      await expect(next).toBeFocused();
      // Back still goes back, by keyboard.
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Enter');
      await expect.poll(() => shownStep(page)).toBe(1);
    } finally {
      await context.close();
    }
  });
}

// ---------------------------------------------------------------- 8. No answer chosen

for (const js of [true, false]) {
  test(`"no answer chosen" is the app's own message in the participant's language, tied to the question (JavaScript ${
    js ? 'on' : 'off'
  })`, async ({ browser, server, staffPage }) => {
    const { context, page } = await phoneOfNewParticipant(browser, server, staffPage, js);
    try {
      await setLanguage(context, server, 'ar');
      await openQuestion(page, 1, js);
      const group = page.getByRole('main').getByRole('group');
      // Nothing is invalid before the participant tried.
      await expect(page.locator('main input:invalid')).toHaveCount(0);
      await expect(page.locator('main [aria-invalid="true"]')).toHaveCount(0);
      await expect(group).not.toHaveAttribute('aria-describedby', /answer-error/);

      // Next without an answer: no browser bubble (it would stop the form), the app's words instead.
      await page.locator('.step-buttons button').last().click();
      const error = page.locator('#answer-error');
      await expect(error).toHaveText('اختر إجابة.');
      await expect.poll(() => shownStep(page)).toBe(1);
      await expect(error.locator('xpath=..')).toHaveAttribute('aria-live', 'assertive');
      await expect(group).toHaveAttribute('aria-describedby', /(^| )answer-error( |$)/);
      await expect(group).toHaveAttribute('aria-invalid', 'true');

      // Choosing an answer and going on works.
      await group.getByRole('radio').first().check();
      if (js) await expect(page.locator('main [aria-invalid="true"]')).toHaveCount(0);
      await page.locator('.step-buttons button').last().click();
      await expect(page.locator('#progress')).toHaveText(/^\D*2\D+\d+\D*$/);
    } finally {
      await context.close();
    }
  });
}

// ---------------------------------------------------------------- 3. Focus and the chosen answer

/** WCAG relative luminance contrast of two CSS colours, computed in the page. */
const CONTRAST_HELPERS = `
  window.__parseColour = (c) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(c);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  window.__luminance = ({ r, g, b }) => {
    const lin = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  window.__contrast = (x, y) => {
    const [a, b] = [window.__luminance(window.__parseColour(x)), window.__luminance(window.__parseColour(y))];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  };
  // The colour an element is painted on: the first opaque background from it up.
  window.__backgroundOf = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = window.__parseColour(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) return getComputedStyle(e).backgroundColor;
    }
    return 'rgb(255, 255, 255)';
  };
`;

for (const size of [PHONE, DESKTOP]) {
  test(`focus on an answer and the chosen answer show at 3:1 and by shape (${size.width} px)`, async ({
    browser,
    server,
    staffPage,
  }) => {
    const { context, page } = await phoneOfNewParticipant(browser, server, staffPage, true);
    try {
      await page.setViewportSize(size);
      await page.addInitScript(CONTRAST_HELPERS);
      await openQuestion(page, 1, true);
      const radios = page.getByRole('main').getByRole('group').getByRole('radio');
      await tabTo(page, radios);

      // Focus: a ring of at least 2 px, 3:1 against the page and against the card it surrounds.
      const focus = await radios.first().evaluate((input) => {
        const w = window as unknown as Record<string, (...a: unknown[]) => unknown>;
        const card = input.closest('.option') as HTMLElement;
        const style = getComputedStyle(card);
        return {
          style: style.outlineStyle,
          width: parseFloat(style.outlineWidth),
          onPage: w.__contrast(style.outlineColor, w.__backgroundOf(card.parentElement)) as number,
          onCard: w.__contrast(style.outlineColor, w.__backgroundOf(card)) as number,
        };
      });
      expect(focus.style).not.toBe('none');
      expect(focus.width).toBeGreaterThanOrEqual(2);
      expect(focus.onPage, 'focus ring against the page').toBeGreaterThanOrEqual(3);
      expect(focus.onCard, 'focus ring against the card').toBeGreaterThanOrEqual(3);

      // Chosen: a mark that only the chosen card has (a shape, not just a colour), at 3:1 on its card.
      await page.keyboard.press('Space');
      await expect(radios.first()).toBeChecked();
      const marks = await radios.evaluateAll((inputs) => {
        const w = window as unknown as Record<string, (...a: unknown[]) => unknown>;
        return inputs.map((input) => {
          const card = input.closest('.option') as HTMLElement;
          const mark = getComputedStyle(card, '::after');
          const shown = mark.content !== 'none' && mark.display !== 'none';
          const width = Math.max(parseFloat(mark.borderBottomWidth), parseFloat(mark.borderRightWidth));
          return {
            checked: (input as HTMLInputElement).checked,
            shown,
            width,
            contrast: shown ? (w.__contrast(mark.borderBottomColor, w.__backgroundOf(card)) as number) : 0,
          };
        });
      });
      const chosen = marks.filter((m) => m.checked);
      expect(chosen).toHaveLength(1);
      expect(chosen[0].shown, 'the chosen answer has a check mark').toBe(true);
      expect(chosen[0].width).toBeGreaterThanOrEqual(2);
      expect(chosen[0].contrast, 'check mark against the chosen card').toBeGreaterThanOrEqual(3);
      expect(marks.filter((m) => !m.checked && m.shown), 'only the chosen answer is marked').toEqual([]);
    } finally {
      await context.close();
    }
  });
}

// ---------------------------------------------------------------- 6. Skip link

/** Tab to the skip link (the first target of a fresh page), Enter, Tab: where is focus? */
async function tabAfterSkipLink(page: Page): Promise<void> {
  await page.keyboard.press('Tab');
  await expect(page.locator('a.skip-link')).toBeFocused();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
}

for (const js of [true, false]) {
  test(`the skip link leads into the page: the next Tab is inside main (JavaScript ${js ? 'on' : 'off'})`, async ({
    browser,
    server,
  }) => {
    const context = await newPhone(browser, server, { javaScriptEnabled: js });
    try {
      const page = await context.newPage();
      await page.goto('/');
      if (js) await waitForHydration(page);
      await tabAfterSkipLink(page);
      await expect(page.getByLabel('Kod', { exact: true })).toBeFocused();
      // The login page is hydrated by the app's bundle, whose router takes the
      // #main click as a navigation: focus must still move into the page.
      await page.goto('/logga-in');
      if (js) await waitForHydration(page);
      await tabAfterSkipLink(page);
      await expect(page.getByLabel('E-postadress')).toBeFocused();
    } finally {
      await context.close();
    }
  });
}

// ---------------------------------------------------------------- 9. Focus on the new page's heading

test('after every step of the way in and after "Se min resa", focus is on the new page\'s heading', async ({
  browser,
  server,
  staffPage,
}) => {
  const code = await newParticipantCode(staffPage);
  const context = await newPhone(browser, server);
  try {
    const page = await context.newPage();
    const heading = () => page.getByRole('main').getByRole('heading', { level: 1 });
    const expectFocusOnHeading = async (name: string) => {
      await expect(heading()).toHaveText(name);
      await waitForHydration(page);
      await expect(heading()).toBeFocused();
    };
    // A first visit starts at the top, so the skip link is the first Tab.
    await page.goto('/');
    await waitForHydration(page);
    expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);

    await page.getByLabel('Kod', { exact: true }).fill(code);
    await page.getByLabel('Kod', { exact: true }).press('Enter');
    await expectFocusOnHeading('Välj en pinkod');
    await page.getByLabel('Pinkod', { exact: true }).fill('2580');
    await page.getByLabel('Skriv samma pinkod igen').fill('2580');
    await page.getByLabel('Skriv samma pinkod igen').press('Enter');
    await expectFocusOnHeading('Hej! Nu är det dags att svara');

    // A link on the start page, then "Se min resa" and "Se mina svar".
    await page.getByRole('link', { name: 'Stegvis', exact: true }).click();
    await expectFocusOnHeading('Du är inne');
    await page.getByRole('link', { name: 'Se min resa' }).click();
    await expect(page).toHaveURL(/\/svara\/min-resa$/);
    await waitForHydration(page);
    await expect(heading()).toBeFocused();
    await page.getByRole('link', { name: 'Stegvis', exact: true }).click();
    await expectFocusOnHeading('Du är inne');
    await page.getByRole('link', { name: 'Se mina svar' }).click();
    await expect(page).toHaveURL(/\/mina-svar$/);
    await waitForHydration(page);
    await expect(heading()).toBeFocused();

    // A wrong PIN comes back with its message in focus, so it is read first.
    await leave(page);
    await page.getByLabel('Pinkod', { exact: true }).fill('0000');
    await page.getByLabel('Pinkod', { exact: true }).press('Enter');
    await waitForHydration(page);
    await expect(page.locator('main .notice-error')).toBeFocused();
  } finally {
    await context.close();
  }
});

// ---------------------------------------------------------------- 4 and 10. Reflow and targets

/** Every visible link, button and field smaller than 44 × 44 px (a radio or checkbox counts with its label). */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const small: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>(
      'a[href], button, input:not([type="hidden"]), select, textarea, summary',
    )) {
      if (el.closest('[aria-hidden="true"]') || el.getClientRects().length === 0) continue;
      if (getComputedStyle(el).visibility === 'hidden') continue;
      const wrapped = el.matches('input[type="radio"], input[type="checkbox"]') ? el.closest('label') : null;
      const box = (wrapped ?? el).getBoundingClientRect();
      if (box.width < 43.5 || box.height < 43.5) {
        const name = (el.textContent || el.getAttribute('aria-label') || el.getAttribute('name') || '').trim();
        small.push(`${el.tagName.toLowerCase()} "${name.slice(0, 40)}" ${Math.round(box.width)}×${Math.round(box.height)}`);
      }
    }
    return small;
  });
}

/** How far the page scrolls sideways (0 when it does not). */
async function sidewaysScroll(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/**
 * Checks the page as it is: no sideways scrolling at 180 px (200 % zoom of a
 * 360 px phone) and 320 px, every target 44 × 44 at phone and desktop size;
 * the same again with the settings panel open.
 */
async function checkLayout(page: Page, label: string): Promise<void> {
  for (const settingsOpen of [false, true]) {
    const what = settingsOpen ? `${label} with the settings open` : label;
    if (settingsOpen) await page.locator('details.settings').evaluate((d) => ((d as HTMLDetailsElement).open = true));
    for (const width of [180, 320]) {
      await page.setViewportSize({ width, height: 740 });
      expect.soft(await sidewaysScroll(page), `${what} scrolls sideways at ${width} px`).toBeLessThanOrEqual(0);
    }
    for (const size of [PHONE, DESKTOP]) {
      await page.setViewportSize(size);
      expect.soft(await smallTargets(page), `${what}: targets under 44 × 44 px at ${size.width} px`).toEqual([]);
    }
    if (settingsOpen) await page.locator('details.settings').evaluate((d) => ((d as HTMLDetailsElement).open = false));
  }
  await page.setViewportSize(PHONE);
}

/** Checks every question screen of the signed-in participant's open check-in. */
async function checkEveryQuestion(page: Page, label: string): Promise<number> {
  await openQuestion(page, 1, true);
  const total = Number((await page.locator('#progress').innerText()).match(/\d+/g)?.[1]);
  for (let step = 1; step <= total; step++) {
    if (step > 1) await openQuestion(page, step, true);
    await checkLayout(page, `${label} question ${step}`);
  }
  return total;
}

test('no participant page scrolls sideways at 180 or 320 px, and every target is 44 × 44 px', async ({
  browser,
  server,
  staffPage,
}) => {
  test.setTimeout(240_000);
  const code = await newParticipantCode(staffPage);
  const context = await newPhone(browser, server);
  try {
    const page = await context.newPage();
    // The way in.
    await page.goto('/');
    await waitForHydration(page);
    await checkLayout(page, 'start (code)');
    await page.goto('/kod');
    await checkLayout(page, 'code page');
    await page.getByLabel('Kod', { exact: true }).fill(code);
    await page.getByRole('button', { name: 'Gå vidare' }).click();
    await expect(page).toHaveURL(/\/ny-pin$/);
    await checkLayout(page, 'choose a PIN');
    await page.getByLabel('Pinkod', { exact: true }).fill('2580');
    await page.getByLabel('Skriv samma pinkod igen').fill('2580');
    await page.getByRole('button', { name: 'Gå vidare' }).click();
    await expect(page).toHaveURL(/\/svara$/);
    await waitForHydration(page);
    await checkLayout(page, 'check-in start');

    // Every question of the intake, with pictures and larger text too.
    await checkEveryQuestion(page, 'intake');
    await context.addCookies([{ name: 'stegvis_prefs', value: 'sv.1.larger', url: server.baseURL }]);
    await openQuestion(page, 1, true);
    await checkLayout(page, 'intake question 1, largest text');
    await context.addCookies([{ name: 'stegvis_prefs', value: 'ar.1.normal', url: server.baseURL }]);
    await openQuestion(page, 1, true);
    await checkLayout(page, 'intake question 1 in Arabic');
    await context.addCookies([{ name: 'stegvis_prefs', value: 'sv.1.normal', url: server.baseURL }]);

    // Review, thanks, Min resa, Mina svar, signed in, PIN.
    await openQuestion(page, 1, true);
    await answerAllQuestions(page);
    await checkLayout(page, 'review');
    await page.getByRole('button', { name: 'Skicka svaren' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Tack för dina svar!' })).toBeVisible();
    await checkLayout(page, 'thanks');
    await page.goto('/svara/min-resa');
    await checkLayout(page, 'Min resa');
    await page.goto('/mina-svar');
    await checkLayout(page, 'Mina svar');
    await page.goto('/');
    await checkLayout(page, 'signed in');
    await leave(page);
    await checkLayout(page, 'PIN');
    await page.goto('/pin');
    await checkLayout(page, 'PIN page');
  } finally {
    await context.close();
  }

  // The 1–10 scale (follow-up) and the exit question.
  for (const kind of ['follow-up', 'exit'] as const) {
    const phone = await newPhone(browser, server);
    try {
      const page = await phone.newPage();
      await connectPhone(page, takeAccessCode(server, kind).accessCode);
      await waitForHydration(page);
      const total = await checkEveryQuestion(page, kind);
      if (kind === 'exit') expect(total).toBeGreaterThan(11);
    } finally {
      await phone.close();
    }
  }
});
