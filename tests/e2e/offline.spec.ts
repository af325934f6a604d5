/**
 * The check-in without network: a participant signs in once online, then
 * answers, reloads, reviews and sends with the phone offline; the answers wait
 * in the phone's outbox and reach the server exactly once when the network
 * (or the server) is back, across a server crash and an app update. Also:
 * what the service worker must never cache, and the screens a participant
 * sees while answers wait, checked with axe.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { expectAccessible, PHONE } from './axe';
import { expect, startServer, test, type OwnServer, type StegvisServer } from './fixtures';
import {
  answerAllQuestions,
  connectPhone,
  demoLogin,
  enterPin,
  signIn,
  takeAccessCode,
  type DemoParticipant,
} from './helpers';

const WAITING = 'Dina svar finns i telefonen. Vi får dem när du har internet.';
const SENT = 'Klart! Vi har fått dina svar.';
const STATUS = '#outbox-status';

/** Waits until the service worker controls the page and the open check-in is kept on the phone. */
async function expectReadyOffline(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 });
  await expect(page.locator('main[data-drawn="phone"]')).toBeVisible();
}

/** Connects a fresh phone-sized context as a participant with an open intake and waits until it can go offline. */
async function readyPhone(context: BrowserContext, participant: DemoParticipant): Promise<Page> {
  const page = await context.newPage();
  await connectPhone(page, participant.accessCode);
  await expectReadyOffline(page);
  return page;
}

/** A phone of its own for a participant with an open intake, ready to go offline. */
async function newReadyPhone(
  browser: Browser,
  server: StegvisServer,
): Promise<{ participant: DemoParticipant; context: BrowserContext; page: Page }> {
  const participant = takeAccessCode(server, 'intake');
  const context = await browser.newContext({ baseURL: server.baseURL, viewport: PHONE });
  return { participant, context, page: await readyPhone(context, participant) };
}

/** Answers the whole check-in from the start screen, reloading once half-way; returns the chosen labels. */
async function answerWithReload(page: Page): Promise<string[]> {
  await page.getByRole('link', { name: 'Börja' }).click();
  const progress = page.locator('#progress');
  await expect(progress).toHaveText(/^\D*1\D+\d+\D*$/);
  const total = Number((await progress.innerText()).match(/\d+/g)![1]);
  const chosen: string[] = [];
  for (let step = 1; step <= total; step++) {
    await expect(progress).toHaveText(new RegExp(`^\\D*${step}\\D+${total}\\D*$`));
    if (step === 4) {
      // Reloaded without network, half-way: the screen comes back, and
      // going back shows the answer given before the reload.
      await page.reload();
      await expect(progress).toHaveText(new RegExp(`^\\D*4\\D+${total}\\D*$`));
      await page.getByRole('button', { name: 'Bakåt' }).click();
      await expect(progress).toHaveText(new RegExp(`^\\D*3\\D+${total}\\D*$`));
      await expect(page.getByRole('main').getByRole('group').getByRole('radio').nth(1)).toBeChecked();
      await page.getByRole('button', { name: 'Nästa' }).click();
      await expect(progress).toHaveText(new RegExp(`^\\D*4\\D+${total}\\D*$`));
    }
    const radios = page.getByRole('main').getByRole('group').getByRole('radio');
    const index = step % 4 === 0 ? (await radios.count()) - 1 : 1;
    await radios.nth(index).check();
    chosen.push((await page.locator('label.option').nth(index).innerText()).trim());
    await page.getByRole('button', { name: 'Nästa' }).click();
  }
  const rows = page.locator('ol.review > li .review-answer');
  await expect(rows).toHaveText(chosen);
  return chosen;
}

