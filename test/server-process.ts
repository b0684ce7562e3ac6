import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/tributary.js', import.meta.url));

/** The real server as a child process (`tributary up`), for kill -9 and restart tests. */
export interface ServerProcess {
  child: ChildProcess;
  endpoint: string;
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

export async function spawnServer(args: string[]): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [BIN, 'up', '--port', '0', '--log-level', 'warn', '--transition-delay-ms', '0', ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
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
