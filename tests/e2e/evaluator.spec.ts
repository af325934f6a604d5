/**
 * The evaluator's statistics at /utvardering (issue 6, "End-to-end"): the
 * evaluator filters by programme and period, sees the NöjdDeltagarIndex split
 * by gender with the number of people behind each figure, downloads the same
 * selection as CSV and XLSX (which must say what the page says), and gets a
 * pseudonymised answer-level file; other roles and signed-out visitors are
 * kept out; axe finds nothing on the page, filtered or not.
 */
import type { Locator, Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { DESKTOP, expectAccessible } from './axe';
import { expect, test } from './fixtures';
import { demoParticipants, parseCsv, readXlsx, signInAs, todayIso, waitForHydration, type DemoKind } from './helpers';

const NDI_CAPTION = 'Nöjd deltagarindex (0–100) per kön';
/** The rows of every figure table, in order: the total, then every gender. */
const GROUPS = ['Totalt', 'Kvinna', 'Man', 'Annan', 'Vill inte ange'];
const GENDERS = GROUPS.slice(1);
/** What a count cell may say: a number, or hidden as a small group or to protect another. */
const COUNT = /^(\d+|färre än 5|dold)$/;
const PROGRAMME = 'Steget vidare';
const CSV_MIME = 'text/csv; charset=utf-8';
const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** A table of figures as the page shows it: column headings, and each row's cells by column. */
interface Figures {
  columns: string[];
  rows: Map<string, Map<string, string>>;
}

/** Reads a figure table (the one captioned `caption`) into {@link Figures}. */
async function figures(page: Page, caption: string): Promise<Figures> {
  const table = page.getByRole('table', { name: caption, exact: true });
  await expect(table).toBeVisible();
  const { columns, rows } = await table.evaluate((el) => {
    const text = (node: Element) => (node.textContent ?? '').trim();
    return {
      columns: [...el.querySelectorAll('thead th')].map(text),
      rows: [...el.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map(text)),
    };
  });
  const result = new Map<string, Map<string, string>>();
  for (const [group, ...cells] of rows) {
    result.set(group, new Map(cells.map((cell, i) => [columns[i + 1], cell])));
  }
  return { columns, rows: result };
}

/** One cell of a figure table; fails clearly if the row or column is missing. */
function cell(table: Figures, group: string, column: string): string {
  const value = table.rows.get(group)?.get(column);
  if (value === undefined) throw new Error(`no "${column}" for "${group}" in ${JSON.stringify([...table.rows.keys()])}`);
  return value;
}

/** Date `months` months before today, as the date inputs take it (YYYY-MM-DD, local time). */
function monthsAgoIso(months: number): string {
  const date = new Date();
  date.setMonth(date.getMonth() - months);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The query parameters that carry a value, sorted, for comparing a page's filter with a link's. */
function givenParams(url: string): string[][] {
  return [...new URL(url, 'http://x').searchParams.entries()].filter(([, v]) => v !== '').sort();
}

/** A number as the page (72.3) or a semicolon CSV (72,31) writes it. */
function decimal(text: string): number {
  return Number(text.replace(',', '.'));
}

/** The NDI rows ("NDI, medelvärde") of an aggregate CSV or sheet, by group: [n, value]. */
function ndiMeans(rows: string[][]): Map<string, { n: string; value: string }> {
  const header = rows.findIndex((r) => r[0] === 'Mått');
  expect(header, 'the table part starts at a "Mått" header row').toBeGreaterThanOrEqual(0);
  const columns = rows[header];
  const at = (name: string) => {
    const i = columns.indexOf(name);
    expect(i, `column "${name}" in ${JSON.stringify(columns)}`).toBeGreaterThanOrEqual(0);
    return i;
  };
  const [group, n, value] = [at('Grupp'), at('n'), at('Värde')];
  const means = new Map<string, { n: string; value: string }>();
  for (const row of rows.slice(header + 1)) {
    if (row[0] === 'NDI, medelvärde') means.set(row[group], { n: row[n] ?? '', value: row[value] ?? '' });
  }
  return means;
}

/** Expects the file's NDI means to say what the page's NDI table says, group by group. */
function expectSameNdi(file: Map<string, { n: string; value: string }>, page: Figures, what: string): void {
  expect([...file.keys()], `${what}: one NDI row per group`).toEqual(GROUPS);
  for (const group of GROUPS) {
    const shown = cell(page, group, 'n');
    const written = file.get(group)!;
    expect(written.n, `${what}: n of ${group}`).toBe(shown);
    const index = cell(page, group, 'Index');
    if (index === '–') {
      expect(written.value, `${what}: no index for ${group}, as on the page`).toBe('');
    } else {
      // The page rounds to one decimal, the file to two (CSV) or not at all (XLSX).
      expect(Math.abs(decimal(written.value) - decimal(index)), `${what}: index of ${group}`).toBeLessThanOrEqual(0.06);
    }
  }
}

/** Clicks a link and returns the file the browser downloaded, with its suggested name. */
async function download(page: Page, link: Locator): Promise<{ name: string; body: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const failure = await file.failure();
  expect(failure, `download of ${await link.getAttribute('href')}`).toBeNull();
  return { name: file.suggestedFilename(), body: await readFile((await file.path())!) };
}

/**
 * On /utvardering, signed in as the evaluator: chooses the programme and the
 * last twelve months by start date in the filter form, as a person does, and
 * submits it. Returns what was chosen.
 */
async function chooseProgrammeAndPeriod(page: Page) {
  await waitForHydration(page);
  const from = monthsAgoIso(12);
  const to = todayIso();
  const form = page.getByRole('search', { name: 'Filtrera statistiken' });
  await form.getByLabel('Insats', { exact: true }).selectOption({ label: PROGRAMME });
  await form.getByLabel('Period efter').selectOption({ label: 'Startdatum' });
  await form.getByLabel('Från', { exact: true }).fill(from);
  await form.getByLabel('Till', { exact: true }).fill(to);
  const programmeId = await form.getByLabel('Insats', { exact: true }).inputValue();
  expect(programmeId).not.toBe('');
  await form.getByRole('button', { name: 'Visa' }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]insats=${programmeId}(&|$)`));
  await waitForHydration(page);
  return { from, to, programmeId };
}

test('the evaluator filters by programme and period, sees the NDI by gender with n, and downloads the same figures as CSV and XLSX', async ({
  page,
  server,
}) => {
  await page.setViewportSize(DESKTOP);
  await signInAs(page, server, 'evaluator');
  await expect(page).toHaveURL(/\/utvardering$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Utvärdering' })).toBeVisible();
  const status = page.getByRole('status').filter({ hasText: /^Urval:/ });
  await expect(status).toHaveText('Urval: Alla deltagare.');
  const unfiltered = await figures(page, NDI_CAPTION);
  const allN = Number(cell(unfiltered, 'Totalt', 'n'));
  expect(allN, 'the demo has NDI answers').toBeGreaterThan(0);
  await expectAccessible(page, 'evaluator statistics, unfiltered');

  // Programme and period, chosen in the form (a plain GET form: the filter lands in the address).
  await page.goto('/utvardering');
  const { from, to, programmeId } = await chooseProgrammeAndPeriod(page);
  const url = new URL(page.url());
  expect(url.pathname).toBe('/utvardering');
  expect(url.searchParams.get('insats')).toBe(programmeId);
  expect(url.searchParams.get('grund')).toBe('intag');
  expect(url.searchParams.get('fran')).toBe(from);
  expect(url.searchParams.get('till')).toBe(to);
  await expect(status).toHaveText(`Urval: insats ${PROGRAMME}, start ${from} – ${to}.`);
  // The form keeps what was chosen.
  const form = page.getByRole('search', { name: 'Filtrera statistiken' });
  await expect(form.getByLabel('Insats', { exact: true }).locator('option:checked')).toHaveText(PROGRAMME);
  await expect(form.getByLabel('Från', { exact: true })).toHaveValue(from);
  await expect(form.getByLabel('Till', { exact: true })).toHaveValue(to);

  // The NDI by gender, with the number of people behind every figure.
  const ndi = await figures(page, NDI_CAPTION);
  expect(ndi.columns.slice(0, 4)).toEqual(['Grupp', 'n', 'Index', '95 % KI']);
  expect(ndi.columns.slice(4)).toEqual(['Andel under 40', 'Andel 40–54', 'Andel 55–74', 'Andel 75 och över']);
  expect([...ndi.rows.keys()]).toEqual(GROUPS);
  for (const group of GROUPS) expect(cell(ndi, group, 'n'), `n of ${group}`).toMatch(COUNT);
  const totalN = Number(cell(ndi, 'Totalt', 'n'));
  expect(totalN, 'the selection has people in it').toBeGreaterThan(0);
  expect(totalN, 'one programme over one year is fewer people than everyone').toBeLessThan(allN);
  const womenN = cell(ndi, 'Kvinna', 'n');
  expect(womenN).toMatch(/^(\d+|färre än 5)$/);
  if (/^\d+$/.test(womenN)) expect(Number(womenN)).toBeGreaterThanOrEqual(5);
  // Shown groups add up to no more than the total; hidden ones carry no figures.
  const shownSum = GENDERS.map((g) => cell(ndi, g, 'n')).filter((n) => /^\d+$/.test(n)).map(Number);
  expect(shownSum.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(totalN);
  for (const group of GROUPS) {
    if (!/^\d+$/.test(cell(ndi, group, 'n'))) {
      for (const column of ndi.columns.slice(2)) expect(cell(ndi, group, column), `${column} of hidden ${group}`).toBe('–');
    } else {
      expect(cell(ndi, group, 'Index')).toMatch(/^\d{1,3}\.\d$/);
    }
  }
  // The chart says the same in its text alternative.
  const chart = page.getByRole('img', { name: /^Nöjd deltagarindex per kön/ });
  await expect(chart).toBeVisible();
  for (const group of GROUPS) {
    const n = cell(ndi, group, 'n');
    await expect(chart).toHaveAccessibleName(
      /^\d+$/.test(n) ? new RegExp(`${group}: \\d+ \\(n = ${n}\\)`) : new RegExp(`${group}: visas inte \\(${n}\\)`),
    );
  }

  // Every export link carries the same filter as the page.
  const exports = page.getByRole('region', { name: 'Exportera' });
  const links = exports.getByRole('link');
  await expect(links).toHaveCount(9);
  for (const link of await links.all()) {
    const href = (await link.getAttribute('href'))!;
    expect(href).toMatch(/^\/utvardering\/export\/[a-z]+\.[A-Za-z]+\?/);
    expect(givenParams(href), `filter of ${href}`).toEqual(givenParams(page.url()));
  }

  // The NDI as CSV, downloaded the way a person does it: UTF-8 with a BOM, semicolons, the page's figures.
  const csvLink = exports.getByRole('link', { name: 'Nöjd deltagarindex (CSV)' });
  const csvHref = (await csvLink.getAttribute('href'))!;
  expect(csvHref).toMatch(/^\/utvardering\/export\/ndi\.csv\?/);
  const csvResponse = await page.request.get(csvHref);
  expect(csvResponse.status()).toBe(200);
  expect(csvResponse.headers()['content-type']).toBe(CSV_MIME);
  expect(csvResponse.headers()['content-disposition']).toMatch(/^attachment; filename="stegvis-\d{4}-\d{2}-\d{2}-ndi\.csv"$/);
  const csv = await download(page, csvLink);
  expect(csv.name).toMatch(/^stegvis-\d{4}-\d{2}-\d{2}-ndi\.csv$/);
  expect(csv.body.equals(await csvResponse.body()), 'the downloaded file is the one the link serves').toBe(true);
  expect(csv.body.subarray(0, 3).equals(UTF8_BOM), 'a UTF-8 byte order mark, for Excel').toBe(true);
  const csvText = new TextDecoder('utf-8', { fatal: true }).decode(csv.body);
  expect(csvText).toContain('NöjdDeltagarIndex');
  const csvRows = parseCsv(csvText, ';');
  const tableStart = csvRows.findIndex((r) => r[0] === 'Mått');
  expect(csvRows[tableStart]).toEqual(['Mått', 'Fråga', 'Frågetext', 'Grupp', 'n', 'Antal', 'Värde', 'Enhet', 'KI låg', 'KI hög']);
  for (const row of csvRows.slice(tableStart)) expect(row, 'every table row has all ten fields').toHaveLength(10);
  expect(csvRows.find((r) => r[0] === 'Period')?.[1]).toBe(`${from} – ${to}`);
  expect(csvRows.find((r) => r[0] === 'Periodregel')?.[1]).toMatch(/startdatum/);
  expectSameNdi(ndiMeans(csvRows), ndi, 'ndi.csv');

  // The summary workbook: a real XLSX (a ZIP) whose NDI sheet matches the page too.
  const xlsxLink = exports.getByRole('link', { name: 'Sammanställning (Excel, XLSX)' });
  const xlsxHref = (await xlsxLink.getAttribute('href'))!;
  expect(xlsxHref).toMatch(/^\/utvardering\/export\/sammanstallning\.xlsx\?/);
  const xlsxResponse = await page.request.get(xlsxHref);
  expect(xlsxResponse.status()).toBe(200);
  expect(xlsxResponse.headers()['content-type']).toBe(XLSX_MIME);
  const xlsx = await download(page, xlsxLink);
  expect(xlsx.name).toMatch(/^stegvis-\d{4}-\d{2}-\d{2}-sammanstallning\.xlsx$/);
  expect(xlsx.body.length).toBeGreaterThan(0);
  expect(xlsx.body.subarray(0, 2).toString('latin1'), 'a ZIP file starts with "PK"').toBe('PK');
  const workbook = readXlsx(xlsx.body);
  expect(workbook.sheetNames).toEqual(['Om exporten', 'NDI', 'Stegförflyttning', 'Avslut']);
  expectSameNdi(ndiMeans(workbook.sheet('NDI')), ndi, 'sammanstallning.xlsx');

  // Still on the dashboard after both downloads, and accessible with the filter applied
  // (with "Alla områden" open, so those tables are checked too).
  await expect(page).toHaveURL(url.href);
  await expect(status).toHaveText(`Urval: insats ${PROGRAMME}, start ${from} – ${to}.`);
  const allAreas = page.getByRole('main').locator('details').filter({ hasText: 'Alla områden' });
  await allAreas.getByText('Alla områden', { exact: true }).click();
  await expect(allAreas).toHaveAttribute('open', '');
  await expectAccessible(page, 'evaluator statistics, filtered');
});

test('the answer-level CSV is pseudonymised: no participant codes, a pseudonym per person, only the selection', async ({
  page,
  server,
}) => {
  await signInAs(page, server, 'evaluator');
  await expect(page).toHaveURL(/\/utvardering$/);
  await chooseProgrammeAndPeriod(page);
  const link = page.getByRole('link', { name: 'Svar per fråga, pseudonymiserade (CSV)' });
  const href = (await link.getAttribute('href'))!;
  expect(href).toMatch(/^\/utvardering\/export\/svar\.csv\?/);
  const response = await page.request.get(href);
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toBe(CSV_MIME);
  const body = await response.body();
  expect(body.subarray(0, 3).equals(UTF8_BOM)).toBe(true);
  const text = new TextDecoder('utf-8', { fatal: true }).decode(body);

  // None of the participant codes the demo printed, in any case.
  const kinds: DemoKind[] = ['intake', 'follow-up', 'exit', 'journey'];
  const codes = kinds.flatMap((kind) => demoParticipants(server, kind).map((p) => p.participant));
  expect(codes.length, 'the demo printed participant codes').toBeGreaterThan(10);
  const upper = text.toUpperCase();
  for (const code of codes) expect(upper.includes(code), `participant code ${code} in svar.csv`).toBe(false);

  const rows = parseCsv(text, ';').filter((r) => r.length > 1 || r[0] !== '');
  const [header, ...answers] = rows;
  expect(header[0]).toBe('pseudonym');
  expect(header).toEqual(expect.arrayContaining(['gender', 'age_band', 'programme', 'item_id', 'value']));
  for (const name of header) expect(name, 'no column that names a person').not.toMatch(/code|kod|namn|name|person|birth|fodelse/i);
  expect(answers.length, 'the selection has answers').toBeGreaterThan(0);
  // Checked in plain code and reported together: thousands of rows.
  const column = (name: string) => header.indexOf(name);
  const genderCodes = GENDERS.map((g) => g.toLowerCase().replace(/ /g, '-'));
  const problems: string[] = [];
  const pseudonyms = new Set<string>();
  answers.forEach((row, i) => {
    const line = `row ${i + 2}`;
    if (row.length !== header.length) problems.push(`${line}: ${row.length} fields, not ${header.length}`);
    if (!/^[0-9a-f]{16}$/.test(row[column('pseudonym')])) problems.push(`${line}: pseudonym ${row[column('pseudonym')]}`);
    if (!genderCodes.includes(row[column('gender')])) problems.push(`${line}: gender ${row[column('gender')]}`);
    if (row[column('programme')] !== PROGRAMME) problems.push(`${line}: programme ${row[column('programme')]}`);
    pseudonyms.add(row[column('pseudonym')]);
  });
  expect(problems.slice(0, 10), `${problems.length} bad rows in svar.csv`).toEqual([]);
  expect(pseudonyms.size, 'several people, each under one pseudonym').toBeGreaterThan(1);
  expect(pseudonyms.size).toBeLessThan(answers.length);
  // A new export gives everyone new pseudonyms: none can be linked across files.
  const againResponse = await page.request.get(href);
  expect(againResponse.status()).toBe(200);
  const again = parseCsv(new TextDecoder().decode(await againResponse.body()), ';');
  const second = new Set(again.slice(1).map((r) => r[0]).filter((p) => p !== ''));
  expect(second.size, 'the same people in the second export').toBe(pseudonyms.size);
  expect([...second].filter((p) => pseudonyms.has(p)), 'pseudonyms reused in a second export').toEqual([]);
});

test('only evaluators reach the statistics and exports: a case manager gets 403, signed out gets 401', async ({
  browser,
  server,
  staffPage,
}) => {
  // The demo case manager (signed in by the fixture).
  expect((await staffPage.goto('/utvardering'))?.status()).toBe(403);
  await expect(staffPage.getByRole('alert')).toContainText('Ditt konto har inte behörighet till det här.');
  await expect(staffPage.getByRole('table')).toHaveCount(0);
  await expect(staffPage.getByRole('link', { name: /\(CSV\)$/ })).toHaveCount(0);
  await expectAccessible(staffPage, 'evaluator statistics, refused to a case manager');
  for (const file of ['ndi.csv', 'sammanstallning.xlsx', 'svar.csv']) {
    const response = await staffPage.request.get(`/utvardering/export/${file}`);
    expect(response.status(), `${file} for a case manager`).toBe(403);
    expect(response.headers()['content-type'] ?? '').not.toMatch(/csv|spreadsheet/);
  }

  // Signed out.
  const context = await browser.newContext({ baseURL: server.baseURL, viewport: DESKTOP });
  try {
    const page = await context.newPage();
    expect((await page.goto('/utvardering'))?.status()).toBe(401);
    await expect(page.getByRole('alert').getByRole('link', { name: 'Logga in' })).toBeVisible();
    await expect(page.getByRole('table')).toHaveCount(0);
    for (const file of ['ndi.csv', 'sammanstallning.xlsx', 'svar.csv']) {
      const response = await page.request.get(`/utvardering/export/${file}`);
      expect(response.status(), `${file} signed out`).toBe(401);
      expect(response.headers()['content-type'] ?? '').not.toMatch(/csv|spreadsheet/);
    }
  } finally {
    await context.close();
  }
});
