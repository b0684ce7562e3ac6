import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { PublishLayerVersionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { App } from '../../src/app/app.js';
import { skipReason, waitFor } from '../harness/helpers.js';
import { hooks } from '../harness/hooks.js';
import { createPythonFunction, decode, invokeFunction, makeZip } from './lambda-helpers.js';
import { python3Missing, withPythonServer } from './python-helpers.js';

const skip = skipReason(python3Missing());

/** Where the machine's dynamic loader finds `name` (a shared library to put in a zip's lib/). */
function sharedLibrary(name: string): string {
  const line = execFileSync('ldconfig', ['-p'])
    .toString()
    .split('\n')
    .find((l) => l.trim().startsWith(`${name} `));
  const path = line?.split(' => ')[1]?.trim();
  if (path === undefined) throw new Error(`ldconfig -p lists no ${name}`);
  return path;
}

describe('Python functions: pre-started runtimes (spares)', { skip }, () => {
  let app: App;
  let c: LambdaClient;
  withPythonServer((a, client) => {
    app = a;
    c = client;
  });

  it('a new Python function adopts a pre-started Python runtime (its environment, TZ, task root, layers); lib/ or PYTHON* settings get their own process; a spare killed -9 fails nothing', async () => {
    const probe = `import ctypes, os, sys, time
def lambda_handler(e, c):
    lib = None
    if os.path.isdir("lib"):
        lib = ctypes.CDLL("libtribz.so").zlibVersion
        lib.restype = ctypes.c_char_p
        lib = lib().decode()
    return {"pid": os.getpid(), "mine": os.environ.get("MINE"), "cwd": os.getcwd(), "path0": sys.path[0],
            "tz": time.strftime("%z"), "lib": lib,
            "env": sorted(k for k in os.environ if k not in ("MINE", "TZ", "_X_AMZN_TRACE_ID"))}
`;
    type Probe = {
      pid: number;
      mine: string | null;
      cwd: string;
      path0: string;
      tz: string;
      lib: string | null;
      env: string[];
    };
    const bootedSpares = async (): Promise<Set<number | undefined>> => {
      // A cold start asks for a spare of its kind (this interpreter, 256 MB); wait for it to boot.
      await waitFor(
        () =>
          hooks(app)
            .fleet.spares()
            .some((s) => s.memorySize === 256 && s.booted),
        10_000,
        'a booted Python spare',
      );
      return new Set(
        hooks(app)
          .fleet.spares()
          .map((s) => s.pid),
      );
    };
    // With every slot of the fleet taken, a worker starting for a function that cannot adopt ends a spare to make
    // room: a new function that can adopt one asks for the next.
    const spareWanted = async (name: string): Promise<Set<number | undefined>> => {
      await createPythonFunction(c, name, probe, { MemorySize: 256 });
      assert.equal((await invokeFunction(c, name, undefined, true)).FunctionError, undefined);
      return bootedSpares();
    };
    await createPythonFunction(c, 'py-spare-1', probe, { MemorySize: 256 });
    const first = decode((await invokeFunction(c, 'py-spare-1', undefined, true)).Payload) as Probe;
    let spares = await bootedSpares();
    await createPythonFunction(c, 'py-spare-2', probe, {
      MemorySize: 256,
      Environment: { Variables: { MINE: 'second', TZ: 'Asia/Tokyo' } },
    });
    const second = decode((await invokeFunction(c, 'py-spare-2', undefined, true)).Payload) as Probe;
    assert.ok(spares.has(second.pid), 'the second function runs in the spare');
    assert.equal(second.mine, 'second');
    assert.equal(first.tz, '+0000');
    assert.equal(second.tz, '+0900', 'the function TZ applies in an adopted spare');
    assert.equal(second.cwd, second.path0);
    assert.match(second.cwd, /py-spare-2/);
    assert.ok(!second.env.includes('TRIBUTARY_SPARE'));
    assert.deepEqual(second.env, first.env);

    // Layers: PYTHONPATH, which the interpreter read at its start, is applied by the adopted spare itself.
    spares = await bootedSpares();
    const layer = await c.send(
      new PublishLayerVersionCommand({
        LayerName: 'py-spare-layer',
        Content: {
          ZipFile: await makeZip({
            'python/lib/python3.11/site-packages/deep.py': 'NAME = "deep"\n',
            'python/shallow.py': 'NAME = "shallow"\n',
          }),
        },
      }),
    );
    await createPythonFunction(
      c,
      'py-spare-layered',
      'import os, sys, deep, shallow\ndef lambda_handler(e, c):\n    return [os.getpid(), deep.NAME, shallow.NAME, sys.path[:3]]\n',
      { MemorySize: 256, Layers: [layer.LayerVersionArn!] },
    );
    const [pid, deep, shallow, path] = decode(
      (await invokeFunction(c, 'py-spare-layered', undefined, true)).Payload,
    ) as [number, string, string, string[]];
    assert.ok(spares.has(pid), 'a function with layers adopts the spare');
    assert.deepEqual([deep, shallow], ['deep', 'shallow']);
    assert.match(path[0]!, /py-spare-layered/);
    assert.match(path[1]!, /\/python\/lib\/python3\.11\/site-packages$/);
    assert.match(path[2]!, /\/python$/);

    // LD_LIBRARY_PATH (the zip's lib/) is read by the loader at process start: such a function gets its own.
    spares = await bootedSpares();
    const zlib = readFileSync(sharedLibrary('libz.so.1'));
    await createPythonFunction(c, 'py-spare-lib', probe, { MemorySize: 256 }, { 'lib/libtribz.so': zlib });
    const third = decode((await invokeFunction(c, 'py-spare-lib', undefined, true)).Payload) as Probe;
    assert.equal(typeof third.pid, 'number', JSON.stringify(third));
    assert.ok(!spares.has(third.pid), 'a function with lib/ does not adopt a spare');
    assert.match(third.lib ?? '', /^\d+\.\d+/);

    // PYTHON* variables are read by the interpreter as it starts: such a function gets its own process too.
    spares = await spareWanted('py-spare-want-1');
    await createPythonFunction(
      c,
      'py-spare-seed',
      'import os, sys\ndef lambda_handler(e, c):\n    return [os.getpid(), sys.flags.hash_randomization]\n',
      { MemorySize: 256, Environment: { Variables: { PYTHONHASHSEED: '0' } } },
    );
    const [seedPid, randomized] = decode(
      (await invokeFunction(c, 'py-spare-seed', undefined, true)).Payload,
    ) as [number, number];
    assert.ok(!spares.has(seedPid), 'a function setting PYTHONHASHSEED does not adopt a spare');
    assert.equal(randomized, 0);

    // A spare killed (kill -9) before anyone adopts it fails nothing: the next new function starts and answers.
    spares = await spareWanted('py-spare-want-2');
    for (const pid of spares) if (pid !== undefined) process.kill(pid, 'SIGKILL');
    await waitFor(
      () =>
        !hooks(app)
          .fleet.spares()
          .some((s) => spares.has(s.pid)),
      10_000,
      'the killed spares gone',
    );
    await createPythonFunction(c, 'py-spare-after-kill', probe, { MemorySize: 256 });
    const afterKill = decode(
      (await invokeFunction(c, 'py-spare-after-kill', undefined, true)).Payload,
    ) as Probe;
    assert.equal(typeof afterKill.pid, 'number', JSON.stringify(afterKill));
    assert.ok(!spares.has(afterKill.pid));
  });
});
