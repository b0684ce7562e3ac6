import type { Clock } from '../server/clock.js';
import type { Store } from '../store/store.js';

/**
 * The account's Kinesis settings (Describe/UpdateAccountSettings): the minimum throughput billing commitment,
 * one document per account and region. AWS's rules (MinimumThroughputBillingCommitmentInput, API reference):
 * a commitment lasts at least 24 hours; disabling it earlier schedules the end at the earliest allowed end
 * (`ENABLED_UNTIL_EARLIEST_ALLOWED_END`), and enabling it again before then cancels that. Status is one of:
 * - `DISABLED`: no commitment (never made, or ended);
 * - `ENABLED`: committed since StartedAt, endable from EarliestAllowedEndAt;
 * - `ENABLED_UNTIL_EARLIEST_ALLOWED_END`: disabled early, ends at EarliestAllowedEndAt.
 * Tributary bills nothing: the commitment is the state UpdateStreamWarmThroughput requires.
 */
export type CommitmentStatus = 'ENABLED' | 'DISABLED' | 'ENABLED_UNTIL_EARLIEST_ALLOWED_END';

/** The stored commitment (epoch ms); its status follows from these and the time. */
interface CommitmentDoc {
  startedAt?: number;
  earliestAllowedEndAt?: number;
  endedAt?: number;
}

const NS = 'kinesis.account';
const ID = 'settings';
/** "Commitments have a minimum duration of 24 hours that must be honored before they can be disabled." */
export const MIN_COMMITMENT_MS = 24 * 3_600_000;

export class AccountSettings {
  readonly #store: Store;
  readonly #clock: Clock;

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  #doc(): CommitmentDoc {
    return this.#store.getDoc<CommitmentDoc>(NS, ID) ?? {};
  }

  status(doc = this.#doc()): CommitmentStatus {
    if (doc.startedAt === undefined) return 'DISABLED';
    if (doc.endedAt === undefined) return 'ENABLED';
    return doc.endedAt > this.#clock.now() ? 'ENABLED_UNTIL_EARLIEST_ALLOWED_END' : 'DISABLED';
  }

  /** MinimumThroughputBillingCommitmentOutput. */
  describe(doc = this.#doc()): Record<string, unknown> {
    const out: Record<string, unknown> = { Status: this.status(doc) };
    if (doc.startedAt !== undefined) out['StartedAt'] = new Date(doc.startedAt);
    if (doc.endedAt !== undefined) out['EndedAt'] = new Date(doc.endedAt);
    if (doc.earliestAllowedEndAt !== undefined)
      out['EarliestAllowedEndAt'] = new Date(doc.earliestAllowedEndAt);
    return out;
  }

  /** UpdateAccountSettings: ENABLED or DISABLED, by AWS's rules; answers the commitment after. */
  async update(want: 'ENABLED' | 'DISABLED'): Promise<Record<string, unknown>> {
    const doc = this.#doc();
    const status = this.status(doc);
    const now = this.#clock.now();
    let next: CommitmentDoc = doc;
    if (want === 'ENABLED' && status === 'DISABLED') {
      next = { startedAt: now, earliestAllowedEndAt: now + MIN_COMMITMENT_MS };
    } else if (want === 'ENABLED' && status === 'ENABLED_UNTIL_EARLIEST_ALLOWED_END') {
      next = { startedAt: doc.startedAt, earliestAllowedEndAt: doc.earliestAllowedEndAt };
    } else if (want === 'DISABLED' && status === 'ENABLED') {
      next = { ...doc, endedAt: Math.max(now, doc.earliestAllowedEndAt ?? now) };
    }
    if (next !== doc) await this.#store.putDoc(NS, ID, next);
    return this.describe(next);
  }
}
