#!/usr/bin/env node
// @ts-check
// `npm run build`: compiles src/ into dist/ (tsc -p tsconfig.build.json, which also emits the runtime's .mjs
// files), copies the filter's WebAssembly module, the Python runtime client and the web console (src/console/), and
// stamps dist/ with the time the build started, which is how bin/tributary.js and `npm start` tell a current dist/
// from a stale one (scripts/dist-state.mjs). A source changed while the build runs is newer than the stamp, so that
// build counts as stale.
// Exit code: tsc's (1: nothing emitted; 2: type errors, JavaScript emitted and stamped anyway, as tsx would run it).
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STAMP } from './dist-state.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const startedAt = Date.now();
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
// tsc reports on stdout; `npm start` keeps its stdout for the server, so it passes its stderr here instead.
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
  cwd: root,
  stdio: ['ignore', process.env.TRIBUTARY_BUILD_OUTPUT === 'stderr' ? 2 : 1, 2],
});
const code = r.status ?? 1;
if (code === 0 || code === 2) {
  const wasm = 'mappings/filter/wasm';
  mkdirSync(join(root, 'dist', wasm), { recursive: true });
  copyFileSync(join(root, 'src', wasm, 'json-tape.wasm'), join(root, 'dist', wasm, 'json-tape.wasm'));
  // The python3.* runtimes' client is Python, which tsc does not emit.
  copyFileSync(join(root, 'src/runtime/python-bootstrap.py'), join(root, 'dist/runtime/python-bootstrap.py'));
  // The web console's browser modules and stylesheet, served as they are (tsc leaves them out: see tsconfig.json).
  cpSync(join(root, 'src', 'console'), join(root, 'dist', 'console'), { recursive: true });
  writeFileSync(join(root, 'dist', STAMP), `${JSON.stringify({ startedAt, typeErrors: code === 2 })}\n`);
}
process.exit(code);
