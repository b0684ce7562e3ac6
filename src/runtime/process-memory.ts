import { readFile } from 'node:fs/promises';

/**
 * Peak resident set size of a process in MB (VmHWM), read asynchronously from /proc. Used for the REPORT
 * line of runtimes that do not report it themselves; undefined where /proc is unavailable.
 */
export async function peakRssMb(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined || process.platform !== 'linux') return undefined;
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return m ? Math.ceil(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** Go's os.ProcessState wording, which AWS uses in "Runtime exited with error: ...". */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal !== null) {
    const names: Partial<Record<NodeJS.Signals, string>> = {
      SIGKILL: 'killed',
      SIGABRT: 'aborted',
      SIGTERM: 'terminated',
      SIGSEGV: 'segmentation fault',
      SIGBUS: 'bus error',
      SIGINT: 'interrupt',
      SIGHUP: 'hangup',
      SIGILL: 'illegal instruction',
      SIGFPE: 'floating point exception',
    };
    return `signal: ${names[signal] ?? signal}`;
  }
  return `exit status ${code ?? 0}`;
}
