import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Which interpreter runs each runtime label on this machine. A label names a language version: `python3.12` runs
 * on a Python 3.12 and `nodejs22.x` on a Node.js 22 when the machine has one — named by `--runtime-path
 * python3.12=/path` (TRIBUTARY_RUNTIME_PATHS, `lambda.runtimePaths`), else found on PATH as `python3.12` /
 * `node22`. Where none is, the nearest available version runs it and says so (`note`): in the function's init log
 * and as its StateReason, and `tributary status` lists every label with where it runs.
 */

export type RuntimeFamily = 'node' | 'python' | 'provided';

/** Where one runtime label runs. */
export interface RuntimeHost {
  readonly runtime: string;
  readonly family: RuntimeFamily;
  /** The interpreter binary; undefined for provided.* (the zip's bootstrap) and where no interpreter exists. */
  readonly command: string | undefined;
  /** The interpreter's own version (`3.11.7`, `v20.19.0`); undefined when none was found. */
  readonly version: string | undefined;
  /** The label's language version is the interpreter's. */
  readonly exact: boolean;
  /** What the user is told when it is not: `python3.12 runs on Python 3.11.7 on this machine`. */
  readonly note: string | undefined;
}

/** One interpreter found: its path and version. */
interface Found {
  command: string;
  version: string;
}

/**
 * How an interpreter is asked for its version and its real binary (one short process each, at startup, in
 * parallel). Workers run the real binary: a version manager's shim on PATH (pyenv's is a shell script) would add
 * its own start-up to every cold start.
 */
const VERSION_PROBE: Record<'node' | 'python', string[]> = {
  node: ['-p', 'process.version + " " + process.execPath'],
  python: ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3], sys.executable)'],
};

/** `python3.12` -> [3, 12]; `nodejs22.x` -> [22]. */
function wanted(runtime: string): number[] {
  const m = /^python(\d+)\.(\d+)$/.exec(runtime) ?? /^nodejs(\d+)\.x$/.exec(runtime);
  return m ? m.slice(1).map(Number) : [];
}

function parsed(version: string): number[] {
  return version.replace(/^v/, '').split('.').map(Number);
}

function executableOnPath(name: string, pathEnv: string): string | undefined {
  for (const dir of pathEnv.split(delimiter)) {
    if (dir === '') continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here: the next directory
    }
  }
  return undefined;
}

function probe(family: 'node' | 'python', command: string): Promise<Found | undefined> {
  return new Promise((resolve) => {
    // A binary that does not run (a pyenv shim for a version not selected exits 127) is not available.
    execFile(command, VERSION_PROBE[family], { timeout: 10_000 }, (err, stdout) => {
      const m = /^(v?\d+\.\d+\S*) (.+)$/.exec(stdout.trim());
      resolve(err || !m ? undefined : { command: m[2]!, version: m[1]! });
    });
  });
}

export interface RuntimeHostOptions {
  /** Labels the server runs, by family. */
  runtimes: ReadonlyArray<{ runtime: string; family: RuntimeFamily }>;
  /** Interpreters named by the operator, by label. */
  runtimePaths: Readonly<Record<string, string>>;
  /** The Node.js binary for nodejs* labels with no interpreter of their own (`lambda.nodePath`). */
  nodePath: string;
  /** The version of `nodePath` when it is this process's own binary (no probe needed). */
  nodeVersion?: string;
  pathEnv: string;
}

/** The labels' hosts, probed once (asynchronously, at construction); `get` waits for the probe. */
export class RuntimeHosts {
  readonly #hosts: Promise<Map<string, RuntimeHost>>;
  readonly #nodePath: string;
  #resolved: Map<string, RuntimeHost> | undefined;

  constructor(opts: RuntimeHostOptions) {
    this.#nodePath = opts.nodePath;
    this.#hosts = resolveHosts(opts).then((m) => (this.#resolved = m));
  }

