import type { FunctionSpec } from '../runtime/invocation.js';
import type { RuntimeHosts } from '../runtime/runtime-hosts.js';
import type { CodeStore } from './code-store.js';
import type { FunctionRecord } from './model.js';

/**
 * The immutable snapshots worker pools run, one per function version (`$LATEST` or a published number), built
 * once per RevisionId: the same object until that version changes, so the fleet sees a change by its key.
 */
export class FunctionSpecs {
  readonly #specs = new Map<string, FunctionSpec>();
  readonly #code: CodeStore;
  readonly #hosts: RuntimeHosts | undefined;
  readonly #arn: (name: string, qualifier?: string) => string;

  constructor(
    code: CodeStore,
    hosts: RuntimeHosts | undefined,
    arn: (name: string, qualifier?: string) => string,
  ) {
    this.#code = code;
    this.#hosts = hosts;
    this.#arn = arn;
  }

  of(r: FunctionRecord): FunctionSpec {
    const version = r.version ?? '$LATEST';
    const key = `${r.name}:${version}#${r.revisionId}`;
    let s = this.#specs.get(`${r.name}:${version}`);
    if (s?.key !== key) {
      s = {
        key,
        interpreter: this.#hosts?.interpreter(r.runtime),
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
