#!/usr/bin/env node
// Benchmark runner: `npm run bench` runs every bench/*.ts in turn; `npm run bench -- kinesis filter` runs only
// those (matched by file name without `.ts`, or a prefix of it). Each script runs in its own Node process with tsx,
// its output passed through. Benchmark-only dependencies (kinesalite) live in bench/package.json and are installed
// here, on first use, so `npm ci` at the root never pulls them in.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = dirname(benchDir);

function ensureBenchDeps() {
  if (existsSync(join(benchDir, 'node_modules'))) return;
  const hasLock = existsSync(join(benchDir, 'package-lock.json'));
  const args = [hasLock ? 'ci' : 'install', '--prefix', benchDir, '--no-audit', '--no-fund'];
  console.log(`# installing benchmark dependencies: npm ${args.join(' ')}`);
  const r = spawnSync('npm', args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`# npm ${args[0]} for bench/ failed (status ${r.status})`);
    process.exit(r.status ?? 1);
  }
}

const all = readdirSync(benchDir)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('_'))
  .sort()
  .map((f) => basename(f, '.ts'));

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const selected =
  wanted.length === 0 ? all : all.filter((name) => wanted.some((w) => name === w || name.startsWith(w)));
const unknown = wanted.filter((w) => !all.some((name) => name === w || name.startsWith(w)));
if (unknown.length > 0) {
  console.error(`# no benchmark matches: ${unknown.join(', ')} (available: ${all.join(', ') || 'none'})`);
  process.exit(2);
}
if (selected.length === 0) {
  console.error('# no benchmarks found in bench/');
  process.exit(2);
}

ensureBenchDeps();

const failed = [];
for (const name of selected) {
  console.log(`\n# ==== bench/${name}.ts ====`);
  const started = Date.now();
  // The same 64 MB young generation `npm start` and bin/tributary.js give the server.
  const r = spawnSync(
    process.execPath,
    ['--max-semi-space-size=64', '--import', 'tsx', join(benchDir, `${name}.ts`)],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  const ok = r.status === 0;
  console.log(
    `# ==== bench/${name}.ts ${ok ? 'done' : `FAILED (status ${r.status ?? r.signal})`} in ${secs}s ====`,
  );
  if (!ok) failed.push(name);
}

if (failed.length > 0) {
  console.error(`\n# failed: ${failed.join(', ')}`);
  process.exit(1);
}