/** What the phone keeps in its outbox database, store by store. */
async function readOutbox(page: Page): Promise<{
  packages: unknown[];
  entries: { state: string; answers: Record<string, string> }[];
  receipts: unknown[];
  meta: { key: string }[];
}> {
  return page.evaluate(async () => {
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const req = indexedDB.open('stegvis-outbox');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const all = <T,>(store: string) =>
      new Promise<T[]>((resolve, reject) => {
        const req = db.transaction(store).objectStore(store).getAll();
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    return {
      packages: await all('packages'),
      entries: await all('entries'),
      receipts: await all('receipts'),
      meta: await all('meta'),
    };
  });
}

/** Presses Send on the review screen and waits for the thank-you screen. */
async function send(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Skicka svaren' }).click();
  await expect(page).toHaveURL(/\/svara\/tack$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Tack för dina svar!' })).toBeVisible();
}

/** A case manager's page on `server` (which may be a restarted one: logins come from `loginsFrom`). */
async function caseManager(context: BrowserContext, loginsFrom: StegvisServer): Promise<Page> {
  const staff = await context.newPage();
  const login = demoLogin(loginsFrom, 'case manager');
  await signIn(staff, login.email, login.password);
  return staff;
}

/** The participant's stored check-ins as their case manager sees them: the answers of each, in order. */
async function storedAnswers(staff: Page, code: string): Promise<string[][]> {
  await staff.goto(`/personal?visa=all&sok=${encodeURIComponent(code)}`);
  await staff.getByRole('link', { name: code, exact: true }).click();
  await expect(staff.getByRole('heading', { level: 1, name: `Deltagare ${code}` })).toBeVisible();
  const table = staff.getByRole('region', { name: 'Tabell över incheckningar' });
  const links = await table.getByRole('link', { name: /^Visa svar/ }).evaluateAll((as) =>
    as.map((a) => (a as HTMLAnchorElement).href),
  );
  const all: string[][] = [];
  for (const href of links) {
    await staff.goto(href);
    // Staff see "code – label" ("4 – Bra"); the phone showed the label.
    const cells = await staff.getByRole('region', { name: 'Svar' }).locator('tbody td').allInnerTexts();
    all.push(cells.map((cell) => cell.replace(/^\S+ – /, '')));
  }
  return all;
}

test.describe('a check-in without network', () => {
  test('answered, reloaded and sent offline, stored once when the network is back', async ({
    browser,
    server,
    staffPage,
  }) => {
    const { participant, context, page } = await newReadyPhone(browser, server);

    await context.setOffline(true);
    const chosen = await answerWithReload(page);
    await send(page);
    await expect(page.locator(STATUS)).toHaveText(WAITING);
    // Reloading (still offline) keeps saying so: never presented as sent.
    await page.reload();
    await expect(page.locator(STATUS)).toHaveText(WAITING);
    expect(await storedAnswers(staffPage, participant.participant)).toEqual([]);

    await context.setOffline(false);
    await expect(page.locator(STATUS)).toHaveText(SENT, { timeout: 20_000 });
    expect(await storedAnswers(staffPage, participant.participant)).toEqual([chosen]);

    // Opening the app again online: still one check-in, nothing waits.
    await page.goto('/svara');
    await expect(page.getByRole('heading', { level: 1, name: 'Du är klar för nu' })).toBeVisible();
    expect(await storedAnswers(staffPage, participant.participant)).toHaveLength(1);
    await context.close();
  });

  test('the same submit replayed ten times, and two replays racing, store one check-in', async ({
    browser,
    server,
    staffPage,
  }) => {
    const { participant, context, page } = await newReadyPhone(browser, server);
    const kept = await (await page.request.get('/api/check-in/package')).json();
    const pkg = kept.package;
    const answers = Object.fromEntries(
      pkg.languages[0].questions.map((q: { item_id: string; options: { value: string }[] }) => [
        q.item_id,
        q.options[0].value,
      ]),
    );
    const body = {
      submission_id: pkg.submission_id,
      participant: pkg.participant,
      occasion_kind: pkg.occasion_kind,
      occasion_number: pkg.occasion_number,
      instrument_version: pkg.instrument_version,
      language: 'sv',
      answers,
      answered_at: new Date().toISOString(),
    };
    const post = () => page.request.post('/api/check-in/send', { data: body });
    // Two first sends racing: both succeed, one of them stored it.
    const raced = await Promise.all([post(), post()]);
    expect(raced.map((r) => r.status())).toEqual([200, 200]);
    const storedNow = await Promise.all(raced.map(async (r) => (await r.json()).stored_now));
    expect(storedNow.filter(Boolean)).toHaveLength(1);
    for (let i = 0; i < 10; i++) {
      const again = await post();
      expect(again.status()).toBe(200);
      expect((await again.json()).stored_now).toBe(false);
    }
    expect(await storedAnswers(staffPage, participant.participant)).toHaveLength(1);
    await context.close();
  });

  test('a refused check-in stays on the phone, says so, and shows on the case manager page', async ({
    browser,
    server,
    staffPage,
  }) => {
    const { participant, context, page } = await newReadyPhone(browser, server);
    await context.setOffline(true);
    await page.getByRole('link', { name: 'Börja' }).click();
    await answerAllQuestions(page);
    await send(page);
    // The answers as the server will refuse them: an option the question does not have.
    await page.evaluate(async () => {
      const db: IDBDatabase = await new Promise((resolve, reject) => {
        const req = indexedDB.open('stegvis-outbox');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      const store = db.transaction('entries', 'readwrite').objectStore('entries');
      const entries: { answers: Record<string, string> }[] = await new Promise((resolve) => {
        const req = store.getAll();
        req.onsuccess = () => resolve(req.result);
      });
      const entry = entries[0];
      const first = Object.keys(entry.answers)[0];
      entry.answers[first] = '99';
      await new Promise((resolve) => {
        store.put(entry).onsuccess = resolve;
      });
    });
    await context.setOffline(false);
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Något gick fel med svaren' })).toBeVisible({
      timeout: 20_000,
    });
    await expect(page.getByText('Visa den här sidan för din handläggare.')).toBeVisible();
    const waiting = (await readOutbox(page)).entries.length;
    expect(waiting).toBe(1);
    await expectAccessible(page, 'a refused check-in on the phone');
    await staffPage.goto(`/personal?visa=all&sok=${encodeURIComponent(participant.participant)}`);
    await staffPage.getByRole('link', { name: participant.participant, exact: true }).click();
    await expect(staffPage.getByText(/Telefonen kunde inte skicka/)).toBeVisible();
    expect(await storedAnswers(staffPage, participant.participant)).toEqual([]);
    await context.close();
  });

  test('offline and waiting screens pass axe on a phone and a desktop', async ({ browser, server }) => {
    const context = await browser.newContext({ baseURL: server.baseURL, viewport: PHONE });
    // Nothing kept yet: the offline page says there is no internet.
    const fresh = await context.newPage();
    await fresh.goto('/');
    await fresh.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 });
    await context.setOffline(true);
    await fresh.goto('/svara');
    await expect(fresh.getByRole('heading', { level: 1, name: 'Du är utan internet nu' })).toBeVisible();
    await expectAccessible(fresh, 'offline with nothing kept');
    await context.setOffline(false);
    await fresh.close();

    const page = await readyPhone(context, takeAccessCode(server, 'intake'));
    await context.setOffline(true);
    // Opened from the home screen (the manifest's start address) with no network.
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1, name: 'Hej! Nu är det dags att svara' })).toBeVisible();
    await expectAccessible(page, 'the start screen offline');
    await page.getByRole('link', { name: 'Börja' }).click();
    await expectAccessible(page, 'a question offline');
    // "Lyssna" and the language choice work without network too.
    await expect(page.getByRole('button', { name: 'Lyssna' })).toBeVisible();
    const chooseLanguage = async (code: string) => {
      await page.locator('details.settings summary').click();
      await page.locator(`details.settings input[name="lang"][value="${code}"]`).check();
      await page.locator('details.settings button[type="submit"]').click();
    };
    await chooseLanguage('ar');
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
    await expect(page.locator('#progress')).toHaveText('السؤال 1 من 11');
    await expect(page.getByRole('button', { name: 'استمع' })).toBeVisible();
    await chooseLanguage('sv');
    await expect(page.locator('html')).toHaveAttribute('lang', 'sv');
    await expect(page.locator('#progress')).toHaveText('Fråga 1 av 11');
    await answerAllQuestions(page);
    await send(page);
    await expect(page.locator(STATUS)).toHaveText(WAITING);
    await expectAccessible(page, 'answers waiting on the phone');
    await context.close();
  });

  test('signing out on a shared phone keeps only answers waiting to be sent, for the same participant', async ({
    browser,
    server,
  }) => {
    const { participant, context, page } = await newReadyPhone(browser, server);
    await context.setOffline(true);
    await page.getByRole('link', { name: 'Börja' }).click();
    await answerAllQuestions(page);
    await send(page);
    await expect(page.locator(STATUS)).toHaveText(WAITING);
    // Back online, but the server cannot take the answers yet.
    await context.route('**/api/check-in/send', (route) => route.fulfill({ status: 503, body: 'busy' }));
    await context.setOffline(false);
    await page.goto('/');
    await expect(page.getByText('Dina svar finns kvar i telefonen tills vi har fått dem.')).toBeVisible();
    await page.getByRole('button', { name: 'Logga ut' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Skriv din pinkod' })).toBeVisible();
    const outbox = await readOutbox(page);
    const kept = {
      packages: outbox.packages.length,
      entries: outbox.entries.map((e) => e.state),
      receipts: outbox.receipts.length,
      meta: outbox.meta.map((m) => m.key).filter((k) => k === 'current'),
    };
    expect(kept).toEqual({ packages: 0, entries: ['queued'], receipts: 0, meta: [] });
    // Nobody signed in: nothing of the waiting answers is shown.
    await expect(page.locator(STATUS)).toHaveAttribute('data-kind', 'none');
    // The same participant back with the PIN: the answers are sent.
    await context.unroute('**/api/check-in/send');
    await enterPin(page);
    await expect(page.locator(STATUS)).toHaveText(SENT, { timeout: 20_000 });
    await context.close();
  });

  test('staff pages, exports and API answers are never cached', async ({ browser, server }) => {
    const context = await browser.newContext({ baseURL: server.baseURL });
    const page = await context.newPage();
    await page.goto('/');
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 });
    const login = demoLogin(server, 'evaluator');
    await signIn(page, login.email, login.password);
    const visited = ['/personal', '/utvardering', '/utvardering/export/ndi.csv', '/konto', '/logga-in'];
    for (const url of visited) {
      const res = await page.request.get(url);
      if (res.status() < 400) expect(res.headers()['cache-control'], url).toBe('no-store');
    }
    await page.goto('/utvardering');
    await page.goto('/konto');
    for (const url of ['/api/check-in/package', '/svara', '/personal']) {
      expect((await page.request.get(url)).headers()['cache-control'], url).toBe('no-store');
    }
    const sw = await page.request.get('/sw.js');
    expect(sw.status()).toBe(200);
    expect(sw.headers()['cache-control']).toBe('no-cache');
    const cached = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) {
        for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
      }
      return urls;
    });
    expect(cached).toContain('/participant.js');
    expect(cached).toContain('/offline');
    const personal = cached.filter((url) => /^\/(personal|admin|utvardering|konto|logga-in|api)/.test(url));
    expect(personal).toEqual([]);
    expect(cached.some((url) => url.endsWith('.wasm'))).toBe(false);
    await context.close();
  });
});

