/**
 * Steps shared by the end-to-end specs: reading the demo data the server
 * printed, and answering a check-in the way a participant does.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, stripAnsi, type StegvisServer } from './fixtures';

export type OpenOccasion = 'intake' | 'follow-up' | 'exit';

const taken = new Set<string>();

/**
 * A demo participant's check-in link whose `kind` occasion is open today, not
 * handed to any earlier test of this worker (tests change their data).
 */
export function takeLink(server: StegvisServer, kind: OpenOccasion = 'intake'): string {
  const pattern = new RegExp(`\\s${kind} check-in link: (https?://\\S+)`);
  for (const line of stripAnsi(server.output()).split('\n')) {
    const match = pattern.exec(line);
    if (!match) continue;
    const url = new URL(match[1]);
    const link = server.baseURL + url.pathname;
    if (!taken.has(link)) {
      taken.add(link);
      return link;
    }
  }
  throw new Error(`no unused demo participant with an open ${kind} check-in`);
}

/** The participant code the server printed next to a check-in link. */
export function participantCode(server: StegvisServer, link: string): string {
  const token = tokenOf(link);
  const line = stripAnsi(server.output())
    .split('\n')
    .find((l) => l.includes(`/c/${token}`));
  const code = line?.trim().split(/\s+/)[0];
  if (!code) throw new Error(`no participant code printed for ${link}`);
  return code;
}

/** The token part of a check-in link. */
export function tokenOf(link: string): string {
  return new URL(link).pathname.split('/')[2];
}

/** Waits until the WASM has taken over the server-rendered page. */
export async function waitForHydration(page: Page): Promise<void> {
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
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

/** The rows of the received check-ins page for one participant code. */
export async function storedRowsFor(page: Page, code: string): Promise<number> {
  await page.goto('/incheckningar');
  await expect(page.getByRole('heading', { level: 1, name: 'Inkomna svar' })).toBeVisible();
  return page.getByRole('row').filter({ hasText: code }).count();
}
