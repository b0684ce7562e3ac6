import { EventEmitter } from 'node:events';
import type { StreamStatus } from './model.js';

/**
 * What the Kinesis component reports. The stream registry emits the lifecycle and record events, the
 * GetRecords action emits `getRecords`; the mapping engine and SubscribeToShard wake on `append`, `reshard`,
 * `status` and `deleted`, CloudWatch turns `incoming` and `getRecords` into AWS/Kinesis metrics.
 */
export interface KinesisEventMap {
  /** Records became durable and readable in a shard. */
  append: [{ stream: string; shardId: string; lastPosition: number }];
  /** Shards were closed/created (split, merge, UpdateShardCount) or dropped (closed past the retention period). */
  reshard: [{ stream: string }];
  /** A stream finished being deleted. */
  deleted: [{ stream: string; arn: string }];
  /** A stream changed status. */
  status: [{ stream: string; status: StreamStatus }];
  /** A put became durable: IncomingRecords / IncomingBytes (data + partition keys) of the AWS/Kinesis metrics. */
  incoming: [{ stream: string; records: number; bytes: number }];
  /** A GetRecords call answered: GetRecords.* metrics. */
  getRecords: [{ stream: string; records: number; bytes: number; millisBehindLatest: number }];
}

/** The Kinesis component's one event emitter (created by the component, handed to its parts). */
export class KinesisEvents extends EventEmitter<KinesisEventMap> {
  constructor() {
    super();
    // Every mapping runner and subscription of a busy server listens: no listener limit.
    this.setMaxListeners(0);
  }
}
