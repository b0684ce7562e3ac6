import { accessSync, closeSync, constants, openSync, readSync, statSync } from 'node:fs';
import type { SpawnPlan } from './spawn-spec.js';

/** util-linux's setpriv, on every Debian-like system: it sets a parent-death signal, then execs the command. */
const SETPRIV = '/usr/bin/setpriv';

let setpriv: boolean | undefined;

function haveSetpriv(): boolean {
  if (setpriv === undefined) {
    try {
      accessSync(SETPRIV, constants.X_OK);
      setpriv = process.platform === 'linux';
    } catch {
      setpriv = false;
    }
  }
  return setpriv;
}

/**
 * Whether the kernel will exec `path` as it is: an executable file starting with `#!` or ELF's magic. Anything
 * else is spawned directly, so that spawn reports the error (ENOENT, EACCES, ENOEXEC) exactly as before:
 * setpriv would turn it into an exit status, and its execvp would even run a script without `#!` under sh.
 */
function plainlyExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    if (!statSync(path).isFile()) return false;
    const fd = openSync(path, 'r');
    try {
      const head = Buffer.alloc(4);
      const n = readSync(fd, head, 0, 4, 0);
      return (
        (n >= 2 && head[0] === 0x23 && head[1] === 0x21) || (n === 4 && head.readUInt32BE(0) === 0x7f454c46)
      );
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/**
 * `plan` started so that the worker gets SIGKILL when the server dies, however it dies. A server stopped
 * normally ends its workers itself; one killed with SIGKILL runs no code at all, and a worker busy in a
 * handler that never returns (or a custom runtime's bootstrap retrying a Runtime API that is gone) would spin
 * on as an orphan. setpriv execs the worker in place (same pid), and the signal survives the exec. Where
 * setpriv is missing (macOS), workers are started directly, as before.
 */
export function killedWithServer(plan: SpawnPlan): SpawnPlan {
  if (!haveSetpriv() || !plainlyExecutable(plan.command)) return plan;
  return { ...plan, command: SETPRIV, args: ['--pdeathsig', 'KILL', '--', plan.command, ...plan.args] };
}
