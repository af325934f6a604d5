/**
 * Installing Stegvis on a phone: Chromium itself must find nothing missing
 * for installation (manifest, icons, a start URL in scope, and whatever else
 * its installability check asks for, such as a service worker), and the
 * manifest must carry what the richer install dialogs show: an id, icons of
 * 192 and 512 pixels, a separate maskable icon, and screenshots for phones
 * (narrow) and large screens (wide), each served as the image it claims to be.
 */
import { chromium, type APIRequestContext } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CHROMIUM_ARGS } from '../playwright.config';
import { PHONE } from './axe';
import { test, expect } from './fixtures';

/** A manifest image entry, as in the file. */
interface ImageEntry {
  src: string;
  sizes?: string;
  type?: string;
  purpose?: string;
  form_factor?: string;
}

/** Width and height from a PNG's IHDR chunk (the first chunk, right after the signature). */
function pngSize(bytes: Buffer): { width: number; height: number } {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(bytes.subarray(0, 8).equals(signature), 'PNG signature').toBe(true);
  expect(bytes.toString('latin1', 12, 16), 'first chunk').toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** "192x192" as numbers. */
function declaredSize(sizes: string | undefined): { width: number; height: number } {
  const match = /^(\d+)x(\d+)$/.exec(sizes ?? '');
  expect(match, `sizes "${sizes}" is one WIDTHxHEIGHT`).not.toBeNull();
  return { width: Number(match![1]), height: Number(match![2]) };
}

/** Fetches an image the manifest names and checks its status, type and, for PNGs, its size. */
async function expectImage(request: APIRequestContext, entry: ImageEntry): Promise<{ width: number; height: number } | null> {
  const response = await request.get(entry.src);
  expect(response.status(), entry.src).toBe(200);
  const type = response.headers()['content-type'] ?? '';
  expect(type, `${entry.src} content type`).toMatch(/^image\//);
  if (entry.type) expect(type.split(';')[0], `${entry.src} content type`).toBe(entry.type);
  if (entry.sizes === 'any') return null;
  expect(type, `${entry.src} with sizes ${entry.sizes}`).toMatch(/^image\/png/);
  const actual = pngSize(await response.body());
  expect(actual, `${entry.src} is as large as declared`).toEqual(declaredSize(entry.sizes));
  return actual;
}

test('Chromium finds the app installable from the start page', async ({ server }) => {
  // Chromium never offers installation in an off-the-record profile, which is
  // what Playwright's browser contexts are; a persistent profile is not.
  const profile = await mkdtemp(path.join(tmpdir(), 'stegvis-install-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
    baseURL: server.baseURL,
    viewport: PHONE,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    const cdp = await page.context().newCDPSession(page);

    const manifest = await cdp.send('Page.getAppManifest');
    expect(manifest.url).toBe(`${server.baseURL}/manifest.webmanifest`);
    expect(manifest.errors, 'manifest parse errors').toEqual([]);

    // A service worker may still be starting when the page has loaded; the
    // check is asked again until it settles.
    await expect
      .poll(async () => (await cdp.send('Page.getInstallabilityErrors')).installabilityErrors, {
        message: 'Page.getInstallabilityErrors',
        timeout: 15_000,
      })
      .toEqual([]);
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
});

test('the manifest names an id, 192 and 512 pixel icons, a maskable icon and narrow and wide screenshots', async ({
  request,
}) => {
  const response = await request.get('/manifest.webmanifest');
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toMatch(/^application\/manifest\+json/);
  const manifest = await response.json();

  expect(manifest.id, 'id').toBe('/');
  expect(manifest.name).toBe('Stegvis');
  expect(manifest.description, 'description').toBeTruthy();
  expect(manifest.start_url).toBe('/');
  expect(manifest.display).toBe('standalone');

  const icons: ImageEntry[] = manifest.icons;
  const purposes = (icon: ImageEntry) => (icon.purpose ?? 'any').split(/\s+/);
  const plain = icons.filter((icon) => purposes(icon).includes('any'));
  const maskable = icons.filter((icon) => purposes(icon).includes('maskable'));
  for (const size of ['192x192', '512x512']) {
    expect(plain.map((icon) => icon.sizes), `an icon of ${size}`).toContain(size);
    expect(maskable.map((icon) => icon.sizes), `a maskable icon of ${size}`).toContain(size);
  }
  // A maskable icon is drawn for the mask (full-bleed, the picture inside the
  // safe zone); reusing the ordinary one would cut its corners off.
  const plainFiles = new Set(plain.map((icon) => icon.src));
  for (const icon of maskable) expect(plainFiles.has(icon.src), `${icon.src} is a separate file`).toBe(false);
  for (const icon of icons) await expectImage(request, icon);

  const screenshots: ImageEntry[] = manifest.screenshots ?? [];
  for (const formFactor of ['narrow', 'wide']) {
    const shots = screenshots.filter((shot) => shot.form_factor === formFactor);
    expect(shots.length, `screenshots for form_factor "${formFactor}"`).toBeGreaterThan(0);
    for (const shot of shots) {
      const { width, height } = (await expectImage(request, shot))!;
      // What Chromium accepts: 320 to 3840 pixels a side, at most 2.3 times as long as wide.
      expect(Math.min(width, height), `${shot.src} shorter side`).toBeGreaterThanOrEqual(320);
      expect(Math.max(width, height), `${shot.src} longer side`).toBeLessThanOrEqual(3840);
      expect(Math.max(width, height) / Math.min(width, height), `${shot.src} aspect`).toBeLessThanOrEqual(2.3);
      if (formFactor === 'wide') expect(width, `${shot.src} is wider than high`).toBeGreaterThan(height);
      else expect(height, `${shot.src} is higher than wide`).toBeGreaterThan(width);
    }
  }
});
