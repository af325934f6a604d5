/**
 * Steps shared by the end-to-end specs: reading the demo data the server
 * printed, signing in (staff with password and TOTP, participants with an
 * access code and a PIN), and answering a check-in the way a participant does.
 */
import type { Browser, BrowserContext, Locator, Page } from '@playwright/test';
import { createHmac } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { expect, stripAnsi, type StegvisServer } from './fixtures';
import { PHONE } from './axe';

export type OpenOccasion = 'intake' | 'follow-up' | 'exit';

/**
 * What the demo printed a participant for: a check-in of that kind open today,
 * or `journey`: intake, follow-up 1 and follow-up 2 answered and nothing open
 * (for the progress charts; they belong to the demo case manager).
 */
export type DemoKind = OpenOccasion | 'journey';

/** A demo participant the server printed: their participant code and the access code for their phone. */
export interface DemoParticipant {
  /** The participant code staff see, e.g. `TCW-UVX`. */
  participant: string;
  /** The one-time access code typed on the phone, e.g. `WGQ6-HQP6`. */
  accessCode: string;
}

const taken = new Set<string>();

/**
 * A demo participant of `kind` (see {@link DemoKind}) with an unused
 * access code, not handed to any earlier test of this worker (an access code
 * connects one phone only, and tests change the participant's data).
 */
export function takeAccessCode(server: StegvisServer, kind: DemoKind = 'intake'): DemoParticipant {
  for (const demo of demoParticipants(server, kind)) {
    if (!taken.has(demo.accessCode)) {
      taken.add(demo.accessCode);
      return demo;
    }
  }
  throw new Error(`no unused "${kind}" demo participant (the server printed ${taken.size} taken)`);
}

/**
 * Every demo participant of `kind` the server printed, in order, taken or
 * not: for staff-side tests that only need the participant code.
 */
export function demoParticipants(server: StegvisServer, kind: DemoKind): DemoParticipant[] {
  const pattern = new RegExp(`^\\s*(\\S+)\\s+${kind} access code: (\\S+)\\s*$`);
  const found: DemoParticipant[] = [];
  for (const line of stripAnsi(server.output()).split('\n')) {
    const match = pattern.exec(line);
    if (match) found.push({ participant: match[1], accessCode: match[2] });
  }
  return found;
}

export type DemoRole = 'admin' | 'case manager' | 'evaluator';

/** A demo staff login as the server printed it. */
export interface StaffLogin {
  email: string;
  password: string;
  /** Base32 TOTP secret, for accounts that sign in with two-factor. */
  totpSecret?: string;
}

/** The demo login of `role`, read from the server's start-up output. */
export function demoLogin(server: StegvisServer, role: DemoRole): StaffLogin {
  const output = stripAnsi(server.output());
  const line = new RegExp(`^\\s*${role}\\s+(\\S+@\\S+)\\s+password: (\\S+)\\s*$`, 'm').exec(output);
  if (!line) throw new Error(`the server printed no demo login for "${role}"`);
  const login: StaffLogin = { email: line[1], password: line[2] };
  if (role === 'admin') {
    const secret = /two-factor; add this secret to an authenticator app: ([A-Z2-7=]+)/.exec(output);
    if (!secret) throw new Error('the server printed no TOTP secret for the demo admin');
    login.totpSecret = secret[1];
  }
  return login;
}

/** RFC 4648 base32 (no padding needed) to bytes. */
function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const char of clean) {
    const index = alphabet.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${JSON.stringify(char)}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/**
 * The RFC 6238 code an authenticator app shows for a base32 secret: HMAC-SHA-1,
 * 30-second steps, six digits.
 */
export function totp(secretBase32: string, atMs: number = Date.now()): string {
  const counter = Math.floor(atMs / 1000 / 30);
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const digest = createHmac('sha1', base32Decode(secretBase32)).update(message).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  const binary = digest.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, '0');
}

/** The newest TOTP time step each secret signed in with in this worker. */
const lastSignInStep = new Map<string, number>();

