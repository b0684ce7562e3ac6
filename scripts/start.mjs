#!/usr/bin/env node
// @ts-check
// `npm start [-- flags]`: builds dist/ when it is missing or older than src/ (scripts/build.mjs; about 10 s, once
// after each change), then starts the compiled server through bin/tributary.js, which runs dist/ once it is current.
// A checkout that cannot be built still starts, from the sources through tsx. The build's output goes to stderr:
// stdout carries the server's ready line, which scripts wait for.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { distState } from './dist-state.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const state = distState(root);
if (!state.fresh) {
  process.stderr.write(`tributary: building dist/ (${state.reason})...\n`);
  const started = Date.now();
  const r = spawnSync(process.execPath, [fileURLToPath(new URL('build.mjs', import.meta.url))], {
    cwd: root,
    stdio: ['ignore', 2, 2],
    env: { ...process.env, TRIBUTARY_BUILD_OUTPUT: 'stderr' },
  });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (distState(root).fresh) process.stderr.write(`tributary: built dist/ in ${secs} s\n`);
  else
    process.stderr.write(
      `tributary: building dist/ failed (exit code ${r.status ?? r.signal}); starting from src/ through tsx\n`,
    );
}
await import('../bin/tributary.js');