  /**
   * The binary a worker of `runtime` runs, once probed: undefined for the default Node.js (`nodePath`, which
   * pre-started spares run too) and for provided.* runtimes.
   */
  interpreter(runtime: string): string | undefined {
    const host = this.#resolved?.get(runtime);
    if (host?.family === 'node' && (host.command === this.#nodePath || host.command === undefined))
      return undefined;
    return host?.command;
  }

  async get(runtime: string): Promise<RuntimeHost | undefined> {
    return (await this.#hosts).get(runtime);
  }

  async all(): Promise<RuntimeHost[]> {
    return [...(await this.#hosts).values()];
  }

  /** The hosts once probed (empty before). */
  list(): RuntimeHost[] {
    return [...(this.#resolved?.values() ?? [])];
  }

  /** Known once probed (synchronous callers such as spawning a spare use it after `get`). */
  resolved(runtime: string): RuntimeHost | undefined {
    return this.#resolved?.get(runtime);
  }
}

async function resolveHosts(opts: RuntimeHostOptions): Promise<Map<string, RuntimeHost>> {
  const candidates = new Map<string, Promise<Found | undefined>>();
  const candidate = (family: 'node' | 'python', command: string): Promise<Found | undefined> => {
    let p = candidates.get(command);
    if (!p) {
      p =
        family === 'node' && command === opts.nodePath && opts.nodeVersion !== undefined
          ? Promise.resolve({ command, version: opts.nodeVersion })
          : probe(family, command);
      candidates.set(command, p);
    }
    return p;
  };
  const own = new Map<string, Promise<Found | undefined>>();
  for (const { runtime, family } of opts.runtimes) {
    if (family === 'provided') continue;
    const named = opts.runtimePaths[runtime];
    const v = wanted(runtime);
    const onPath = executableOnPath(
      family === 'python' ? `python${v.join('.')}` : `node${v[0]}`,
      opts.pathEnv,
    );
    const command = named ?? onPath;
    if (command !== undefined) own.set(runtime, candidate(family, command));
  }
  // The fallbacks: the default interpreters of each family.
  const python3 = executableOnPath('python3', opts.pathEnv);
  const fallbacks: Record<'node' | 'python', Array<Promise<Found | undefined>>> = {
    node: [candidate('node', opts.nodePath)],
    python: python3 ? [candidate('python', python3)] : [],
  };
  const hosts = new Map<string, RuntimeHost>();
  for (const { runtime, family } of opts.runtimes) {
    if (family === 'provided') {
      hosts.set(runtime, {
        runtime,
        family,
        command: undefined,
        version: undefined,
        exact: true,
        note: undefined,
      });
      continue;
    }
    const want = wanted(runtime);
    const sameVersion = (f: Found): boolean => want.every((n, i) => parsed(f.version)[i] === n);
    const mine = await own.get(runtime);
    if (mine && sameVersion(mine)) {
      hosts.set(runtime, { runtime, family, ...mine, exact: true, note: undefined });
      continue;
    }
    // Every interpreter of the family that runs: the nearest version (by minor, or major for Node) wins.
    const all = (
      await Promise.all([mine, ...[...own.entries()].map(([, p]) => p), ...fallbacks[family]])
    ).filter((f): f is Found => f !== undefined && (family === 'node') === f.version.startsWith('v'));
    const distance = (f: Found): number => {
      const have = parsed(f.version);
      return family === 'python'
        ? Math.abs((have[0]! - want[0]!) * 100 + (have[1]! - want[1]!))
        : Math.abs(have[0]! - want[0]!);
    };
    const exact = all.find(sameVersion);
    const best = exact ?? all.sort((a, b) => distance(a) - distance(b))[0];
    if (!best) {
      const note = `${runtime} has no ${family === 'python' ? 'Python' : 'Node.js'} interpreter on this machine`;
      hosts.set(runtime, { runtime, family, command: undefined, version: undefined, exact: false, note });
      continue;
    }
    const language = family === 'python' ? 'Python' : 'Node';
    hosts.set(runtime, {
      runtime,
      family,
      ...best,
      exact: exact !== undefined,
      note: exact ? undefined : `${runtime} runs on ${language} ${best.version} on this machine`,
    });
  }
  return hosts;
}
