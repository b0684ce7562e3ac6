/**
 * Stream lifecycle, as DescribeStream reports it:
 * - `CREATING`: just created, not yet writable (CreateStream -> ACTIVE after the transition delay).
 * - `ACTIVE`: readable and writable.
 * - `UPDATING`: resharding or changing mode; still readable and writable.
 * - `DELETING`: DeleteStream was called (on an ACTIVE, UPDATING or CREATING stream, as AWS allows); the stream
 *   disappears after the transition delay.
 */
export type StreamStatus = 'CREATING' | 'ACTIVE' | 'UPDATING' | 'DELETING';

export type StreamMode = 'PROVISIONED' | 'ON_DEMAND';

/** Persisted shard metadata. Hash keys are decimal strings (128-bit). */
export interface ShardMeta {
  index: number;
  shardId: string;
  startingHashKey: string;
  endingHashKey: string;
  parentShardId?: string;
  adjacentParentShardId?: string;
  /** Every closed shard whose range this one overlaps (UpdateShardCount can give more than two). */
  parents?: string[];
  /** Position of the first record this shard can hold. */
  startPosition: number;
  /** Set when the shard is closed by resharding: the last position it holds (may be startPosition - 1 if empty). */
  endPosition?: number;
  /** Epoch ms the shard was created / closed. */
  createdAt: number;
  closedAt?: number;
}

export interface ConsumerMeta {
  consumerName: string;
  consumerArn: string;
  status: 'CREATING' | 'ACTIVE' | 'DELETING';
  createdAt: number;
  /** TagResource's tags on the consumer (absent: none). */
  tags?: Record<string, string>;
  /** PutResourcePolicy's policy document, as given (absent: none). */
  policy?: string;
}

/** Persisted stream document. */
export interface StreamMeta {
  name: string;
  arn: string;
  /** Creation time in epoch ms; also the sequence-number salt. */
  createdAt: number;
  status: StreamStatus;
  mode: StreamMode;
  retentionHours: number;
  shards: ShardMeta[];
  tags: Record<string, string>;
  consumers: ConsumerMeta[];
  encryptionType: 'NONE' | 'KMS';
  /** StartStreamEncryption's key (a key id, key ARN, alias or alias ARN, as given): shown, never used. */
  keyId?: string;
  /** PutResourcePolicy's policy document, as given (absent: none). */
  policy?: string;
  /** UpdateStreamWarmThroughput's target, and the value before it (current while UPDATING): warm-throughput.ts. */
  warmThroughput?: { targetMiBps: number; previousMiBps: number };
  /** Enhanced monitoring's shard-level metrics, in AWS's order (absent: none). */
  shardLevelMetrics?: string[];
  /** Set when DeleteStream came while CREATING: the stream never had shards to list (DescribeStream). */
  deletedWhileCreating?: true;
}

/** A record as the API and the mapping engine see it. */
export interface KinesisRecord {
  sequenceNumber: string;
  partitionKey: string;
  data: Uint8Array;
  /** Epoch ms. */
  arrival: number;
  /** Position inside the shard (the store's seq). */
  position: number;
  /** Set on records read from a shard's log: where their bytes lie in the stored block. */
  readonly stored?: StoredBytes;
}

/**
 * Where a record read from a shard's log lies in its stored block. Writers that copy its bytes without making
 * strings of them (the mapping engine's event builder) read these; a record made any other way has none.
 */
export interface StoredBytes {
  /** The whole block. */
  readonly bytes: Uint8Array;
  /** The partition key is bytes[keyStart, dataStart) (UTF-8); the data is bytes[dataStart, dataEnd). */
  readonly keyStart: number;
  readonly dataStart: number;
  readonly dataEnd: number;
}

/** 1 MiB: the maximum size of a record's data blob, and of data plus partition key. */
export const MAX_RECORD_BYTES = 1024 * 1024;
