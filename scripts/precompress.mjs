/**
 * Writes `FILE.br` (brotli, quality 11) and `FILE.gz` (gzip -9) next to every
 * compressible file under a directory, for the server to send as they are
 * (ServeDir's precompressed mode) instead of compressing each request at a
 * low, fast level. Node's own zlib, so nothing extra to install.
 *
 *   node scripts/precompress.mjs "$SITE_ROOT"
 *
 * A compressed file newer than its source is kept (rebuilds stay quick); one
 * that would not be smaller than its source is not written (and an old one is
 * removed), so the plain file is sent instead.
 */
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** Text and WebAssembly compress well; images and fonts already are compressed. */
const COMPRESSIBLE = new Set(['.wasm', '.js', '.mjs', '.css', '.svg', '.webmanifest', '.json', '.html', '.txt']);

const ENCODINGS = [
  {
    suffix: '.br',
    compress: (data, text) =>
      brotliCompressSync(data, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_LGWIN]: constants.BROTLI_MAX_WINDOW_BITS,
          [constants.BROTLI_PARAM_MODE]: text ? constants.BROTLI_MODE_TEXT : constants.BROTLI_MODE_GENERIC,
          [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
        },
      }),
  },
  { suffix: '.gz', compress: (data) => gzipSync(data, { level: constants.Z_BEST_COMPRESSION }) },
];

/** Every file under `dir`, recursively. */
async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (entry.isFile()) yield full;
  }
}

/** The file's modification time in ms, or undefined when it does not exist. */
async function mtime(file) {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return undefined;
  }
}

const root = process.argv[2];
if (!root) {
  console.error('usage: node scripts/precompress.mjs DIRECTORY');
  process.exit(2);
}

let written = 0;
let plainBytes = 0;
let brBytes = 0;
for await (const file of files(root)) {
  const ext = path.extname(file);
  if (!COMPRESSIBLE.has(ext)) continue;
  const sourceTime = await mtime(file);
  let data;
  for (const { suffix, compress } of ENCODINGS) {
    const target = file + suffix;
    const targetTime = await mtime(target);
    if (targetTime !== undefined && targetTime >= sourceTime) {
      if (suffix === '.br') brBytes += (await stat(target)).size;
      continue;
    }
    data ??= await readFile(file);
    const packed = compress(data, ext !== '.wasm');
    if (packed.length < data.length) {
      await writeFile(target, packed);
      written++;
      if (suffix === '.br') brBytes += packed.length;
    } else {
      await rm(target, { force: true });
      if (suffix === '.br') brBytes += data.length;
    }
  }
  plainBytes += (await stat(file)).size;
}
console.log(
  `Precompressed: ${written} files written; compressible files ${(plainBytes / 1024).toFixed(1)} KiB, as brotli ${(brBytes / 1024).toFixed(1)} KiB`,
);
