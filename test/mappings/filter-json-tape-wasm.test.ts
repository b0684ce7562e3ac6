/**
 * The committed WebAssembly scanner (src/mappings/filter/wasm/json-tape.wasm) is exactly what its AssemblyScript
 * source builds to, so nobody ships a binary that the source does not explain.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MAX_RECORD_BYTES } from '../../src/kinesis/model.js';
import { scanProjected } from '../../src/mappings/filter/json-scanner.js';
import { ProjectionNode } from '../../src/mappings/filter/projection.js';
import { jsonTapeMemory } from '../../src/mappings/filter/wasm/json-tape.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

describe('json-tape.wasm', () => {
  it('is the build of json-tape.as.ts with the flags of `npm run build:wasm`', async (t) => {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    // Another compiler version may emit other bytes for the same source: compare only with the pinned one.
    const pinned = pkg.devDependencies['assemblyscript'];
    const installed = (
      JSON.parse(
        await readFile(createRequire(import.meta.url).resolve('assemblyscript/package.json'), 'utf8'),
      ) as {
        version: string;
      }
    ).version;
    assert.match(pinned ?? '', /^\d+\.\d+\.\d+$/, 'assemblyscript is pinned to an exact version');
    if (installed !== pinned) {
      // CI installs from the lock file, so a mismatch there is a broken install, not a choice.
      assert.ok(!process.env['CI'], `assemblyscript ${installed} is installed, ${pinned} is pinned`);
      t.skip(`assemblyscript ${installed} is installed, not the pinned ${pinned}: the rebuild would differ`);
      return;
    }
    const command = pkg.scripts['build:wasm'] ?? '';
    const args = command.split(/\s+/);
    assert.equal(args[0], 'asc');
    const out = args.indexOf('-o');
    assert.ok(out > 0, command);
    const committed = join(root, args[out + 1] as string);
    const dir = await mkdtemp(join(tmpdir(), 'tributary-wasm-'));
    try {
      const built = join(dir, 'json-tape.wasm');
      args.splice(out + 1, 1, built);
      const asc = createRequire(import.meta.url).resolve('assemblyscript/bin/asc.js');
      await run(process.execPath, [asc, ...args.slice(1)], { cwd: root });
      assert.deepEqual(
        await readFile(built),
        await readFile(committed),
        'run `npm run build:wasm` and commit the result',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('json-tape memory', () => {
  it('never grows (which would detach an ArrayBuffer) for a maximal record and a large projection', () => {
    const before = jsonTapeMemory();
    // 5 patterns of 4096 characters name at most a few thousand keys.
    const projection = new ProjectionNode();
    for (let i = 0; i < 3000; i++) projection.child(`k${i}`).child('x');
    // The densest tape: a maximal record of one-digit numbers, every one projected (an entry per two bytes).
    const values = '1,'.repeat((MAX_RECORD_BYTES - 8) / 2 - 1);
    const doc = new TextEncoder().encode(`{"k1":[${values}1]}`);
    assert.ok(doc.length <= MAX_RECORD_BYTES);
    const out = scanProjected(doc, projection) as { slots: unknown[] };
    assert.equal((out.slots[1] as number[]).length, (MAX_RECORD_BYTES - 8) / 2);
    assert.equal(jsonTapeMemory(), before);
    assert.ok(before.byteLength > 0, 'detached');
  });
});
