// @ts-check
// Whether dist/ (the compiled server, `npm run build`) is current with src/: the choice bin/tributary.js and
// `npm start` make at every start, so it must be cheap (one stat per file and directory of src/, a few ms).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Written by scripts/build.mjs into dist/ once a build is complete. */
export const STAMP = '.build-stamp.json';

/** What the build reads besides src/: a change there makes dist/ stale too. */
const CONFIG = ['tsconfig.json', 'tsconfig.build.json'];

/**
 * The newest modification time (ms) under `dir`, directories included: adding, removing or renaming a file
 * changes its directory's time, so a deleted source also makes dist/ stale. 0 when `dir` does not exist.
 * @param {string} dir
 * @returns {number}
 */
function newestUnder(dir) {
  let newest;
  let entries;
  try {
    newest = statSync(dir).mtimeMs;
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    const t = e.isDirectory() ? newestUnder(p) : (statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    if (t > newest) newest = t;
  }
  return newest;
}

/**
 * `{ fresh, reason }` for the package at `root`: fresh when dist/ holds a complete build (its stamp) that started
 * after the last change to src/ and the TypeScript configuration. Without src/ (a package of dist/ alone), a
 * complete dist/ is fresh.
 * @param {string} root
 * @returns {{ fresh: boolean, reason: string }}
 */
export function distState(root) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(root, 'dist', STAMP), 'utf8'));
  } catch {
    return { fresh: false, reason: 'dist/ has not been built' };
  }
  if (typeof stamp?.startedAt !== 'number') return { fresh: false, reason: 'dist/ has not been built' };
  let newest = newestUnder(join(root, 'src'));
  for (const f of CONFIG)
    newest = Math.max(newest, statSync(join(root, f), { throwIfNoEntry: false })?.mtimeMs ?? 0);
  return newest > stamp.startedAt
    ? { fresh: false, reason: 'src/ changed since dist/ was built' }
    : { fresh: true, reason: 'dist/ is current' };
}
