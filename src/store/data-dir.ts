import {
  accessSync,
  chmodSync,
  closeSync,
  constants,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { tryLock } from 'fs-native-extensions';

/** The lock file inside a data dir; it holds the pid of the server that holds (or last held) the lock. */
export const LOCK_FILE = 'tributary.lock';

/** A data dir the server cannot use, for a reason the operator can fix: the message is one line, shown as is. */
export class DataDirError extends Error {
  override readonly name = 'DataDirError';
}

/** The exclusive hold of one server on its data dir, for the life of the process. */
export interface DataDirLock {
  /** The data dir, absolute. */
  readonly dir: string;
  /** What was made private at start (`restrictToOwner`), one line each, for the server's log. */
  readonly tightened: readonly string[];
  /** Gives the data dir up (idempotent). A process that dies gives it up too, without calling this. */
  release(): void;
}

/**
 * Makes sure `dataDir` is a writable directory (creating it if missing) and takes the exclusive lock on it, so
 * that one server at a time uses it: two servers on one lmdb environment would both hand out the same sequence
 * numbers, and one's acknowledged records would be lost.
 *
 * The lock is an OS lock on `<dir>/tributary.lock`, taken with fs-native-extensions (Linux: an open file
 * description lock, fcntl F_OFD_SETLK; macOS: flock; Windows: LockFileEx), not a pid file:
 * - the kernel releases it when the process dies, however it dies (SIGKILL, OOM kill, power loss), so a stale
 *   lock is never a question: the next server simply takes it, with no liveness guess by pid (pids are reused,
 *   and in a container the holder of a stale pid file may be pid 1 again) and no delete-then-create race;
 * - unlike classic POSIX record locks (F_SETLK), it belongs to this open file, not to the process: closing
 *   another descriptor of the file does not drop it, and a second server started in the same process is
 *   refused as well (tests do that);
 * - libuv opens files with O_CLOEXEC, so the function workers the server spawns do not inherit it.
 * The file is never deleted (deleting it on exit would let two servers lock two different files of the same
 * name); its content is only for the message a refused server prints.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const dir = resolve(dataDir);
  ensureWritableDirectory(dir);
  const file = join(dir, LOCK_FILE);
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDWR | constants.O_CREAT, 0o600);
  } catch (err) {
    throw new DataDirError(`data dir ${dir} is not writable (${reason(err)})`);
  }
  let locked: boolean;
  try {
    locked = tryLock(fd);
  } catch (err) {
    closeSync(fd);
    throw new DataDirError(`cannot lock data dir ${dir} (${reason(err)})`);
  }
  if (!locked) {
    const pid = holderPid(fd);
    closeSync(fd);
    throw new DataDirError(
      `data dir ${dir} is in use by another Tributary server (pid ${pid ?? 'unknown'}); stop it or use another --data-dir`,
    );
  }
  try {
    ftruncateSync(fd, 0);
    writeSync(fd, `${process.pid}\n`, 0);
  } catch (err) {
    closeSync(fd);
    throw new DataDirError(`data dir ${dir} is not writable (${reason(err)})`);
  }
  let tightened: string[];
  try {
    tightened = restrictToOwner(dir);
  } catch (err) {
    closeSync(fd);
    throw new DataDirError(`cannot make data dir ${dir} private (${reason(err)})`);
  }
  let released = false;
  return {
    dir,
    tightened,
    release() {
      if (released) return;
      released = true;
      closeSync(fd);
    },
  };
}

function ensureWritableDirectory(dir: string): void {
  try {
    if (!statSync(dir).isDirectory()) throw new DataDirError(`data dir ${dir} is not a directory`);
  } catch (err) {
    if (err instanceof DataDirError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new DataDirError(`cannot use data dir ${dir} (${reason(err)})`);
    try {
      mkdirSync(dir, { recursive: true, mode: DIR_MODE });
    } catch (mkdirErr) {
      throw new DataDirError(`cannot create data dir ${dir} (${reason(mkdirErr)})`);
    }
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw new DataDirError(`data dir ${dir} is not writable (${reason(err)})`);
  }
}

/** The data dir: its owner only (it holds IAM users' secret keys, STS sessions and functions' code). */
export const DIR_MODE = 0o700;
/** The files at its top that hold secrets (the store's, whose engine creates them so: `lmdb-store.ts`). */
export const FILE_MODE = 0o600;

/**
 * Makes the data dir and the files at its top readable by the server's user only, when they are wider (a data
 * dir made before this check, or by hand): whoever else could read `data.mdb` would have every secret key the
 * server keeps. Fixed rather than refused, since the operator's intent (a private store) is plain; each fix is
 * returned as a line for the log. What lies below the top (function code, logs) is private through the dir.
 */
export function restrictToOwner(dir: string): string[] {
  const fixed: string[] = [];
  const tighten = (path: string, mode: number, what: string): void => {
    const was = statSync(path).mode & 0o777;
    if ((was & 0o077) === 0) return;
    chmodSync(path, mode);
    fixed.push(
      `${what} ${path} was mode ${octal(was)}, readable by other users, and holds secret keys: now ${octal(mode)}`,
    );
  };
  tighten(dir, DIR_MODE, 'data dir');
  for (const entry of readdirSync(dir, { withFileTypes: true }))
    if (entry.isFile()) tighten(join(dir, entry.name), FILE_MODE, 'data file');
  return fixed;
}

function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}

/** The pid the holder wrote, if it has written it yet. */
function holderPid(fd: number): number | undefined {
  const buf = Buffer.alloc(32);
  try {
    const text = buf.toString('utf8', 0, readSync(fd, buf, 0, buf.length, 0)).trim();
    return /^\d+$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

/** An fs error's message ("EACCES: permission denied, open '...'"), on one line. */
function reason(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}
