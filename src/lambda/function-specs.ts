import type { FunctionSpec } from '../runtime/invocation.js';
import type { RuntimeHosts } from '../runtime/runtime-hosts.js';
import type { CodeStore } from './code-store.js';
import type { FunctionRecord } from './model.js';
import type { ExecutionRoles } from '../iam/execution-roles.js';

/**
 * The immutable snapshots worker pools run, one per function version (`$LATEST` or a published number), built
 * once per RevisionId: the same object until that version changes, so the fleet sees a change by its key.
 */
export class FunctionSpecs {
  readonly #specs = new Map<string, FunctionSpec>();
  readonly #code: CodeStore;
  readonly #hosts: RuntimeHosts | undefined;
  readonly #arn: (name: string, qualifier?: string) => string;
  /** The execution role's temporary credentials for the workers (when SigV4 checks are on). */
  readonly #sessionFor: ExecutionRoles['sessionFor'] | undefined;

  constructor(
    code: CodeStore,
    hosts: RuntimeHosts | undefined,
    arn: (name: string, qualifier?: string) => string,
    sessionFor?: ExecutionRoles['sessionFor'],
  ) {
    this.#code = code;
    this.#hosts = hosts;
    this.#arn = arn;
    this.#sessionFor = sessionFor;
  }

  of(r: FunctionRecord): FunctionSpec {
    const version = r.version ?? '$LATEST';
    const key = `${r.name}:${version}#${r.revisionId}`;
    let s = this.#specs.get(`${r.name}:${version}`);
    // The role's credentials are renewed an hour before they run out (the pool, keyed by `key`, stays the same).
    const stale = s?.credentials !== undefined && s.credentials.expiresAt - Date.now() < 3600_000;
    if (s?.key !== key || stale) {
      s = {
        key,
        interpreter: this.#hosts?.interpreter(r.runtime),
        credentials: this.#sessionFor?.(r.role, r.name),
        runtimeNote: this.#hosts?.resolved(r.runtime)?.note,
        functionName: r.name,
        functionArn: this.#arn(r.name, r.version),
        version,
        runtime: r.runtime,
        handler: r.handler,
        codeDir: this.#code.dir(r.name, r.codeId),
        memorySize: r.memorySize,
        timeoutSeconds: r.timeout,
        environment: { ...(r.environment ?? {}) },
        optDir:
          r.layers !== undefined && r.layers.length > 0
            ? this.#code.optDir(r.layers.map((l) => l.arn))
            : undefined,
      };
      this.#specs.set(`${r.name}:${version}`, s);
    }
    return s;
  }

  /** A version (every version when not given) is gone. */
  forget(name: string, version?: string): void {
    if (version !== undefined) {
      this.#specs.delete(`${name}:${version}`);
      return;
    }
    for (const k of [...this.#specs.keys()]) if (k.startsWith(`${name}:`)) this.#specs.delete(k);
  }
}
