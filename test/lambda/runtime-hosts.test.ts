import { strict as assert } from 'node:assert';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RuntimeHosts } from '../../src/runtime/runtime-hosts.js';
import { RUNTIME_FAMILIES } from '../../src/runtime/spawn-spec.js';
import { tempDir } from '../harness/helpers.js';

/** A fake interpreter: answers the version probe with `version` and its own path, whatever it is asked. */
function fakeInterpreter(dir: string, name: string, version: string): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\necho "${version} ${file}"\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('RuntimeHosts: which interpreter runs each runtime label, honestly', () => {
  it('runs a label on its own version (named, then on PATH), else on the nearest one and says so', async () => {
    const dir = tempDir();
    const py312 = fakeInterpreter(dir, 'python3.12', '3.12.4');
    fakeInterpreter(dir, 'python3', '3.10.2');
    const node22 = fakeInterpreter(dir, 'node22', 'v22.1.0');
    // A shim that does not run (pyenv's for a version it has not selected): not available.
    writeFileSync(join(dir, 'python3.13'), '#!/bin/sh\nexit 127\n');
    chmodSync(join(dir, 'python3.13'), 0o755);
    const named = fakeInterpreter(tempDir(), 'py', '3.11.0');
    const hosts = new RuntimeHosts({
      runtimes: RUNTIME_FAMILIES,
      runtimePaths: { 'python3.11': named },
      nodePath: process.execPath,
      nodeVersion: 'v20.5.0',
      pathEnv: dir,
    });
    const host = async (r: string): Promise<unknown> => {
      const h = await hosts.get(r);
      return { command: h?.command, version: h?.version, exact: h?.exact, note: h?.note };
    };
    assert.deepEqual(await host('python3.12'), {
      command: py312,
      version: '3.12.4',
      exact: true,
      note: undefined,
    });
    assert.deepEqual(await host('python3.11'), {
      command: named,
      version: '3.11.0',
      exact: true,
      note: undefined,
    });
    assert.deepEqual(await host('python3.13'), {
      command: py312,
      version: '3.12.4',
      exact: false,
      note: 'python3.13 runs on Python 3.12.4 on this machine',
    });
    assert.equal((await hosts.get('python3.9'))?.note, 'python3.9 runs on Python 3.10.2 on this machine');
    assert.deepEqual(await host('nodejs22.x'), {
      command: node22,
      version: 'v22.1.0',
      exact: true,
      note: undefined,
    });
    assert.equal((await hosts.get('nodejs24.x'))?.note, 'nodejs24.x runs on Node v22.1.0 on this machine');
    assert.equal((await hosts.get('nodejs18.x'))?.note, 'nodejs18.x runs on Node v20.5.0 on this machine');
    // The default Node.js (the one spares run) is no interpreter of its own; another one is.
    assert.equal(hosts.interpreter('nodejs20.x'), undefined);
    assert.equal(hosts.interpreter('nodejs18.x'), undefined);
    assert.equal(hosts.interpreter('nodejs22.x'), node22);
    assert.equal(hosts.interpreter('provided.al2023'), undefined);
    assert.equal((await hosts.get('provided.al2023'))?.note, undefined);
  });

  it('a machine without Python says so for every python label', async () => {
    const hosts = new RuntimeHosts({
      runtimes: RUNTIME_FAMILIES,
      runtimePaths: {},
      nodePath: process.execPath,
      nodeVersion: process.version,
      pathEnv: tempDir(),
    });
    assert.equal(
      (await hosts.get('python3.12'))?.note,
      'python3.12 has no Python interpreter on this machine',
    );
  });
});
