/**
 * Makes the install images in public/ that the web app manifest names, with
 * Debian's Chromium, so no image tool is needed. The PNGs are committed; run
 * this only after changing an icon's SVG or the look of the question screen.
 *
 *   node tests/tools/make-images.mjs            # icons only
 *   STEGVIS_URL=http://127.0.0.1:3000 STEGVIS_ACCESS_CODE=ABCD-EFGH \
 *     node tests/tools/make-images.mjs          # icons and screenshots
 *
 * Icons: public/icons/icon.svg (rounded, transparent corners) as icon-192/512,
 * public/icons/maskable.svg (full-bleed background, the steps inside the
 * central 80 % circle that every mask shape keeps) as maskable-192/512.
 *
 * Screenshots: the first question of a check-in on a running demo server
 * (scripts/run-demo.sh prints the access codes; one is used up), at phone size
 * for `form_factor: "narrow"` and laptop size for `"wide"`. Install dialogs
 * download them, so they are kept small: one device pixel per CSS pixel.
 *
 * Chromium writes PNGs quickly rather than small; each is written again
 * losslessly (see `smallerPng`), which takes a fifth to a quarter off.
 */
import { createRequire } from 'node:module';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, deflateSync, inflateSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const { chromium } = require('@playwright/test');
const { CHROMIUM_ARGS } = require('../playwright.config.ts');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const pub = path.join(root, 'public');

const ICONS = [
  { svg: 'icons/icon.svg', png: 'icons/icon-192.png', size: 192 },
  { svg: 'icons/icon.svg', png: 'icons/icon-512.png', size: 512 },
  { svg: 'icons/maskable.svg', png: 'icons/maskable-192.png', size: 192 },
  { svg: 'icons/maskable.svg', png: 'icons/maskable-512.png', size: 512 },
];

const SCREENSHOTS = [
  { png: 'screenshots/narrow.png', viewport: { width: 360, height: 740 } },
  { png: 'screenshots/wide.png', viewport: { width: 1280, height: 800 } },
];

/** CRC-32 as PNG chunks use it (zlib.crc32 needs Node 20.15). */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * The same image as a smaller PNG: the rows unfiltered and deflated at the
 * highest level with no row filter, which suits flat screen images best.
 * Only 8-bit, non-interlaced RGB or RGBA (what Chromium writes); anything
 * else, or a result that is not smaller, is returned as it came.
 */
function smallerPng(png) {
  const chunks = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    chunks.push({ type: png.toString('latin1', at + 4, at + 8), data: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  const header = chunks[0].data;
  const [width, height, depth, colour, interlace] = [
    header.readUInt32BE(0),
    header.readUInt32BE(4),
    header[8],
    header[9],
    header[12],
  ];
  if (depth !== 8 || interlace !== 0 || (colour !== 2 && colour !== 6)) return png;
  const bpp = colour === 2 ? 3 : 4;
  const stride = width * bpp;
  const filtered = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  const plain = Buffer.alloc(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const filter = filtered[y * (stride + 1)];
    const row = y * (stride + 1) + 1;
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? plain[row + i - bpp] : 0;
      const b = y > 0 ? plain[row + i - stride - 1] : 0;
      const c = i >= bpp && y > 0 ? plain[row + i - bpp - stride - 1] : 0;
      const paeth = () => {
        const [pa, pb, pc] = [Math.abs(b - c), Math.abs(a - c), Math.abs(a + b - 2 * c)];
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      };
      const predicted = [0, a, b, (a + b) >> 1, filter === 4 ? paeth() : 0][filter];
      plain[row + i] = (filtered[row + i] + predicted) & 0xff;
    }
  }
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    data.copy(out, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const packed = deflateSync(plain, { level: constants.Z_BEST_COMPRESSION, memLevel: 9 });
  const smaller = Buffer.concat([
    png.subarray(0, 8),
    chunk('IHDR', header),
    chunk('IDAT', packed),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return smaller.length < png.length ? smaller : png;
}

/** Writes a screenshot's PNG bytes, made smaller first. */
async function writePng(file, png) {
  await writeFile(file, smallerPng(png));
  console.log(`wrote ${path.relative(root, file)}`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: CHROMIUM_ARGS,
});
try {
  for (const icon of ICONS) {
    const page = await browser.newPage({ viewport: { width: icon.size, height: icon.size } });
    const svg = await readFile(path.join(pub, icon.svg), 'utf8');
    await page.setContent(
      `<style>html,body{margin:0;background:transparent}svg{display:block;width:${icon.size}px;height:${icon.size}px}</style>${svg}`,
    );
    await writePng(path.join(pub, icon.png), await page.screenshot({ omitBackground: true }));
    await page.close();
  }

  const base = process.env.STEGVIS_URL;
  const code = process.env.STEGVIS_ACCESS_CODE;
  if (base && code) {
    const context = await browser.newContext({ baseURL: base, viewport: SCREENSHOTS[0].viewport });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByLabel('Kod', { exact: true }).fill(code);
    await page.getByRole('button', { name: 'Gå vidare' }).click();
    await page.getByLabel('Pinkod', { exact: true }).fill('2580');
    await page.getByLabel('Skriv samma kod igen').fill('2580');
    await page.getByRole('button', { name: 'Gå vidare' }).click();
    await page.waitForURL(/\/svara$/);
    await page.goto('/svara/fraga/1');
    await page.getByRole('radio').first().waitFor();
    await mkdir(path.join(pub, 'screenshots'), { recursive: true });
    for (const shot of SCREENSHOTS) {
      await page.setViewportSize(shot.viewport);
      await writePng(path.join(pub, shot.png), await page.screenshot());
    }
    await context.close();
  } else {
    console.log('screenshots left as they are (set STEGVIS_URL and STEGVIS_ACCESS_CODE to retake them)');
  }
} finally {
  await browser.close();
}
