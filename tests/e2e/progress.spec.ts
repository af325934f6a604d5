/**
 * Progress charts, end to end: a participant who has answered at intake and
 * at two follow-ups opens "Min resa" on a phone (with and without
 * JavaScript); their case manager opens the meeting view, shows the previous
 * occasion too, records a rating of their own next to the participant's
 * answer, and prints the summary on one A4 page. axe-core checks both views
 * at phone and desktop size.
 */
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { DESKTOP, expectAccessible, PHONE } from './axe';
import {
  answerAllQuestions,
  connectPhone,
  demoParticipants,
  openParticipant,
  signInAs,
  takeAccessCode,
  waitForHydration,
} from './helpers';

/** How many indicators the default instrument has: one sentence and one chart row each. */
const INDICATORS = 11;

/**
 * The sentences "Min resa" says about an indicator (Swedish): the change, or
 * how many times they answered, "Vill inte svara" counted and named.
 */
const JOURNEY_SENTENCE = new RegExp(
  '^.+: (Det har blivit bättre\\.|Det är som förut\\.|Det har blivit sämre\\.' +
    '|Du har svarat (en gång|\\d+ gånger)\\.( (En gång|\\d+ gånger) valde du ”Vill inte svara”\\.)?' +
    '|Du valde ”Vill inte svara”\\.|Du får den här frågan senare\\.)$',
);

/** The occasions the demo's journey participants have answered, as column names. */
const JOURNEY_COLUMNS = ['Start', 'Uppföljning 1', 'Uppföljning 2'];

/**
 * Pages in a PDF as Chromium writes it: each page is a plain `/Type /Page`
 * dictionary (the page tree is `/Type /Pages`, which this does not count).
 */
function pdfPageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![A-Za-z])/g) ?? []).length;
}

/** The text of an SVG's `<title>` or `<desc>`. */
async function svgText(svg: Locator, element: 'title' | 'desc'): Promise<string> {
  return ((await svg.locator(element).first().textContent()) ?? '').trim();
}

/**
 * Checks what "Min resa" shows, with JavaScript on or off; `latest` names the
 * occasion "Nu" is (the demo's journey participants answered follow-up 2 last).
 */
async function expectJourney(page: Page, latest = 'Uppföljning 2'): Promise<void> {
  await expect(page).toHaveURL(/\/svara\/min-resa$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Min resa' })).toBeVisible();

  // One chart: an image with a name, and a description that says the change in words
  // (rows of page text and SVG tracks, named by hidden elements; see journey-a11y.spec.ts).
  const chart = page.locator('figure.journey-chart [role="img"]');
  await expect(chart).toHaveCount(1);
  await expect(chart).toBeVisible();
  const title = ((await page.locator('#min-resa-title').textContent()) ?? '').trim();
  expect(title).toMatch(/^Start och nu\./);
  expect(title).toContain('Start (Start)');
  expect(title).toContain(`Nu (${latest})`);
  await expect(page.getByRole('img', { name: title })).toBeVisible();
  expect((await page.locator('#min-resa-desc').textContent()) ?? '').toMatch(/: från \d+ till \d+ av \d+/);
  // It fits the phone's width: no sideways scrolling to read it.
  const box = await chart.boundingBox();
  expect(box, 'the chart has a size').not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);

  // One short sentence per indicator.
  const sentences = page.locator('ul.journey-sentences > li');
  await expect(sentences).toHaveCount(INDICATORS);
  for (const sentence of await sentences.allInnerTexts()) expect(sentence.trim()).toMatch(JOURNEY_SENTENCE);

  // The same data as a table behind "Visa som tabell" (a plain <details>).
  const table = page.getByRole('table', { name: 'Start och nu' });
  await expect(table).toBeHidden();
  await page.locator('figure.journey-chart summary', { hasText: 'Visa som tabell' }).click();
  await expect(table).toBeVisible();
  await expect(table.getByRole('columnheader', { name: 'Start (Start)' })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: `Nu (${latest})` })).toBeVisible();
  await expect(table.locator('tbody tr')).toHaveCount(INDICATORS);
}

