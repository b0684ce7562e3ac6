import { strict as assert } from 'node:assert';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { clientConfig, tempDir } from '../harness/helpers.js';
import { createNodeFunction, decode } from '../lambda/lambda-helpers.js';

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A checkout as `git clone` leaves it (no dist/), with the repository's node_modules linked package by package,
 * except tsx: whatever runs there without tsx is compiled JavaScript. `withTsx` links tsx as well.
 */
function freshCheckout(): { dir: string; withTsx(on: boolean): void } {
  const dir = tempDir('tributary-checkout-');
  for (const f of [
    'package.json',
    'package-lock.json',
    'tsconfig.json',
    'tsconfig.build.json',
    'bin',
    'scripts',
    'src',
  ])
    cpSync(join(ROOT, f), join(dir, f), { recursive: true });
  mkdirSync(join(dir, 'node_modules'));
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name !== 'tsx') symlinkSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name));
  }
  const tsx = join(dir, 'node_modules', 'tsx');
  return {
    dir,
    withTsx(on) {
      if (on) symlinkSync(join(ROOT, 'node_modules', 'tsx'), tsx);
      else rmSync(tsx);
    },
  };
}

/** SIGKILLs a process group started by startUntilReady, if anything of it is left. */
function killGroup(child: ReturnType<typeof spawn>): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // Gone already.
  }
}

/** Runs a command in `cwd` until it prints the ready line; returns it with what it printed on stderr so far. */
async function startUntilReady(
  command: string,
  args: string[],
  cwd: string,
): Promise<{ child: ReturnType<typeof spawn>; ready: string; stderr: () => string }> {
  // Its own process group (npm runs sh, which runs node), so that killGroup reaches all of them.
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const ready = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /^Tributary listening on .*$/m.exec(out);
      if (m) resolve(m[0]);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before ready:\n${out}\n${err}`)));
  });
  return { child, ready, stderr: () => err };
}

describe('the compiled start path', () => {
  const checkouts: string[] = [];
  after(() => {
    for (const d of checkouts) rmSync(d, { recursive: true, force: true });
  });

  it('npm start on a fresh checkout builds dist/ and runs it without tsx; a stale dist/ is never run', async () => {
    const co = freshCheckout();
    checkouts.push(co.dir);
    const dataDir = join(co.dir, 'data');

    // npm start: no dist/ yet, so it builds, then serves from dist/ (tsx is not even installed).
    const first = await startUntilReady(
      'npm',
      [
        'start',
        '--',
        '--port',
        '0',
        '--data-dir',
        dataDir,
        '--log-level',
        'warn',
        '--transition-delay-ms',
        '0',
      ],
      co.dir,
    );
    try {
      assert.match(
        first.ready,
        new RegExp(`^Tributary listening on http://127\\.0\\.0\\.1:\\d+ \\(data in ${dataDir}\\)$`),
      );
      assert.match(first.stderr(), /^tributary: building dist\/ \(dist\/ has not been built\)\.\.\.$/m);
      assert.match(first.stderr(), /^tributary: built dist\/ in \d+\.\d s$/m);
      assert.ok(existsSync(join(co.dir, 'dist', 'cli', 'main.js')));
      const endpoint = /http:\/\/\S+/.exec(first.ready)![0];
      assert.equal((await fetch(`${endpoint}/_tributary/status`)).status, 200);
      // A function runs: its worker's bootstrap is the one in dist/runtime (emitted by the build).
      const lambda = new LambdaClient(clientConfig({ endpoint }));
      try {
        await createNodeFunction(
          lambda,
          'compiled',
          'export const handler = async (e) => ({ got: e.n + 1 });',
        );
        const res = await lambda.send(new InvokeCommand({ FunctionName: 'compiled', Payload: '{"n":41}' }));
        assert.deepEqual(decode(res.Payload), { got: 42 });
      } finally {
        lambda.destroy();
      }
      // The filter's WebAssembly module is copied beside its loader.
      assert.ok(existsSync(join(co.dir, 'dist', 'mappings', 'filter', 'wasm', 'json-tape.wasm')));
      // The server is npm's grandchild (npm, sh, node): stop it the way an operator would, by its pid (which it
      // wrote into its data dir's lock file), and npm ends with its exit code.
      const pid = Number(readFileSync(join(dataDir, 'tributary.lock'), 'utf8'));
      const exited = once(first.child, 'exit');
      process.kill(pid, 'SIGTERM');
      assert.deepEqual(await exited, [0, null]);
    } finally {
      killGroup(first.child);
    }

    // dist/ is current: bin/tributary.js runs it, without building and without tsx.
    const bin = join(co.dir, 'bin', 'tributary.js');
    const run = (args: string[]) => exec(process.execPath, args, { cwd: co.dir });
    assert.deepEqual(await run([bin, '--version']), { stdout: '0.1.0\n', stderr: '' });

    // A change to src/ makes dist/ stale: bin/tributary.js runs the sources through tsx instead.
    writeFileSync(join(co.dir, 'src', 'server', 'version.ts'), "export const VERSION = '0.1.0-changed';\n");
    co.withTsx(true);
    assert.deepEqual(await run([bin, '--version']), { stdout: '0.1.0-changed\n', stderr: '' });

    // npm start (scripts/start.mjs, what it runs) rebuilds first, and runs the rebuilt dist/, again without tsx.
    co.withTsx(false);
    const rebuilt = await run([
      '--max-semi-space-size=64',
      join(co.dir, 'scripts', 'start.mjs'),
      '--version',
    ]);
    assert.equal(rebuilt.stdout, '0.1.0-changed\n');
    assert.match(
      rebuilt.stderr,
      /^tributary: building dist\/ \(src\/ changed since dist\/ was built\)\.\.\.$/m,
    );

    // --in-memory through npm start, now without a build.
    const second = await startUntilReady('npm', ['start', '--', '--port', '0', '--in-memory'], co.dir);
    try {
      assert.match(second.ready, /\(in memory\)$/);
      assert.doesNotMatch(second.stderr(), /building/);
    } finally {
      killGroup(second.child);
    }
  });
});
