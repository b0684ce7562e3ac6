#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's test runner (2 files at a time).
// Node 20's `node --test` does not expand glob patterns (that came in Node 21), so we list the files here.
// Usage: node scripts/test.mjs [test files or dirs...] [-- extra node --test flags, e.g. --test-name-pattern=x]
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function collect(dir, out) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) collect(p, out);
    else if (e.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const args = process.argv.slice(2);
const flags = args.filter((a) => a.startsWith('-'));
const targets = args.filter((a) => !a.startsWith('-'));
const files = (targets.length > 0 ? targets : [join(root, 'test')])
  .flatMap((t) => (statSync(t).isDirectory() ? collect(t, []) : [t]))
  .map((f) => relative(process.cwd(), f) || f)
  .sort();

if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}

// TAP when not on a terminal (CI, pipes): its closing `# pass N` / `# fail N` lines are what CI reads.
const reporter = process.stdout.isTTY && !process.env.CI ? [] : ['--test-reporter=tap'];
// A test (or suite) that hangs fails after 10 minutes instead of holding CI until the job is killed: the longest
// file takes well under a minute on a quiet machine and a few under heavy load. A caller's own --test-timeout wins.
const timeout = flags.some((f) => f.startsWith('--test-timeout')) ? [] : ['--test-timeout=600000'];
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', ...reporter, ...timeout, ...flags, ...files],
  { stdio: 'inherit' },
);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
