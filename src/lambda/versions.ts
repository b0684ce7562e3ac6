import { randomUUID } from 'node:crypto';
import type { Store } from '../store/store.js';
import { functionNotFound, InvalidParameterValue, ResourceConflict } from './lambda-errors.js';
import {
  ALIAS_NS,
  lastModifiedNow,
  VERSION_NS,
  type AliasRecord,
  type FunctionRecord,
  type PolicyStatement,
} from './model.js';
import { PerFunctionDocs } from './per-function-docs.js';

/**
 * What a FunctionName (+ Qualifier) addresses: `$LATEST`, a published version, or an alias (whose `record` is
 * the version it points at; an invoke may pick another by its weights, see `Versions.pick`).
 */
export interface Target {
  /** The configuration addressed: $LATEST's record or a version's snapshot (with the function's tags and reserved concurrency). */
  record: FunctionRecord;
  /** `$LATEST` or a version number. */
  version: string;
  alias?: AliasRecord;
  /** The qualifier given (in the name or as Qualifier), if any. */
  qualifier?: string;
  /** The ARN as addressed: qualified when a qualifier was given (what AWS reports as FunctionArn and invokedFunctionArn). */
  arn: string;
}

/** PublishVersion's preconditions and the version's own description. */
export interface PublishRequest {
  codeSha256?: string;
  revisionId?: string;
  description?: string;
}

/**
 * A function's published versions (immutable snapshots of $LATEST, namespace `lambda.version`) and aliases
 * (`lambda.alias`), and how a qualifier resolves against them. The FunctionRegistry owns one and deletes a
 * function's versions and aliases with it.
 */
export class Versions {
  readonly versions: PerFunctionDocs<FunctionRecord>;
  readonly aliases: PerFunctionDocs<AliasRecord>;

  constructor(store: Store) {
    this.versions = new PerFunctionDocs(store, VERSION_NS);
    this.aliases = new PerFunctionDocs(store, ALIAS_NS);
  }

  /** `$LATEST` or a published version's snapshot, with the function-wide settings of `$LATEST`. */
  record(latest: FunctionRecord, version: string): FunctionRecord | undefined {
    if (version === '$LATEST') return latest;
    const v = this.versions.get(latest.name, version);
    if (!v) return undefined;
    const out: FunctionRecord = { ...v, tags: latest.tags };
    if (latest.reservedConcurrency !== undefined) out.reservedConcurrency = latest.reservedConcurrency;
    return out;
  }

  /** What qualifier `q` of the function addresses (a number is a version, anything else an alias). */
  target(latest: FunctionRecord, q: string | undefined, arn: string): Target | undefined {
    if (q === undefined || q === '$LATEST') return { record: latest, version: '$LATEST', qualifier: q, arn };
    if (/^\d+$/.test(q)) {
      const record = this.record(latest, q);
      return record ? { record, version: q, qualifier: q, arn } : undefined;
    }
    const alias = this.aliases.get(latest.name, q);
    if (!alias) return undefined;
    const record = this.record(latest, alias.functionVersion);
    return record ? { record, version: alias.functionVersion, alias, qualifier: q, arn } : undefined;
  }

  /**
   * The version an invoke of `t` runs: an alias with AdditionalVersionWeights sends each extra version its share
   * of invocations (`random` in [0, 1), injected so that tests can check the split), the rest to its version.
   */
  pick(latest: FunctionRecord, t: Target, random: () => number): { record: FunctionRecord; version: string } {
    const weights = t.alias?.weights;
    if (weights) {
      let x = random();
      for (const [version, w] of Object.entries(weights)) {
        const record = x < w ? this.record(latest, version) : undefined;
        if (record) return { record, version };
        x -= w;
      }
    }
    return { record: t.record, version: t.version };
  }

