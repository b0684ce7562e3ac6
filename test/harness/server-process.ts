import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/tributary.js', import.meta.url));

/** The real server as a child process (`tributary up`), for kill -9 and restart tests. */
export interface ServerProcess {
  child: ChildProcess;
  endpoint: string;
  /** What the server printed on stdout up to its ready line, that line included (e.g. a console sign-in link). */
  startOutput: string;
  /**
   * SIGKILLs the server, then waits for the function workers it had started to exit: orphaned by the
   * kill, a worker may still finish the invocation it was running before it notices the server is gone.
   */
  kill9(): Promise<void>;
}

/** Pids whose parent is `pid` (Linux /proc). */
function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Field 4 is the ppid; the command name (field 2) may hold spaces, so split after its closing paren.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // The process exited while we looked.
    }
  }
  return out;
}

/** Whether `pid` is still running: a zombie waiting to be reaped by its new parent has stopped. */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Where and how a spawned server runs: its working directory and environment (the test's by default). */
export interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Start with only the given arguments after `up`, without the test defaults (`--port 0 --log-level warn
   * --transition-delay-ms 0`), e.g. to check what the environment sets.
   */
  bare?: boolean;
}

const UP_ARGS = ['up', '--port', '0', '--log-level', 'warn', '--transition-delay-ms', '0'];

const upArgs = (opts: SpawnOptions): string[] => (opts.bare ? ['up'] : UP_ARGS);

export async function spawnServer(args: string[], opts: SpawnOptions = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BIN, ...upArgs(opts), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    cwd: opts.cwd,
    env: opts.env,
  });
  let out = '';
  const endpoint = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const m = /Tributary listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited early with ${code}: ${out}`)));
  });
  return {
    child,
    endpoint,
    startOutput: out,
    async kill9() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const workers = child.pid === undefined ? [] : childPids(child.pid);
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
      const deadline = Date.now() + 15_000;
      while (workers.some(running) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    },
  };
}

/** How a server that was expected to refuse to start ended. */
export interface RefusedStart {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `tributary up` expecting it to exit without starting (a bad data dir...), and returns its exit code and
 * output. `wrap` runs it through another command (e.g. setpriv to drop root). A server that starts after all is
 * stopped, and the test sees "Tributary listening" in its stdout.
 */
export async function runRefusedServer(
  args: string[],
  opts: SpawnOptions & { wrap?: string[] } = {},
): Promise<RefusedStart> {
  const [command, ...pre] = [...(opts.wrap ?? []), process.execPath];
  const child = spawn(command!, [...pre, BIN, ...upArgs(opts), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: opts.cwd,
    env: opts.env,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.includes('Tributary listening')) child.kill('SIGKILL');
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

/** Stops a spawned server as an operator would (SIGTERM) and waits for it to exit; returns its exit code. */
export async function stopServer(server: ServerProcess): Promise<number | null> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  return code;
}

/** The one line a refused server printed, checked to be its only output, without a stack, with exit code 1. */
export function oneLine(r: RefusedStart): string {
  assert.equal(r.code, 1, `exit code 1 expected: ${JSON.stringify(r)}`);
  assert.equal(r.stdout, '');
  const lines = r.stderr.split('\n');
  assert.equal(lines.length, 2, `one line expected on stderr, got: ${r.stderr}`);
  assert.equal(lines[1], '');
  assert.doesNotMatch(lines[0]!, /\bat .*:\d+:\d+/);
  return lines[0]!;
}
