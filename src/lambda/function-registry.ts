// Why ~500 lines: this is the one place a function's record changes (create, update code or configuration,
// concurrency, tags, policies, publish, delete), and every change takes the same steps in the same order: the
// function's lock and RevisionId check (#lockForUpdate), the save with undo (#saveUpdate, #publish) and the
// Pending/InProgress -> Active/Successful transition (#activate). The rules that stand alone already live beside it
// (versions.ts: PublishVersion and version deletion; function-specs.ts: the workers' specs; per-function-docs.ts:
// documents that die with the function); splitting the rest would export those private steps for others to call
// out of order.
import type { ExecutionRoles } from '../iam/execution-roles.js';
import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { systemClock, type Clock } from '../server/clock.js';
import type { AppContext } from '../server/context.js';
import { TransitionScheduler } from '../server/transitions.js';
import type { FunctionSpec } from '../runtime/invocation.js';
import type { RuntimeHosts } from '../runtime/runtime-hosts.js';
import type { CodeStore } from './code-store.js';
import { functionArn, parseFunctionName } from './function-names.js';
import { FunctionSpecs } from './function-specs.js';
import {
  functionNotFound,
  InvalidParameterValue,
  ResourceConflict,
  ResourceNotFound,
  checkRevision,
} from './lambda-errors.js';
import {
  FUNCTION_NS,
  type AliasRecord,
  lastModifiedNow,
  type FunctionRecord,
  type FunctionState,
  type LastUpdateStatus,
  type ConfigurationPatch,
  type NewFunction,
  type PolicyStatement,
} from './model.js';
import type { PerFunctionDocs } from './per-function-docs.js';
import { Versions, withPolicy, type PublishRequest, type Target } from './versions.js';
import type { UnzipLimits } from './unzip.js';

export interface RegistryEvents {
  created: [FunctionRecord];
  updated: [FunctionRecord];
  /** The function and its published versions (whose code goes too). */
  deleted: [FunctionRecord, FunctionRecord[]];
  /** A published version was deleted (DeleteFunction with its number). */
  versionDeleted: [FunctionRecord];
  stateChanged: [
    { functionName: string; state: FunctionState; lastUpdateStatus: LastUpdateStatus | undefined },
  ];
}

const PENDING_REASON = 'The function is being created.';

