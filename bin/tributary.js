#!/usr/bin/env -S node --max-semi-space-size=64
// A 64 MB young generation: a 10000-record GetRecords builds ~3 MB of short-lived objects (bench/RESULTS.md).
// Runs the compiled server in dist/ when it is current with src/ (`npm run build`; `npm start` builds it first),
// which starts in about half the time; otherwise the TypeScript sources through tsx, so a checkout works without a
// build and a change to src/ is never run stale. The check is a stat per source file, a few ms
// (scripts/dist-state.mjs; bench/startup.ts measures both paths).
import { fileURLToPath } from 'node:url';
import { distState } from '../scripts/dist-state.mjs';

if (distState(fileURLToPath(new URL('..', import.meta.url))).fresh) {
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
