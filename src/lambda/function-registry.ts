import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { systemClock, type Clock } from '../server/clock.js';
import type { AppContext } from '../server/context.js';
import { TransitionScheduler } from '../server/transitions.js';
import type { FunctionSpec } from '../runtime/invocation.js';
import type { CodeStore } from './code-store.js';
import { functionArn, parseFunctionName } from './function-names.js';
import { functionNotFound, ResourceConflict, PreconditionFailed } from './lambda-errors.js';
import {
  FUNCTION_NS,
  lastModifiedNow,
  type FunctionRecord,
  type FunctionState,
  type LastUpdateStatus,
  type PolicyStatement,
} from './model.js';
import type { UnzipLimits } from './unzip.js';

export interface RegistryEvents {
  created: [FunctionRecord];
  updated: [FunctionRecord];
  deleted: [FunctionRecord];
  stateChanged: [
    { functionName: string; state: FunctionState; lastUpdateStatus: LastUpdateStatus | undefined },
  ];
}

/** The configuration CreateFunction sets (code comes separately). */
export type NewFunction = Pick<
  FunctionRecord,
  | 'name'
  | 'runtime'
  | 'handler'
  | 'role'
  | 'description'
  | 'timeout'
  | 'memorySize'
  | 'environment'
  | 'tags'
  | 'architectures'
  | 'ephemeralStorageMb'
>;

/** What UpdateFunctionConfiguration may change. */
export type ConfigurationPatch = Partial<
  Pick<
    FunctionRecord,
    | 'runtime'
    | 'handler'
    | 'role'
    | 'description'
    | 'timeout'
    | 'memorySize'
    | 'environment'
    | 'ephemeralStorageMb'
  >
>;

const PENDING_REASON = 'The function is being created.';

/**
 * All functions: records in memory, written through to the store; code in the CodeStore. Creation and
 * updates go Pending/InProgress and become Active/Successful after the server's transition delay.
 * Concurrent changes to one function are refused (ResourceConflictException), as AWS does.
 */
export class FunctionRegistry extends EventEmitter<RegistryEvents> {
  readonly #app: AppContext;
  readonly #code: CodeStore;
  readonly #limits: UnzipLimits;
  readonly #records = new Map<string, FunctionRecord>();
  readonly #specs = new Map<string, FunctionSpec>();
  /** Functions with a create/update/delete underway (their code is being unpacked). */
  readonly #locked = new Set<string>();
  readonly #transitions: TransitionScheduler;
  #reservedTotal = 0;