/**
 * A TOTP code for signing in: the server takes a code once (its time step must
 * be newer than the last one used), so this waits for the next 30-second step
 * when this worker already signed in with the current one.
 */
export async function totpForSignIn(secretBase32: string): Promise<string> {
  const last = lastSignInStep.get(secretBase32);
  const now = Date.now();
  if (last !== undefined && Math.floor(now / 30_000) <= last) {
    await new Promise((resolve) => setTimeout(resolve, (last + 1) * 30_000 - now + 50));
  }
  const at = Date.now();
  lastSignInStep.set(secretBase32, Math.floor(at / 30_000));
  return totp(secretBase32, at);
}

/** Where each role lands after signing in. */
const STAFF_HOME = /\/(personal|admin|utvardering|konto)$/;

/**
 * Signs a staff member in at /logga-in, with the TOTP step when a secret is
 * given, and waits for their start page.
 */
export async function signIn(page: Page, email: string, password: string, totpSecret?: string): Promise<void> {
  await page.goto('/logga-in');
  await page.getByLabel('E-postadress').fill(email);
  await page.getByLabel('Lösenord').fill(password);
  await page.getByRole('button', { name: 'Logga in' }).click();
  if (totpSecret) {
    await expect(page.getByRole('heading', { level: 1, name: 'Kod från appen' })).toBeVisible();
    await expect(page).toHaveURL(/\/logga-in\/kod$/);
    await page.getByLabel('Kod', { exact: true }).fill(await totpForSignIn(totpSecret));
    await page.getByRole('button', { name: 'Logga in' }).click();
  }
  await expect(page).toHaveURL(STAFF_HOME);
  await expect(page.getByRole('navigation', { name: 'Personal' })).toBeVisible();
}

/** {@link signIn} with a demo account. */
export async function signInAs(page: Page, server: StegvisServer, role: DemoRole): Promise<void> {
  const login = demoLogin(server, role);
  await signIn(page, login.email, login.password, login.totpSecret);
}

/**
 * Registers an anonymous participant (intake open today) on the demo case
 * manager's page and returns a fresh access code for their phone.
 */
export async function newParticipantCode(staff: Page): Promise<string> {
  await staff.goto('/personal');
  await staff.getByRole('link', { name: 'Registrera deltagare' }).click();
  await staff.getByLabel('Kön').selectOption({ label: 'Man' });
  await staff.getByLabel('Insats').selectOption({ label: 'Steget vidare' });
  await staff.getByRole('button', { name: 'Registrera' }).click();
  await expect(staff.getByRole('heading', { level: 1, name: /^Deltagare / })).toBeVisible();
  await staff.getByRole('button', { name: 'Skapa ny kod' }).click();
  await expect(staff.getByRole('heading', { level: 1, name: 'Så svarar du i mobilen' })).toBeVisible();
  const code = (await staff.locator('.sheet-code').innerText()).trim();
  expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  return code;
}

/** The PIN tests choose unless they need another. */
export const PIN = '2580';

/**
 * Connects this browser as the participant's phone: types the access code at
 * /, chooses `pin` twice, and waits for the check-in start at /svara.
 */
export async function connectPhone(page: Page, accessCode: string, pin: string = PIN): Promise<void> {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Skriv din kod' })).toBeVisible();
  await page.getByLabel('Kod', { exact: true }).fill(accessCode);
  await page.getByRole('button', { name: 'Gå vidare' }).click();
  await choosePin(page, pin);
}

/** On "Välj en pinkod": types the PIN twice and waits for the check-in start. */
export async function choosePin(page: Page, pin: string = PIN): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: 'Välj en pinkod' })).toBeVisible();
  await expect(page).toHaveURL(/\/ny-pin$/);
  await page.getByLabel('Pinkod', { exact: true }).fill(pin);
  await page.getByLabel('Skriv samma pinkod igen').fill(pin);
  await page.getByRole('button', { name: 'Gå vidare' }).click();
  await expect(page).toHaveURL(/\/svara$/);
}

