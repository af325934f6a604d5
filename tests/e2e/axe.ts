/**
 * Accessibility check for the Stegvis end-to-end tests: axe-core, run at the
 * smallest phone, our design phone, that phone at 200 % zoom and a desktop,
 * because layout-dependent problems (contrast of a collapsed menu, targets
 * that overlap on small screens, content that only exists in one layout,
 * reflow at 200 % zoom) show at one width and not the other. One page load,
 * resized between the checks, keeps it fast.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import type { Result } from 'axe-core';

/** The narrowest phone we design for. */
export const PHONE = { width: 360, height: 740 } as const;
/** A common laptop screen. */
export const DESKTOP = { width: 1280, height: 800 } as const;
/** The smallest phone still in use (WCAG 1.4.10 reflow width). */
export const SMALL_PHONE = { width: 320, height: 568 } as const;
/** The 360 px phone at 200 % zoom: 180 CSS px wide. */
export const ZOOMED = { width: 180, height: 370 } as const;

/** WCAG 2.0 and 2.1, levels A and AA, plus axe's best practices. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

const VIEWPORTS = [
  { name: 'small phone', size: SMALL_PHONE },
  { name: 'phone', size: PHONE },
  { name: 'phone at 200 % zoom', size: ZOOMED },
  { name: 'desktop', size: DESKTOP },
] as const;

/** How many offending elements to name per rule; the rest are counted. */
const TARGETS_SHOWN = 3;

/**
 * Whether the page's scripts may run. Uses the HTML parser's scripting flag:
 * with scripting off, markup inside <noscript> is parsed into elements; with
 * it on, it stays raw text. (Synchronous, so it works in either state.)
 */
async function scriptingEnabled(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const probe = document.createElement('div');
    probe.innerHTML = '<noscript><p></p></noscript>';
    return probe.firstElementChild?.firstElementChild == null;
  });
}

/**
 * Lets the page settle after a resize or navigation: pending requests done,
 * web fonts loaded and two animation frames painted, so media queries and
 * layout have been applied before axe measures colours and sizes.
 */
async function settle(page: Page): Promise<void> {
  // networkidle can be hard to reach (e.g. a long poll); a page that is not
  // idle within 5 s is checked as it is rather than failing the test here.
  await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => {});
  await page.evaluate(async () => {
    await document.fonts?.ready;
  });
  await page.evaluate(
    () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
  );
}

/** One violation as a few readable lines. */
function describe(violation: Result): string {
  const targets = violation.nodes.slice(0, TARGETS_SHOWN).map((node) => JSON.stringify(node.target).slice(1, -1));
  const more = violation.nodes.length > TARGETS_SHOWN ? ` (+${violation.nodes.length - TARGETS_SHOWN} more)` : '';
  return [
    `  - ${violation.id} [${violation.impact ?? 'unknown impact'}]: ${violation.help}`,
    `      where: ${targets.join(', ')}${more}`,
    `      why:   ${violation.helpUrl}`,
  ].join('\n');
}

/**
 * Runs axe on the page as it is now at 320×568, 360×740, 180×370 (200 %
 * zoom) and 1280×800 and fails
 * the test with a list of every violation (rule id, impact, help, the first
 * offending elements) naming `label` and the viewport. The page's original
 * viewport is restored afterwards, also when the check fails.
 *
 * axe is a script, so the page must have JavaScript on; the JavaScript-off
 * flow is checked by its own tests.
 */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  await test.step(`accessibility: ${label}`, async () => {
    if (!(await scriptingEnabled(page))) {
      throw new Error(`expectAccessible("${label}") needs a page with JavaScript on.`);
    }
    const original = page.viewportSize();
    const report: string[] = [];
    let count = 0;
    try {
      for (const viewport of VIEWPORTS) {
        await page.setViewportSize(viewport.size);
        await settle(page);
        const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
        if (results.violations.length > 0) {
          count += results.violations.length;
          report.push(
            `${viewport.name} ${viewport.size.width}×${viewport.size.height} (${page.url()}):`,
            ...results.violations.map(describe),
          );
        }
      }
    } finally {
      // A context created with `viewport: null` has no size to restore.
      if (original) await page.setViewportSize(original);
    }
    expect(count, `Accessibility violations on "${label}":\n${report.join('\n')}\n`).toBe(0);
  });
}
