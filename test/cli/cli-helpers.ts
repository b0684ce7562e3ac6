import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/tributary.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `tributary ARGS...` (the real bin, as users do) to its end; never rejects on a non-zero exit code. */
export function tributary(
  args: string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, NO_COLOR: undefined, ...opts.env }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') return reject(err);
        resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    else child.stdin!.end();
  });
}

/** A long-running `tributary ARGS...` (tail, logs --follow, deploy --watch): its output as it comes. */
export interface RunningCli {
  child: ChildProcess;
  /** Resolves with everything printed so far once stdout holds a match of `re`. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

export function startTributary(args: string[]): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    for (const w of waiters) w();
  });
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    waitFor: (re, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (!re.test(out)) return;
          finish();
          resolve(out);
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`no ${re} in the output within ${timeoutMs} ms:\n${out}\nstderr:\n${err}`));
        }, timeoutMs);
        const finish = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        void exited.then(() => {
          if (!waiters.has(check)) return;
          finish();
          reject(new Error(`exited before ${re}:\n${out}\nstderr:\n${err}`));
        });
        check();
      }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      await exited;
    },
  };
}