/** Signs the participant out on this phone ("Logga ut" on the start page); the phone stays connected. */
export async function leave(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Du är inne' })).toBeVisible();
  await page.getByRole('button', { name: 'Logga ut' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Skriv din pinkod' })).toBeVisible();
}

/** On a connected phone: types the PIN at / and waits for the check-in start. */
export async function enterPin(page: Page, pin: string = PIN): Promise<void> {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Skriv din pinkod' })).toBeVisible();
  await page.getByLabel('Pinkod', { exact: true }).fill(pin);
  await page.getByRole('button', { name: 'Gå vidare' }).click();
  await expect(page).toHaveURL(/\/svara$/);
}

/** A new phone-sized browser context (cookies of its own) on the server. */
export async function newPhone(
  browser: Browser,
  server: StegvisServer,
  options: { javaScriptEnabled?: boolean } = {},
): Promise<BrowserContext> {
  return browser.newContext({ baseURL: server.baseURL, viewport: PHONE, ...options });
}

/**
 * Waits until the page's script has taken over the server-rendered page: the
 * WASM on staff pages, the participant script on participant pages. The
 * administration page has been seen to take more than the default 10 s to
 * hydrate on a loaded 2-core machine, so this waits up to 30 s.
 */
export async function waitForHydration(page: Page): Promise<void> {
  await expect(page.locator('body[data-hydrated="true"], html[data-enhanced="true"]')).toHaveCount(1, {
    timeout: 30_000,
  });
}

/**
 * Presses Tab until one of the elements `target` matches has focus (keyboard-only
 * use), failing after `max` presses. Returns the index of the focused one.
 */
export async function tabTo(page: Page, target: Locator, max = 40): Promise<number> {
  for (let i = 0; i < max; i++) {
    const focused = await target.evaluateAll((els) => els.indexOf(document.activeElement as Element));
    if (focused >= 0) return focused;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${target}`);
}

/** Waits until the progress line says exactly "step of total", in any language. */
async function expectStep(page: Page, step: number, total: number): Promise<void> {
  await expect(page.locator('#progress')).toHaveText(new RegExp(`^\\D*${step}\\D+${total}\\D*$`));
}

/** "Fråga 3 av 12" and its translations: the numbers, whatever the language. */
async function progress(page: Page): Promise<{ step: number; total: number }> {
  const text = await page.locator('#progress').innerText();
  const [step, total] = (text.match(/\d+/g) ?? []).map(Number);
  return { step, total };
}

export interface AnswerOptions {
  /** Answer with the keyboard only: Tab, arrow keys, Enter. */
  keyboard?: boolean;
  /** Run on every question screen before answering (e.g. an accessibility check). */
  onScreen?: (step: number, total: number) => Promise<void>;
  /** Label of the Next button in the current language. */
  next?: string;
}

/**
 * Answers every question from the current one to the review screen. Picks the
 * fourth option (or the last real one), and "Vill inte svara" on every fifth
 * question. Returns the label chosen on each screen, in order.
 */
export async function answerAllQuestions(page: Page, opts: AnswerOptions = {}): Promise<string[]> {
  const chosen: string[] = [];
  const first = await progress(page);
  for (let step = first.step; step <= first.total; step++) {
    await expectStep(page, step, first.total);
    const group = page.getByRole('main').getByRole('group');
    await expect(group).toBeVisible();
    await opts.onScreen?.(step, first.total);
    const radios = group.getByRole('radio');
    const count = await radios.count();
    const index = step % 5 === 0 ? count - 1 : Math.min(3, count - 2);
    const option = radios.nth(index);
    chosen.push((await page.locator('label.option').nth(index).innerText()).trim());
    const next = page.getByRole('button', { name: opts.next ?? 'Nästa' });
    if (opts.keyboard) {
      // Tab lands on the checked option of a group, or on its first.
      const focused = await tabTo(page, radios);
      const key = index >= focused ? 'ArrowDown' : 'ArrowUp';
      for (let i = 0; i < Math.abs(index - focused); i++) await page.keyboard.press(key);
      await expect(option).toBeChecked();
      await tabTo(page, next);
      await page.keyboard.press('Enter');
    } else {
      await option.check();
      await next.click();
    }
    if (step < first.total) await expectStep(page, step + 1, first.total);
  }
  await expect(page.locator('ol.review')).toBeVisible();
  const rows = page.locator('ol.review > li');
  await expect(rows).toHaveCount(chosen.length);
  for (let i = 0; i < chosen.length; i++) {
    await expect(rows.nth(i).locator('.review-answer')).toHaveText(chosen[i]);
  }
  return chosen;
}

/** Today's date as the server writes it for staff (YYYY-MM-DD, local time). */
export function todayIso(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * On a case manager's page: finds the participant by code in the caseload
 * (the whole organisation) and opens their page.
 */
export async function openParticipant(staff: Page, participantCode: string): Promise<void> {
  await staff.goto(`/personal?visa=all&sok=${encodeURIComponent(participantCode)}`);
  await staff.getByRole('link', { name: participantCode, exact: true }).click();
  await expect(staff.getByRole('heading', { level: 1, name: `Deltagare ${participantCode}` })).toBeVisible();
}

/**
 * How many check-ins are stored for the participant, as their case manager
 * sees it: the "Visa svar" links in the Incheckningar table.
 */
export async function storedCheckIns(staff: Page, participantCode: string): Promise<number> {
  await openParticipant(staff, participantCode);
  const table = staff.getByRole('region', { name: 'Tabell över incheckningar' });
  await expect(table.getByRole('row').first()).toBeVisible();
  return table.getByRole('link', { name: /^Visa svar/ }).count();
}

/**
 * Issues a new access code for the participant from their page ("Skapa ny
 * kod"), as the case manager does, and returns it from the printable sheet.
 */
export async function issueNewCode(staff: Page, participantCode: string): Promise<string> {
  await openParticipant(staff, participantCode);
  await staff.getByRole('button', { name: 'Skapa ny kod' }).click();
  await expect(staff).toHaveURL(/\/personal\/deltagare\/[^/]+\/blad$/);
  await expect(staff.getByRole('heading', { level: 1, name: 'Så svarar du i mobilen' })).toBeVisible();
  const code = (await staff.locator('.sheet-code').innerText()).trim();
  expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  return code;
}

/**
 * Parses CSV text (RFC 4180: quoted fields may hold the separator, quotes
 * doubled, and line breaks) into rows of fields. A leading UTF-8 byte order
 * mark is dropped; an empty line becomes a row with one empty field.
 */
export function parseCsv(text: string, separator: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"' && field === '') {
      quoted = true;
    } else if (char === separator) {
      row.push(field);
      field = '';
    } else if (char === '\r' || char === '\n') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += char;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/**
 * The files in a ZIP archive (such as an XLSX workbook) by name, read through
 * its central directory; stored and deflated entries only, as Office files use.
 */
export function unzip(archive: Buffer): Map<string, Buffer> {
  const EOCD = 0x06054b50;
  let end = archive.length - 22;
  while (end >= 0 && archive.readUInt32LE(end) !== EOCD) end--;
  if (end < 0) throw new Error('not a ZIP archive: no end of central directory');
  const entries = archive.readUInt16LE(end + 10);
  let at = archive.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let e = 0; e < entries; e++) {
    if (archive.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad ZIP central directory entry at ${at}`);
    const method = archive.readUInt16LE(at + 10);
    const compressedSize = archive.readUInt32LE(at + 20);
    const nameLength = archive.readUInt16LE(at + 28);
    const extraLength = archive.readUInt16LE(at + 30);
    const commentLength = archive.readUInt16LE(at + 32);
    const localHeader = archive.readUInt32LE(at + 42);
    const name = archive.toString('utf8', at + 46, at + 46 + nameLength);
    if (archive.readUInt32LE(localHeader) !== 0x04034b50) throw new Error(`bad ZIP local header for ${name}`);
    const dataStart =
      localHeader + 30 + archive.readUInt16LE(localHeader + 26) + archive.readUInt16LE(localHeader + 28);
    const data = archive.subarray(dataStart, dataStart + compressedSize);
    if (method === 0) files.set(name, Buffer.from(data));
    else if (method === 8) files.set(name, inflateRawSync(data));
    else throw new Error(`ZIP entry ${name} uses compression method ${method}`);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

/** Undoes the five predefined XML entities and numeric character references. */
function xmlText(text: string): string {
  return text
    .replace(/&#x([0-9a-fA-F]+);/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#([0-9]+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The text of every `<t>` in an XML fragment, joined (rich text has several). */
function joinedT(xml: string): string {
  return [...xml.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g)].map((m) => xmlText(m[1])).join('');
}

/** Column letters of a cell reference ("AB12") as a 0-based index. */
function columnIndex(reference: string): number {
  const letters = /^[A-Z]+/.exec(reference)?.[0] ?? 'A';
  return [...letters].reduce((n, c) => n * 26 + c.charCodeAt(0) - 64, 0) - 1;
}

/** An XLSX workbook read back: its sheet names in order, and each sheet's cells as text. */
export interface Workbook {
  sheetNames: string[];
  /** The sheet's rows as cell texts (numbers as written, e.g. "42"); throws for an unknown sheet. */
  sheet(name: string): string[][];
}

/**
 * Reads an XLSX file well enough to check what an export holds: sheet names,
 * and each sheet's values (shared, inline and formula strings, numbers).
 */
export function readXlsx(file: Buffer): Workbook {
  const files = unzip(file);
  const text = (name: string) => {
    const entry = files.get(name);
    if (!entry) throw new Error(`the workbook has no ${name}`);
    return entry.toString('utf8');
  };
  const shared = files.has('xl/sharedStrings.xml')
    ? [...text('xl/sharedStrings.xml').matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => joinedT(m[1]))
    : [];
  const targets = new Map(
    [...text('xl/_rels/workbook.xml.rels').matchAll(/<Relationship\b[^>]*>/g)].map((m) => [
      /\bId="([^"]+)"/.exec(m[0])?.[1],
      /\bTarget="([^"]+)"/.exec(m[0])?.[1],
    ]),
  );
  const sheets = [...text('xl/workbook.xml').matchAll(/<sheet\b[^>]*>/g)].map((m) => ({
    name: xmlText(/\bname="([^"]*)"/.exec(m[0])?.[1] ?? ''),
    target: targets.get(/\br:id="([^"]+)"/.exec(m[0])?.[1]) ?? '',
  }));
  return {
    sheetNames: sheets.map((s) => s.name),
    sheet(name: string): string[][] {
      const found = sheets.find((s) => s.name === name);
      if (!found) throw new Error(`the workbook has no sheet "${name}" (it has ${sheets.map((s) => s.name).join(', ')})`);
      const path = found.target.startsWith('/') ? found.target.slice(1) : `xl/${found.target}`;
      const rows: string[][] = [];
      for (const row of text(path).matchAll(/<row\b[^>]*?(?:\/>|>([\s\S]*?)<\/row>)/g)) {
        const r = Number(/\br="(\d+)"/.exec(row[0])?.[1]) - 1;
        const cells: string[] = [];
        for (const cell of (row[1] ?? '').matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
          const attributes = cell[1];
          const body = cell[2] ?? '';
          const type = /\bt="([^"]+)"/.exec(attributes)?.[1];
          const value = /<v>([\s\S]*?)<\/v>/.exec(body)?.[1];
          const column = columnIndex(/\br="([A-Z]+\d+)"/.exec(attributes)?.[1] ?? 'A1');
          cells[column] =
            type === 's' ? shared[Number(value)] ?? '' : type === 'inlineStr' ? joinedT(body) : xmlText(value ?? '');
        }
        rows[r] = Array.from(cells, (c) => c ?? '');
      }
      return Array.from(rows, (r) => r ?? []);
    },
  };
}