  /** The snapshot PublishVersion stores as version `number`: $LATEST's code and configuration, nothing function-wide. */
  snapshot(
    current: FunctionRecord,
    number: number,
    revisionId: string,
    lastModified: string,
    description?: string,
  ): FunctionRecord {
    const s: FunctionRecord = {
      ...current,
      version: String(number),
      revisionId,
      lastModified,
      description: description ?? current.description,
      tags: {},
      // A version is published whole: Active, its update done (CreateFunction with Publish publishes while Pending).
      state: 'Active',
      lastUpdateStatus: 'Successful',
    };
    const notCopied = [
      'policy',
      'lastVersion',
      'publishedRevisionId',
      'reservedConcurrency',
      'stateReason',
      'stateReasonCode',
      'lastUpdateStatusReason',
      'lastUpdateStatusReasonCode',
    ] as const;
    for (const k of notCopied) delete s[k];
    return s;
  }

  /**
   * PublishVersion on `current` ($LATEST, locked by the caller): `codeSha256` is a precondition; with nothing
   * changed since the last version that version is returned (AWS's rule), else the next number is stored and
   * `saveLatest` records it on $LATEST.
   */
  async publish(
    current: FunctionRecord,
    req: PublishRequest,
    saveLatest: (
      change: Pick<FunctionRecord, 'lastVersion' | 'publishedRevisionId'>,
    ) => Promise<FunctionRecord>,
  ): Promise<FunctionRecord> {
    if (req.codeSha256 !== undefined && req.codeSha256 !== current.codeSha256) {
      throw InvalidParameterValue(
        `CodeSHA256 (${req.codeSha256}) is different from current CodeSHA256 in $LATEST (${current.codeSha256}). Please try again with the CodeSHA256 in $LATEST.`,
      );
    }
    const last = current.lastVersion;
    if (last !== undefined && current.publishedRevisionId === current.revisionId) {
      const existing = this.record(current, String(last));
      if (existing) return structuredClone(existing);
    }
    const number = (last ?? 0) + 1;
    const snapshot = this.snapshot(current, number, randomUUID(), lastModifiedNow(), req.description);
    // The version first: a crash in between leaves a version $LATEST does not count yet, whose number the next
    // publish overwrites with a fresh snapshot — never a number counted twice.
    await this.versions.put(current.name, snapshot.version!, snapshot);
    const latest = await saveLatest({ lastVersion: number, publishedRevisionId: current.revisionId });
    return structuredClone(this.record(latest, snapshot.version!)!);
  }

  /** DeleteFunction with a version number: refused while an alias points at it (AWS's rule). */
  async deleteVersion(name: string, version: string, arn: string): Promise<FunctionRecord> {
    const v = this.versions.get(name, version);
    if (!v) throw functionNotFound(arn);
    const using = this.#aliasesUsing(name, version);
    if (using.length > 0) {
      throw ResourceConflict(
        `Unable to delete version because the following aliases reference it: [${using.join(', ')}]`,
      );
    }
    await this.versions.delete(name, version);
    return v;
  }

  /** Aliases that send invocations to `version` (as their version or by weight), by name. */
  #aliasesUsing(functionName: string, version: string): string[] {
    return this.aliases
      .all(functionName)
      .filter((a) => a.functionVersion === version || (a.weights !== undefined && version in a.weights))
      .map((a) => a.name)
      .sort();
  }

  /** The resource policy of what `t` addresses: $LATEST, each version and each alias have their own (as in AWS). */
  policyOf(t: Target): PolicyStatement[] {
    if (t.alias) return t.alias.policy ?? [];
    return t.record.policy ?? [];
  }

  /** Sets the policy of an alias or version; false when `t` is $LATEST (the registry's own record). */
  async setPolicy(t: Target, policy: PolicyStatement[]): Promise<boolean> {
    const name = t.record.name;
    if (t.alias) {
      await this.aliases.put(name, t.alias.name, withPolicy(t.alias, policy));
      return true;
    }
    const v = t.version === '$LATEST' ? undefined : this.versions.get(name, t.version);
    if (!v) return false;
    await this.versions.put(name, t.version, withPolicy(v, policy));
    return true;
  }

  async deleteFunction(name: string): Promise<void> {
    await this.aliases.deleteFunction(name);
    await this.versions.deleteFunction(name);
  }
}

/** A copy with these policy statements (none: no `policy` member, as a fresh record). */
export function withPolicy<T extends { policy?: PolicyStatement[] }>(doc: T, policy: PolicyStatement[]): T {
  const next: T = { ...doc, policy };
  if (policy.length === 0) delete next.policy;
  return next;
}