/** Documents kept per function and qualifier that go with the function, the version or the alias (event invoke configs). */
type Dependent = Pick<PerFunctionDocs<unknown>, 'get' | 'delete' | 'deleteFunction'>;

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
  readonly #specs: FunctionSpecs;
  /** Functions with a create/update/delete underway (their code is being unpacked). */
  readonly #locked = new Set<string>();
  readonly #transitions: TransitionScheduler;
  readonly #hosts: RuntimeHosts | undefined;
  #reservedTotal = 0;
  /** Published versions and aliases. */
  readonly #versions: Versions;
  /** Other per-function documents deleted with the function (event invoke configs...). */
  readonly #dependents: Dependent[] = [];

  constructor(
    app: AppContext,
    code: CodeStore,
    limits: UnzipLimits,
    clock: Clock = systemClock,
    hosts?: RuntimeHosts,
    sessionFor?: ExecutionRoles['sessionFor'],
  ) {
    super();
    this.setMaxListeners(0);
    this.#app = app;
    this.#code = code;
    this.#limits = limits;
    this.#hosts = hosts;
    this.#specs = new FunctionSpecs(code, hosts, (name, q) => this.arn(name, q), sessionFor);
    this.#transitions = new TransitionScheduler({
      clock,
      delayMs: () => app.options.transitionDelayMs,
      onError: (err) => app.log.error({ err }, 'lambda state transition failed'),
    });
    this.#versions = new Versions(app.store);
    for (const { doc } of app.store.listDocs<FunctionRecord>(FUNCTION_NS)) {
      this.#records.set(doc.name, doc);
      this.#reservedTotal += doc.reservedConcurrency ?? 0;
    }
  }

  /** The sum of every function's reserved concurrency. */
  get reservedTotal(): number {
    return this.#reservedTotal;
  }

  /**
   * Finishes transitions a previous run left half-way, says again where each runtime runs on this machine (it may
   * be another machine than last time), and removes code no function uses.
   */
  async start(): Promise<void> {
    for (const r of this.#records.values()) {
      if (r.state === 'Pending' || r.lastUpdateStatus === 'InProgress')
        await this.#activate(r.name, r.revisionId);
      else if (r.state === 'Active') await this.#noteRuntime(r.name);
    }
    const live = new Map([...this.#records.values()].map((r) => [r.name, new Set([r.codeId])]));
    for (const [fn, v] of this.versions.entries()) live.get(fn)?.add(v.codeId);
    await this.#code.collectGarbage(live);
  }

  /** Published versions, per function. */
  get versions(): PerFunctionDocs<FunctionRecord> {
    return this.#versions.versions;
  }

  get aliases(): PerFunctionDocs<AliasRecord> {
    return this.#versions.aliases;
  }

  /** Documents kept per function that go when the function is deleted. */
  addDependent(docs: Dependent): void {
    this.#dependents.push(docs);
  }

  /** Code directories some version of some function still runs ($LATEST's and published ones). */
  codeDirsReferenced(): Set<string> {
    const dirs = new Set<string>();
    for (const r of this.#records.values()) dirs.add(this.#code.dir(r.name, r.codeId));
    for (const [fn, v] of this.versions.entries()) dirs.add(this.#code.dir(fn, v.codeId));
    return dirs;
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
   * What a FunctionName parameter (name, ARN or partial ARN, optionally qualified) and Qualifier address, or
   * undefined when the function, version or alias does not exist. A qualifier in the name and a different
   * Qualifier is AWS's InvalidParameterValueException.
   */
  resolve(nameOrArn: string, qualifier?: string): Target | undefined {
    const p = parseFunctionName(nameOrArn);
    if (!p) return undefined;
    if (p.account !== undefined && p.account !== this.#app.options.account) return undefined;
    if (p.region !== undefined && p.region !== this.#app.options.region) return undefined;
    if (qualifier !== undefined && p.qualifier !== undefined && qualifier !== p.qualifier) {
      throw InvalidParameterValue(
        'The derived qualifier from the function name does not match the specified qualifier.',
      );
    }
    const q = qualifier ?? p.qualifier;
    const latest = this.#records.get(p.name);
    return latest ? this.#versions.target(latest, q, this.arn(p.name, q)) : undefined;
  }

  /** Like `resolve`, but throws AWS's ResourceNotFoundException naming the ARN it looked for. */
  require(nameOrArn: string, qualifier?: string): Target {
    const t = this.resolve(nameOrArn, qualifier);
    if (t) return t;
    const p = parseFunctionName(nameOrArn);
    const own = this.#app.options.region;
    // AWS answers an ARN of another region with a 404 of its own words (functions live in their region).
    if (p?.region !== undefined && p.region !== own) {
      throw ResourceNotFound(`Functions from '${p.region}' are not reachable in this region ('${own}')`);
    }
    const name = p?.name ?? nameOrArn;
    throw functionNotFound(this.arn(name, qualifier ?? p?.qualifier));
  }

  /**
   * For the operations that only act on `$LATEST` or the function as a whole (UpdateFunctionCode and
   * -Configuration, concurrency, tags): the function's record; a version or alias in the name is refused as AWS
   * refuses it.
   */
  requireLatest(nameOrArn: string): FunctionRecord {
    const q = parseFunctionName(nameOrArn)?.qualifier;
    if (q !== undefined && q !== '$LATEST') {
      throw InvalidParameterValue('Current operation does not support versions other than $LATEST');
    }
    return this.require(nameOrArn).record;
  }

  /** `$LATEST` or a published version's snapshot, with the function-wide settings of `$LATEST`. */
  versionRecord(latest: FunctionRecord, version: string): FunctionRecord | undefined {
    return this.#versions.record(latest, version);
  }

  /** The version an invoke of `t` runs (an alias's weights pick, see Versions.pick). */
  pick(t: Target, random: () => number): { record: FunctionRecord; version: string } {
    const latest = this.#records.get(t.record.name);
    return latest ? this.#versions.pick(latest, t, random) : { record: t.record, version: t.version };
  }

  /** Where a function's code is unpacked (its task root). */
  codeDir(r: FunctionRecord): string {
    return this.#code.dir(r.name, r.codeId);
  }

  /** The immutable snapshot worker pools run (same object until the function version changes). */
  spec(r: FunctionRecord): FunctionSpec {
    return this.#specs.of(r);
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
    this.#reservedTotal += (reserved ?? 0) - (current.reservedConcurrency ?? 0);
    await this.#replace(next);
    return structuredClone(next);
  }

  /** TagResource/UntagResource: function-wide, not an update (RevisionId and workers are untouched). */
  async setTags(name: string, tags: Record<string, string>): Promise<void> {
    const current = this.#records.get(name);
    if (!current) throw functionNotFound(this.arn(name));
    await this.#replace({ ...current, tags });
  }

  /** A function-wide setting changed. Memory first, then the store: writes issued in order land in order. */
  async #replace(next: FunctionRecord): Promise<void> {
    this.#records.set(next.name, next);
    await this.#app.store.putDoc(FUNCTION_NS, next.name, next);
  }

  /**
   * Replaces the policy statements of what `t` addresses ($LATEST, a version or an alias each have their own, as
   * in AWS). Like reserved concurrency, not an update: code and workers are untouched.
   */
  async setPolicy(t: Target, policy: PolicyStatement[]): Promise<void> {
    if (await this.#versions.setPolicy(t, policy)) return;
    const name = t.record.name;
    const current = this.#records.get(name);
    if (!current) throw functionNotFound(this.arn(name));
    await this.#replace(withPolicy(current, policy));
  }

  policyOf(t: Target): PolicyStatement[] {
    return this.#versions.policyOf(t);
  }

  /**
   * PublishVersion: a snapshot of $LATEST's code and configuration as the next version number. Nothing changed
   * since the last version: that version is returned, none is created (AWS's rule). `codeSha256` and
   * `revisionId` are preconditions on $LATEST.
   */
  async publish(name: string, req: PublishRequest, withChange = false): Promise<FunctionRecord> {
    // `withChange`: CreateFunction / UpdateFunctionCode with Publish, publishing the change they just made (still
    // Pending or InProgress) rather than waiting for it.
    const current = withChange ? this.#lockNow(name) : this.#lockForUpdate(name, req.revisionId);
    try {
      return await this.#versions.publish(current, req, async (change) => {
        // Re-read: the Pending/InProgress -> Active transition may have run meanwhile (Publish with a change).
        const next: FunctionRecord = { ...(this.#records.get(name) ?? current), ...change };
        await this.#replace(next);
        return next;
      });
    } finally {
      this.#locked.delete(name);
    }
  }

  /** DeleteFunction with a version number: refused while an alias points at it (AWS's rule). */
  async deleteVersion(name: string, version: string): Promise<FunctionRecord> {
    const v = await this.#versions.deleteVersion(name, version, this.arn(name, version));
    for (const d of this.#dependents) if (d.get(name, version) !== undefined) await d.delete(name, version);
    this.#specs.forget(name, version);
    this.emit('versionDeleted', structuredClone(v));
    return v;
  }

  /** DeleteAlias: the alias and what hangs on its qualifier (its event invoke config), like a deleted version's. */
  async deleteAlias(name: string, alias: string): Promise<void> {
    if (this.aliases.get(name, alias) === undefined) return;
    await this.aliases.delete(name, alias);
    for (const d of this.#dependents) if (d.get(name, alias) !== undefined) await d.delete(name, alias);
  }

  async delete(name: string): Promise<FunctionRecord> {
    const current = this.#records.get(name);
    if (!current) throw functionNotFound(this.arn(name));
    if (this.#locked.has(name)) throw this.#updateInProgress(name);
    this.#locked.add(name);
    try {
      // Versions, aliases and the rest first: a crash part-way leaves the function, which a retry deletes.
      const versions = this.versions.all(name);
      await this.#versions.deleteFunction(name);
      for (const d of this.#dependents) await d.deleteFunction(name);
      await this.#app.store.deleteDoc(FUNCTION_NS, name);
      const deleted = this.#records.get(name);
      this.#records.delete(name);
      this.#reservedTotal -= deleted?.reservedConcurrency ?? 0;
      this.#specs.forget(name);
      this.emit('deleted', structuredClone(current), versions);
      return current;
    } finally {
      this.#locked.delete(name);
    }
  }

  /** An Active function's StateReason follows where its runtime runs on this machine. */
  async #noteRuntime(name: string): Promise<void> {
    const r = this.#records.get(name);
    if (!r) return;
    const note = (await this.#hosts?.get(r.runtime))?.note;
    if (note === r.stateReason || this.#records.get(name) !== r) return;
    const next: FunctionRecord = { ...r };
    if (note === undefined) delete next.stateReason;
    else next.stateReason = note;
    this.#records.set(name, next);
    await this.#app.store.putDoc(FUNCTION_NS, name, next);
  }

  #lockNow(name: string): FunctionRecord {
    const current = this.#records.get(name);
    if (!current) throw functionNotFound(this.arn(name));
    if (this.#locked.has(name)) throw this.#updateInProgress(name);
    this.#locked.add(name);
    return current;
  }

  #lockForUpdate(name: string, revisionId: string | undefined): FunctionRecord {
    const current = this.#records.get(name);
    if (!current) throw functionNotFound(this.arn(name));
    if (this.#locked.has(name) || current.lastUpdateStatus === 'InProgress' || current.state === 'Pending') {
      throw this.#updateInProgress(name);
    }
    checkRevision(revisionId, current.revisionId);
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
    return this.#transitions.instant
      ? activated(snapshot, this.#hosts?.resolved(record.runtime)?.note)
      : snapshot;
  }

  /** Pending -> Active and InProgress -> Successful, unless the function changed or vanished meanwhile. */
  async #activate(name: string, revisionId: string): Promise<void> {
    const r = this.#records.get(name);
    if (!r || r.revisionId !== revisionId) return;
    const next = activated(r, (await this.#hosts?.get(r.runtime))?.note);
    if (this.#records.get(name) !== r) return;
    this.#records.set(name, next);
    await this.#app.store.putDoc(FUNCTION_NS, name, next);
    this.emit('stateChanged', {
      functionName: name,
      state: next.state,
      lastUpdateStatus: next.lastUpdateStatus,
    });
  }
}

/**
 * A function once its transition ended: Active, its last update Successful, the reasons gone — except the note
 * of a runtime that runs on another language version here (`python3.12 runs on Python 3.11.7 on this machine`),
 * which stays as the StateReason, where users look.
 */
function activated(r: FunctionRecord, runtimeNote?: string): FunctionRecord {
  const next: FunctionRecord = { ...r, state: 'Active', lastUpdateStatus: 'Successful' };
  delete next.stateReason;
  delete next.stateReasonCode;
  delete next.lastUpdateStatusReason;
  delete next.lastUpdateStatusReasonCode;
  if (runtimeNote !== undefined) next.stateReason = runtimeNote;
  return next;
}

function sha256(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('base64');
}

export type { FunctionState, LastUpdateStatus };