test.describe('a check-in across a crash and an update', () => {
  let own: OwnServer | undefined;
  let dataDir: string;

  test.beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'stegvis-e2e-own-'));
    own = await startServer({ dataDir });
  });

  test.afterEach(async () => {
    await own?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Answers offline on a phone of `own` and leaves the check-in waiting; returns the answers. */
  async function waitingCheckIn(context: BrowserContext, participant: DemoParticipant): Promise<{ page: Page; chosen: string[] }> {
    const page = await readyPhone(context, participant);
    await context.setOffline(true);
    await page.getByRole('link', { name: 'Börja' }).click();
    const chosen = await answerAllQuestions(page);
    await send(page);
    await expect(page.locator(STATUS)).toHaveText(WAITING);
    return { page, chosen };
  }

  test('the server killed while the phone sends, then restarted: stored once', async ({ browser }) => {
    const first = own!;
    const participant = takeAccessCode(first.server, 'intake');
    const context = await browser.newContext({ baseURL: first.server.baseURL, viewport: PHONE });
    const { page, chosen } = await waitingCheckIn(context, participant);

    // The server stores the check-in and dies before the phone hears back.
    let crashed = false;
    await context.route('**/api/check-in/send', async (route) => {
      if (crashed) return route.continue();
      crashed = true;
      const response = await route.fetch();
      expect(response.status()).toBe(200);
      await first.kill();
      await route.abort('connectionreset');
    });
    await context.setOffline(false);
    await expect.poll(() => crashed, { timeout: 20_000 }).toBe(true);
    await expect(page.locator(STATUS)).toHaveText(WAITING);
    own = await startServer({ port: first.port, dataDir });
    await expect(page.locator(STATUS)).toHaveText(SENT, { timeout: 30_000 });
    const staffContext = await browser.newContext({ baseURL: first.server.baseURL });
    const staff = await caseManager(staffContext, first.server);
    expect(await storedAnswers(staff, participant.participant)).toEqual([chosen]);
    await staffContext.close();
    await context.close();
  });

  test('a new version deployed while answers wait: they are sent once after the update', async ({ browser }) => {
    const first = own!;
    const participant = takeAccessCode(first.server, 'intake');
    const context = await browser.newContext({ baseURL: first.server.baseURL, viewport: PHONE });
    const { page, chosen } = await waitingCheckIn(context, participant);
    const before = await page.evaluate(() => caches.keys());

    // A new build: the same site with a changed participant script.
    await first.stop();
    const site = await mkdtemp(path.join(tmpdir(), 'stegvis-site-'));
    await cp(process.env.LEPTOS_SITE_ROOT!, site, { recursive: true });
    const script = path.join(site, 'participant.js');
    await writeFile(script, `${await readFile(script, 'utf8')}\n// the next release\n`);
    // Sends fail (the server answers 503) until the new version has taken over.
    await context.route('**/api/check-in/send', (route) => route.fulfill({ status: 503, body: 'busy' }));
    try {
      own = await startServer({ port: first.port, dataDir, siteRoot: site });
      await context.setOffline(false);
      await page.reload();
      // Answers wait, so the new version asks before it takes over.
      const update = page.getByRole('button', { name: 'Hämta den nya' });
      await expect(update).toBeVisible({ timeout: 20_000 });
      await expect(page.locator(STATUS)).toHaveText(WAITING);
      await update.click();
      await page.waitForFunction(
        (old) => caches.keys().then((keys) => keys.some((k) => k.startsWith('stegvis-static-') && !old.includes(k))),
        before,
        { timeout: 20_000 },
      );
      await expect(page.locator(STATUS)).toHaveText(WAITING);
      await context.unroute('**/api/check-in/send');
      await page.reload();
      await expect(page.locator(STATUS)).toHaveText(SENT, { timeout: 20_000 });
      const staffContext = await browser.newContext({ baseURL: first.server.baseURL });
      const staff = await caseManager(staffContext, first.server);
      expect(await storedAnswers(staff, participant.participant)).toEqual([chosen]);
      await staffContext.close();
    } finally {
      await context.close();
      await rm(site, { recursive: true, force: true });
    }
  });
});
