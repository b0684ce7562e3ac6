import type { MappingState } from '../model.js';
import type { FailureCondition } from './failure-record.js';
import type { ShardLag } from './mapping-runner.js';

/** Typed events of the mapping engine; metrics and tests consume them. */
export interface MappingEvents {
  /** A mapping changed state. */
  state: [{ uuid: string; state: MappingState }];
  /** An invoke of a batch finished (or never reached the function: `throttled` / `error`). */
  batch: [
    {
      uuid: string;
      shardId: string;
      records: number;
      firstSequenceNumber: string;
      lastSequenceNumber: string;
      outcome: 'success' | 'failure' | 'throttled' | 'error';
      durationMs: number;
      /** Age of the batch's last record when its processing finished (IteratorAge). */
      iteratorAgeMs: number;
      functionError?: string;
    },
  ];
  /** A shard checkpoint is durable. */
  checkpoint: [{ uuid: string; generation: number; shardId: string; position: number; finished: boolean }];
  /** Records were given up on and sent (or not) to the on-failure destination. */
  discard: [
    {
      uuid: string;
      shardId: string;
      condition: FailureCondition;
      records: number;
      /** The first and last discarded record (the failure record's KinesisBatchInfo names them too). */
      firstSequenceNumber: string;
      lastSequenceNumber: string;
      delivered: boolean;
      destination?: string;
      /** Why delivery to the destination failed (after its retries). */
      deliveryError?: string;
    },
  ];
  /** Records dropped by FilterCriteria (they advance the checkpoint). */
  filtered: [{ uuid: string; shardId: string; records: number }];
  /** Records read from a shard (before filtering). */
  polled: [{ uuid: string; shardId: string; records: number }];
  /** A shard processor started or finished (a closed shard read to its end). */
  shard: [{ uuid: string; shardId: string; status: 'started' | 'finished' | 'stopped' }];
  /**
   * How far an enabled mapping is behind, sampled every `lagIntervalMs` while records are pending (and once more
   * when it has caught up): records not yet processed, from the checkpoints to the shard tips, and the age of the
   * oldest of them, overall and per shard.
   */
  lag: [{ uuid: string; recordsBehind: number; iteratorAgeMs: number; shards: ShardLag[] }];
  /** A bug in the engine (logged with its stack): counted, never turned into a state. */
  bug: [{ uuid: string; shardId?: string; what: string }];
  /** The watchdog found a shard with records pending and nothing under way, and restarted its reader. */
  stall: [{ uuid: string; shardId: string; recordsBehind: number; idleMs: number }];
}