  constructor(app: AppContext, code: CodeStore, limits: UnzipLimits, clock: Clock = systemClock) {
    super();
    this.setMaxListeners(0);
    this.#app = app;
    this.#code = code;
    this.#limits = limits;
    this.#transitions = new TransitionScheduler({
      clock,
      delayMs: () => app.options.transitionDelayMs,
      onError: (err) => app.log.error({ err }, 'lambda state transition failed'),
    });
    for (const { doc } of app.store.listDocs<FunctionRecord>(FUNCTION_NS)) {
      this.#records.set(doc.name, doc);
      this.#reservedTotal += doc.reservedConcurrency ?? 0;
    }
  }

  /** The sum of every function's reserved concurrency. */
  get reservedTotal(): number {
    return this.#reservedTotal;
  }

  /** Finishes transitions a previous run left half-way, and removes code no function uses. */
  async start(): Promise<void> {
    for (const r of this.#records.values()) {
      if (r.state === 'Pending' || r.lastUpdateStatus === 'InProgress')
        await this.#activate(r.name, r.revisionId);
    }
    const live = new Map([...this.#records.values()].map((r) => [r.name, r.codeId]));
    await this.#code.collectGarbage(live);
  }

  close(): void {
    this.#transitions.close();
  }

  get(name: string): FunctionRecord | undefined {
    return this.#records.get(name);
  }

  list(): FunctionRecord[] {
    return [...this.#records.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  arn(name: string, qualifier?: string): string {
    return functionArn(this.#app, name, qualifier);
  }

  /**
   * The function a FunctionName parameter (name, ARN or partial ARN, optionally qualified) refers to, or
   * undefined. Only `$LATEST` exists (versions are not published), so any other qualifier finds nothing.
   */
  resolve(nameOrArn: string, qualifier?: string): FunctionRecord | undefined {
    const p = parseFunctionName(nameOrArn);
    if (!p) return undefined;
    if (p.account !== undefined && p.account !== this.#app.options.account) return undefined;
    if (p.region !== undefined && p.region !== this.#app.options.region) return undefined;
    const q = qualifier ?? p.qualifier;
    if (q !== undefined && q !== '$LATEST') return undefined;
    return this.#records.get(p.name);
  }

  /** Like `resolve`, but throws AWS's ResourceNotFoundException naming the ARN it looked for. */
  require(nameOrArn: string, qualifier?: string): FunctionRecord {
    const r = this.resolve(nameOrArn, qualifier);
    if (r) return r;
    const p = parseFunctionName(nameOrArn);
    const name = p?.name ?? nameOrArn;
    throw functionNotFound(this.arn(name, qualifier ?? p?.qualifier));
  }

  /** The immutable snapshot worker pools run (same object until the function changes). */
  spec(r: FunctionRecord): FunctionSpec {
    const key = `${r.name}#${r.revisionId}`;
    let s = this.#specs.get(r.name);
    if (s?.key !== key) {
      s = {
        key,
        functionName: r.name,
        functionArn: this.arn(r.name),
        version: '$LATEST',
        runtime: r.runtime,
        handler: r.handler,
        codeDir: this.#code.dir(r.name, r.codeId),
        memorySize: r.memorySize,
        timeoutSeconds: r.timeout,
        environment: { ...(r.environment ?? {}) },
      };
      this.#specs.set(r.name, s);
    }
    return s;
  }

  async create(fields: NewFunction, zip: Buffer): Promise<FunctionRecord> {
    if (this.#records.has(fields.name) || this.#locked.has(fields.name)) {
      throw ResourceConflict(`Function already exist: ${fields.name}`);
    }
    this.#locked.add(fields.name);
    try {
      const codeId = await this.#code.add(fields.name, zip, this.#limits);
      const record: FunctionRecord = {
        ...fields,
        codeId,
        codeSha256: sha256(zip),
        codeSize: zip.length,
        revisionId: randomUUID(),
        lastModified: lastModifiedNow(),
        state: 'Pending',
        stateReason: PENDING_REASON,
        stateReasonCode: 'Creating',
      };
      return await this.#publish(record, 'created', () => this.#code.remove(record.name, codeId));
    } finally {
      this.#locked.delete(fields.name);
    }
  }

  /** New code for $LATEST. Returns the record and the code id it replaced (to delete once unused). */
  async updateCode(
    name: string,
    zip: Buffer,
    revisionId?: string,
  ): Promise<{ record: FunctionRecord; oldCodeId: string }> {
    const current = this.#lockForUpdate(name, revisionId);
    try {
      const codeId = await this.#code.add(name, zip, this.#limits);
      const oldCodeId = current.codeId;
      const record = await this.#saveUpdate(
        current,
        { codeId, codeSha256: sha256(zip), codeSize: zip.length },
        async () => {
          await this.#code.remove(name, codeId);
        },
      );
      return { record, oldCodeId };
    } finally {
      this.#locked.delete(name);
    }
  }

  async updateConfiguration(
    name: string,
    patch: ConfigurationPatch,
    revisionId?: string,
  ): Promise<FunctionRecord> {
    const current = this.#lockForUpdate(name, revisionId);
    try {
      return await this.#saveUpdate(current, patch, async () => undefined);
    } finally {
      this.#locked.delete(name);
    }
  }

  /** Reserved concurrency is not an "update": it applies at once and does not touch LastUpdateStatus. */
  async setReservedConcurrency(name: string, reserved: number | undefined): Promise<FunctionRecord> {
    const current = this.#records.get(name);
    if (!current) throw functionNotFound(this.arn(name));
    const next: FunctionRecord = { ...current };
    if (reserved === undefined) delete next.reservedConcurrency;
    else next.reservedConcurrency = reserved;
    // Memory first, then the store: writes issued in order land in order, so the last one wins everywhere.
    this.#records.set(name, next);
    this.#reservedTotal += (reserved ?? 0) - (current.reservedConcurrency ?? 0);
    await this.#app.store.putDoc(FUNCTION_NS, name, next);
    return structuredClone(next);
  }

  /** Replaces the policy statements. Like reserved concurrency, not an update: code and workers are untouched. */
  async setPolicy(name: string, policy: PolicyStatement[]): Promise<FunctionRecord> {
    const current = this.#records.get(name);
    if (!current) throw functionNotFound(this.arn(name));
    const next: FunctionRecord = { ...current, policy };
    if (policy.length === 0) delete next.policy;
    this.#records.set(name, next);
    await this.#app.store.putDoc(FUNCTION_NS, name, next);
    return structuredClone(next);
  }

  async delete(name: string): Promise<FunctionRecord> {
    const current = this.#records.get(name);
    if (!current) throw functionNotFound(this.arn(name));
    if (this.#locked.has(name)) throw this.#updateInProgress(name);
    this.#locked.add(name);
    try {
      await this.#app.store.deleteDoc(FUNCTION_NS, name);
      const deleted = this.#records.get(name);
      this.#records.delete(name);
      this.#reservedTotal -= deleted?.reservedConcurrency ?? 0;
      this.#specs.delete(name);
      this.emit('deleted', structuredClone(current));
      return current;
    } finally {
      this.#locked.delete(name);
    }
  }

  #lockForUpdate(name: string, revisionId: string | undefined): FunctionRecord {
    const current = this.#records.get(name);
    if (!current) throw functionNotFound(this.arn(name));
    if (this.#locked.has(name) || current.lastUpdateStatus === 'InProgress' || current.state === 'Pending') {
      throw this.#updateInProgress(name);
    }
    if (revisionId !== undefined && revisionId !== current.revisionId) {
      throw PreconditionFailed(
        'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
      );
    }
    this.#locked.add(name);
    return current;
  }

  #updateInProgress(name: string): Error {
    return ResourceConflict(
      `The operation cannot be performed at this time. An update is in progress for resource: ${this.arn(name)}`,
    );
  }

  async #saveUpdate(
    current: FunctionRecord,
    change: Partial<FunctionRecord>,
    undo: () => Promise<void>,
  ): Promise<FunctionRecord> {
    const record: FunctionRecord = {
      ...current,
      ...change,
      revisionId: randomUUID(),
      lastModified: lastModifiedNow(),
      lastUpdateStatus: 'InProgress',
      lastUpdateStatusReason: PENDING_REASON,
      lastUpdateStatusReasonCode: 'Creating',
    };
    if ('environment' in change && change.environment === undefined) delete record.environment;
    return this.#publish(record, 'updated', undo);
  }

  /**
   * Persists a new or changed function (running `undo` if that fails), announces it, and starts its
   * Pending/InProgress -> Active/Successful transition. Returns what the API answers: the record as saved, or
   * already active when transitions are instant (at delay 0 the transition runs right after this step).
   */
  async #publish(
    record: FunctionRecord,
    event: 'created' | 'updated',
    undo: () => Promise<void>,
  ): Promise<FunctionRecord> {
    try {
      await this.#app.store.putDoc(FUNCTION_NS, record.name, record);
    } catch (err) {
      await undo();
      throw err;
    }
    this.#records.set(record.name, record);
    this.emit(event, structuredClone(record));
    const snapshot = structuredClone(record);
    this.#transitions.schedule(() => this.#activate(record.name, record.revisionId));
    return this.#transitions.instant ? activated(snapshot) : snapshot;
  }

  /** Pending -> Active and InProgress -> Successful, unless the function changed or vanished meanwhile. */
  async #activate(name: string, revisionId: string): Promise<void> {
    const r = this.#records.get(name);
    if (!r || r.revisionId !== revisionId) return;
    const next = activated(r);
    this.#records.set(name, next);
    await this.#app.store.putDoc(FUNCTION_NS, name, next);
    this.emit('stateChanged', {
      functionName: name,
      state: next.state,
      lastUpdateStatus: next.lastUpdateStatus,
    });
  }
}

/** A function once its transition ended: Active, its last update Successful, the reasons gone. */
function activated(r: FunctionRecord): FunctionRecord {
  const next: FunctionRecord = { ...r, state: 'Active', lastUpdateStatus: 'Successful' };
  delete next.stateReason;
  delete next.stateReasonCode;
  delete next.lastUpdateStatusReason;
  delete next.lastUpdateStatusReasonCode;
  return next;
}

function sha256(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('base64');
}

export type { FunctionState, LastUpdateStatus };
