import { spawn, type ChildProcess } from 'node:child_process';
import { LineSplitter } from './log-lines.js';
import { killedWithServer } from './parent-death.js';
import type { SpawnPlan } from './spawn-spec.js';

/**
 * What V8 writes to stderr when a function runs out of heap, and what our Python bootstrap writes on a
 * MemoryError under its MemorySize limit: the exit is then Runtime.OutOfMemory.
 */
const OOM_LINE =
  /JavaScript heap out of memory|Reached heap limit|Allocation failed - process out of memory|^Runtime\.OutOfMemory: /;

export interface RuntimeProcessHooks {
  /** One line the process wrote to stdout or stderr. */
  line(line: string): void;
  /**
   * The process is gone: it exited and its output was read, or it could not be spawned at all (`spawnError`:
   * a missing or non-executable bootstrap emits no 'exit'). May be called more than once; the first counts.
   */
  gone(code: number | null, signal: NodeJS.Signals | null, spawnError?: NodeJS.ErrnoException): void;
}

/**
 * The OS process of one runtime (started so that it dies with the server): its output as log lines, whether
 * V8 ran out of heap, and when it is gone. What the process means for invocations is the worker's business.
 */
export class RuntimeProcess {
  readonly #child: ChildProcess;
  readonly #out: LineSplitter;
  readonly #err: LineSplitter;
  #oom = false;

  constructor(plan: SpawnPlan, hooks: RuntimeProcessHooks) {
    this.#out = new LineSplitter((l) => hooks.line(l));
    this.#err = new LineSplitter((l) => {
      if (OOM_LINE.test(l)) this.#oom = true;
      hooks.line(l);
    });
    const p = killedWithServer(plan);
    const child = spawn(p.command, p.args, { cwd: p.cwd, env: p.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    child.stdout?.on('data', (c: Buffer) => this.#out.push(c));
    child.stderr?.on('data', (c: Buffer) => this.#err.push(c));
    // A read error on a pipe leaves nothing to do here: the process's end is reported by 'exit' or 'error'.
    child.stdout?.on('error', () => undefined);
    child.stderr?.on('error', () => undefined);
    let exitTimer: NodeJS.Timeout | undefined;
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (child.pid === undefined) hooks.gone(null, null, err);
    });
    child.on('exit', (code, signal) => {
      // 'close' follows once stdout/stderr are drained; a grandchild holding the pipes must not delay us long.
      exitTimer = setTimeout(() => hooks.gone(code, signal), 250);
      child.once('close', () => {
        clearTimeout(exitTimer);
        hooks.gone(code, signal);
      });
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** V8 reported on stderr that the heap limit was reached. */
  get oom(): boolean {
    return this.#oom;
  }

  /** Hands on a last line the process wrote without its newline (before platform lines follow it). */
  flush(): void {
    this.#out.flush();
    this.#err.flush();
  }

  /** SIGKILL: Lambda gives runtimes no shutdown phase without extensions. */
  kill(): void {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL');
  }
}