test.describe('Min resa', () => {
  test.use({ viewport: PHONE });

  test('a participant with intake and two follow-ups sees their journey on a phone', async ({ page, server }) => {
    const { accessCode } = takeAccessCode(server, 'journey');
    await connectPhone(page, accessCode);
    // Nothing is open: the check-in start leads to the journey.
    const journeyLink = page.getByRole('link', { name: 'Se min resa' });
    await journeyLink.click();
    await expectJourney(page);
    await expectAccessible(page, 'Min resa (table open)');

    // The start page leads there too once the participant is in.
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1, name: 'Du är inne' })).toBeVisible();
    await page.getByRole('link', { name: 'Se min resa' }).click();
    await expectJourney(page);
    // Collapsed again (a fresh page), so axe also sees the page as it first appears.
    await page.reload();
    await expect(page.getByRole('table', { name: 'Start och nu' })).toBeHidden();
    await expectAccessible(page, 'Min resa');
  });

  test('the thank-you screen leads to "Min resa" after a follow-up', async ({ page, server }) => {
    const { accessCode } = takeAccessCode(server, 'follow-up');
    await connectPhone(page, accessCode);
    await page.getByRole('link', { name: 'Börja', exact: true }).click();
    await answerAllQuestions(page);
    await page.getByRole('button', { name: 'Skicka svaren' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Tack för dina svar!' })).toBeVisible();
    await page.getByRole('link', { name: 'Se min resa' }).click();
    await expectJourney(page, 'Uppföljning 1');
  });

  test('"Min resa" works with JavaScript off', async ({ noJsPage: page, server }) => {
    await page.setViewportSize(PHONE);
    const { accessCode } = takeAccessCode(server, 'journey');
    await connectPhone(page, accessCode);
    await page.getByRole('link', { name: 'Se min resa' }).click();
    await expectJourney(page);
  });
});

