/**
 * Staff pages whose parts wait for data hydrate every time they load. A list
 * made inside a part of a page that waits (drawn only once an access check
 * or the participant's data has arrived) could be made twice on the server,
 * once in a pass that is thrown away; the browser's numbering of the page's
 * data then no longer matched and hydration failed on some loads and not on
 * others. The pages are loaded again and again: every load must hydrate,
 * without a panic.
 */
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { signInAs } from './helpers';

const LOADS = 12;

/** Loads `path` again and again; each load must hydrate with no page error. */
async function hydratesEveryTime(page: Page, path: string): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // A panic in the bundle is printed to the console before it is thrown.
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('panicked')) errors.push(message.text());
  });
  for (let load = 1; load <= LOADS; load++) {
    await page.goto(path);
    await expect(page.locator('body[data-hydrated="true"]'), `${path}, load ${load}: ${errors.join(' | ')}`).toHaveCount(1, {
      timeout: 15_000,
    });
  }
  expect(errors, path).toEqual([]);
}

test('the administration page hydrates on every load', async ({ page, server }) => {
  test.setTimeout(120_000);
  await signInAs(page, server, 'admin');
  await hydratesEveryTime(page, '/admin');
  await expect(page.getByRole('region', { name: 'Tabell över språk för deltagare' })).toBeVisible();
});

test('a participant page hydrates on every load', async ({ staffPage }) => {
  test.setTimeout(120_000);
  await staffPage.goto('/personal?sortera=last');
  const first = staffPage.getByRole('table').getByRole('rowheader').first().getByRole('link');
  const href = await first.getAttribute('href');
  expect(href).toMatch(/^\/personal\/deltagare\/[^/]+$/);
  await hydratesEveryTime(staffPage, href!);
  await expect(staffPage.getByRole('heading', { level: 2, name: 'Samtycke och radering' })).toBeVisible();
});
