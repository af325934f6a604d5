/**
 * Steps shared by the end-to-end specs: reading the demo data the server
 * printed, and answering the check-in the way a participant does.
 */
import type { Page } from '@playwright/test';
import { expect, type StegvisServer } from './fixtures';
import { stripAnsi } from './fixtures';

/** The participant code the server printed next to a check-in link. */
export function participantCode(server: StegvisServer, link: string): string {
  const token = new URL(link).pathname.split('/').pop();
  const line = stripAnsi(server.output())
    .split('\n')
    .find((l) => token && l.includes(`/c/${token}`));
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

/** The answers the walk-through gives, by question position (option labels). */
export const ANSWERS = ['Bra', '10 till 19 timmar', 'Vill inte svara'];

/**
 * Answers every question screen from the current one until the review screen,
 * by keyboard or mouse. Runs `onScreen` on each question first (e.g. axe).
 */
export async function answerAllQuestions(
  page: Page,
  opts: { keyboard?: boolean; onScreen?: (step: number) => Promise<void> } = {},
): Promise<void> {
  for (let step = 1; step <= ANSWERS.length; step++) {
    await expect(page.getByText(`Fråga ${step} av ${ANSWERS.length}`)).toBeVisible();
    const group = page.getByRole('group');
    await expect(group).toBeVisible();
    await opts.onScreen?.(step);
    const option = page.getByRole('radio', { name: ANSWERS[step - 1], exact: true });
    if (opts.keyboard) {
      await option.focus();
      await page.keyboard.press('Space');
      await expect(option).toBeChecked();
      await page.getByRole('button', { name: 'Nästa' }).focus();
      await page.keyboard.press('Enter');
    } else {
      await option.check();
      await page.getByRole('button', { name: 'Nästa' }).click();
    }
  }
  await expect(page.getByRole('heading', { level: 1, name: 'Dina svar' })).toBeVisible();
}

/** The rows of the received check-ins page for one participant code. */
export async function storedRowsFor(page: Page, code: string): Promise<number> {
  await page.goto('/incheckningar');
  await expect(page.getByRole('heading', { level: 1, name: 'Inkomna svar' })).toBeVisible();
  return page.getByRole('row').filter({ hasText: code }).count();
}