/** Clicks a rating's "Spara" and waits until the server has answered. */
async function saveRating(page: Page, button: Locator): Promise<void> {
  const saved = page.waitForResponse(
    (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/staff/rating',
  );
  await button.click();
  expect((await saved).status(), 'the rating was accepted').toBeLessThan(400);
}

test.describe('meeting view', () => {
  test.use({ viewport: DESKTOP });

  test('the case manager opens the meeting view, shows the previous occasion, records a rating that differs, and prints one A4 page', async ({
    staffPage: page,
    server,
  }) => {
    test.setTimeout(120_000);
    const code = demoParticipants(server, 'journey')[0].participant;

    // From the caseload (the whole organisation, searched by code) to the participant's page.
    await openParticipant(page, code);
    await page.getByRole('link', { name: 'Öppna mötesvyn' }).click();
    await expect(page).toHaveURL(/\/personal\/deltagare\/[^/]+\/mote$/);
    const meetingUrl = page.url();
    await expect(page.getByRole('heading', { level: 1, name: `Möte: deltagare ${code}` })).toBeVisible();
    await expect(page.locator('.print-header p')).toHaveText(/^Insats: .+\. Utskrivet \d{4}-\d{2}-\d{2}\.$/);

    // The summary: the star chart of start and latest, and the answers side by side.
    const summary = page.getByRole('region', { name: 'Sammanfattning' });
    const star = summary.locator('figure.star-chart svg[role="img"]');
    await expect(star).toBeVisible();
    const starTitle = await svgText(star, 'title');
    expect(starTitle).toContain('Start (Start)');
    expect(starTitle).toContain('Nu (Uppföljning 2)');
    expect(starTitle).not.toContain('Förra gången');
    await expect(page.getByRole('img', { name: starTitle })).toBeVisible();
    expect(await svgText(star, 'desc')).toMatch(/: från \d+ till \d+ av \d+/);
    const answers = summary.getByRole('table', { name: 'Svar per tillfälle' });
    await expect(answers).toBeVisible();
    for (const column of JOURNEY_COLUMNS) {
      await expect(answers.getByRole('columnheader', { name: column, exact: true })).toBeVisible();
    }
    await expect(answers.locator('tbody tr')).toHaveCount(INDICATORS);
    const answersBefore = await answers.innerText();
    await expect(page.getByRole('heading', { level: 2, name: 'Varje område över tid' })).toBeVisible();
    await expect(page.locator('.indicator-charts svg[role="img"]')).toHaveCount(INDICATORS);

    // "Visa även förra gången" adds follow-up 1 to the star chart and its table.
    await summary.getByRole('link', { name: 'Visa även förra gången' }).click();
    await expect(page).toHaveURL(/\/mote\?tidigare=1$/);
    await expect(summary.getByRole('link', { name: 'Visa bara start och senaste' })).toBeVisible();
    await expect(star.locator('title')).toContainText('Förra gången (Uppföljning 1)');
    await expect(
      summary.locator('figure.star-chart table th[scope="col"]', { hasText: 'Förra gången (Uppföljning 1)' }),
    ).toHaveCount(1);
    await summary.getByRole('link', { name: 'Visa bara start och senaste' }).click();
    await expect(page).toHaveURL(/\/mote$/);
    await expect(star.locator('title')).not.toContainText('Förra gången');

    // The case manager's own rating of the latest occasion, next to the participant's answer.
    const ratings = page.getByRole('region', { name: 'Din bedömning: Uppföljning 2' });
    await expect(ratings).toBeVisible();
    const rows = ratings.locator('tbody tr');
    await expect(rows).toHaveCount(INDICATORS);
    // The first indicator the participant answered with a level (not "Vill inte svara").
    const rowTexts = await rows.locator('td:nth-of-type(1)').allInnerTexts();
    const index = rowTexts.findIndex((t) => /\(\d+ av \d+\)$/.test(t.trim()));
    expect(index, 'an indicator answered with a level at follow-up 2').toBeGreaterThanOrEqual(0);
    const row = rows.nth(index);
    const area = (await row.locator('th').innerText()).trim();
    const participantAnswer = rowTexts[index].trim();
    await expect(row.locator('td').nth(1)).toHaveText('–');
    const select = ratings.getByLabel(`Din bedömning: ${area}`, { exact: true });
    const options = (await select.locator('option').allInnerTexts()).map((o) => o.trim()).filter((o) => o !== 'Välj');
    const other = options.findIndex((o) => !participantAnswer.startsWith(`${o} (`));
    expect(other, `a rating other than "${participantAnswer}"`).toBeGreaterThanOrEqual(0);
    const rating = options[other];
    const ratingText = `${rating} (${other + 1} av ${options.length})`;
    await select.selectOption({ label: rating });
    await saveRating(page, row.getByRole('button', { name: 'Spara' }));

    // Saved, next to the participant's answer, which stays as it is (here and in the answers table).
    // (Read from a fresh page load: see the test below for the page updating by itself.)
    await page.goto(meetingUrl);
    const savedRow = page.getByRole('region', { name: 'Din bedömning: Uppföljning 2' }).locator('tbody tr').nth(index);
    await expect(savedRow.locator('th')).toHaveText(area);
    await expect(savedRow.locator('td').nth(1)).toContainText(ratingText);
    await expect(savedRow.locator('td').nth(1).locator('.badge')).toHaveText('Olika');
    await expect(savedRow.locator('td').first()).toHaveText(participantAnswer);
    await expect(page.getByLabel(`Din bedömning: ${area}`, { exact: true }).locator('option:checked')).toHaveText(
      rating,
    );
    expect(await page.getByRole('table', { name: 'Svar per tillfälle' }).innerText()).toBe(answersBefore);

    await expectAccessible(page, 'meeting view');

    // Print: the header with code, programme and date; no navigation, forms or per-indicator charts.
    await page.emulateMedia({ media: 'print' });
    await expect(page.getByRole('heading', { level: 1, name: `Möte: deltagare ${code}` })).toBeVisible();
    await expect(page.locator('.print-header p')).toBeVisible();
    await expect(page.getByRole('region', { name: 'Sammanfattning' }).locator('figure.star-chart svg')).toBeVisible();
    await expect(page.getByRole('table', { name: 'Svar per tillfälle' })).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Personal' })).toBeHidden();
    await expect(page.getByRole('button', { name: 'Skriv ut' })).toBeHidden();
    await expect(page.locator('#bedomning')).toBeHidden();
    await expect(page.locator('select:visible')).toHaveCount(0);
    await expect(page.locator('.indicator-charts')).toBeHidden();
    await expect(page.locator('.chart-data').first()).toBeHidden();
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    await test.info().attach('meeting-view.pdf', { body: pdf, contentType: 'application/pdf' });
    expect(pdfPageCount(pdf), 'the printed summary fits on one A4 page').toBe(1);
    // The same with the previous occasion shown.
    await page.goto(`${meetingUrl}?tidigare=1`);
    await expect(page.locator('figure.star-chart svg title')).toContainText('Förra gången');
    const pdfWithPrevious = await page.pdf({ format: 'A4', printBackground: true });
    expect(pdfPageCount(pdfWithPrevious), 'with the previous occasion too').toBe(1);
    await page.emulateMedia({ media: 'screen' });
  });

  test('opening the meeting view and recording a rating are in the audit log', async ({ browser, server, staffPage }) => {
    test.setTimeout(120_000);
    const code = demoParticipants(server, 'journey')[1].participant;
    await openParticipant(staffPage, code);
    await staffPage.getByRole('link', { name: 'Öppna mötesvyn' }).click();
    await expect(staffPage.getByRole('heading', { level: 1, name: `Möte: deltagare ${code}` })).toBeVisible();
    const ratings = staffPage.getByRole('region', { name: /^Din bedömning: / });
    const select = ratings.getByRole('combobox').first();
    await select.selectOption({ index: 1 });
    await saveRating(staffPage, ratings.getByRole('button', { name: 'Spara' }).first());

    const context = await browser.newContext({ baseURL: server.baseURL, viewport: DESKTOP });
    try {
      const admin = await context.newPage();
      await signInAs(admin, server, 'admin');
      await admin.goto('/admin/logg');
      const log = admin.getByRole('region', { name: 'Logg', exact: true });
      for (const action of ['Öppnade mötesvyn', 'Skrev in bedömning']) {
        await expect(log.getByRole('row').filter({ hasText: action }).filter({ hasText: code }).first()).toBeVisible();
      }
    } finally {
      await context.close();
    }
  });

  test('a saved rating shows at once, without loading the page again', async ({ staffPage: page, server }) => {
    // Known bug: the meeting view's data is not asked for again after "Spara"
    // with JavaScript on (the resource in app/src/pages/progress.rs is not
    // keyed on the rating action), so the new rating only shows after a
    // reload. Remove this line once it is fixed; the test then passes.
    const code = demoParticipants(server, 'journey')[0].participant;
    await openParticipant(page, code);
    await page.getByRole('link', { name: 'Öppna mötesvyn' }).click();
    await expect(page.getByRole('heading', { level: 1, name: `Möte: deltagare ${code}` })).toBeVisible();
    await waitForHydration(page);
    const row = page.getByRole('region', { name: /^Din bedömning: / }).locator('tbody tr').last();
    const area = (await row.locator('th').innerText()).trim();
    const select = row.getByLabel(`Din bedömning: ${area}`, { exact: true });
    const label = (await select.locator('option').nth(2).innerText()).trim();
    await select.selectOption({ index: 2 });
    await saveRating(page, row.getByRole('button', { name: 'Spara' }));
    await expect(row.locator('td').nth(1)).toContainText(label, { timeout: 5_000 });
  });

  test('without JavaScript, a saved rating shows on the page the form leads back to', async ({
    browser,
    server,
    caseManagerState,
  }) => {
    const context = await browser.newContext({
      baseURL: server.baseURL,
      viewport: DESKTOP,
      javaScriptEnabled: false,
      storageState: caseManagerState,
    });
    try {
      const page = await context.newPage();
      const code = demoParticipants(server, 'journey')[1].participant;
      await openParticipant(page, code);
      await page.getByRole('link', { name: 'Öppna mötesvyn' }).click();
      await expect(page.getByRole('heading', { level: 1, name: `Möte: deltagare ${code}` })).toBeVisible();
      const row = page.getByRole('region', { name: /^Din bedömning: / }).locator('tbody tr').nth(1);
      const area = (await row.locator('th').innerText()).trim();
      const select = row.getByLabel(`Din bedömning: ${area}`, { exact: true });
      const label = (await select.locator('option').nth(3).innerText()).trim();
      await select.selectOption({ index: 3 });
      await row.getByRole('button', { name: 'Spara' }).click();
      await expect(page).toHaveURL(/\/mote#bedomning$/);
      await expect(row.locator('td').nth(1)).toContainText(label);
    } finally {
      await context.close();
    }
  });
});
