import type { KinesisRecord } from '../kinesis/model.js';
import type { Shard } from '../kinesis/shard.js';
import { AwsError } from '../server/errors.js';
import { InvalidParameterValue } from './actions/mapping-fields.js';
import { parseEventSourceArn } from './actions/resolve-event-source.js';
import { buildPayload, encodeRecord, eventContext } from './engine/event-builder.js';
import type { MappingsContext } from './mappings-context.js';

/**
 * Replaying a failed batch (Tributary's own; AWS has no such operation, users write scripts): the records an
 * on-failure destination's message names (its `KinesisBatchInfo`: shard, first and last sequence number) are read
 * again from the mapping's stream and sent to the mapping's function — or another version of it (`qualifier`) —
 * in one synchronous invoke, as the Kinesis event the mapping would have built. Nothing of the mapping changes: no
 * checkpoint moves, no retry policy applies, no destination is told; the caller sees the result.
 */
export interface ReplayRange {
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
  /** When given (a failure record names it), it must be the mapping's stream, this generation of it. */
  streamArn?: string;
}

/** What the replay endpoint answers (in the Lambda API's casing). */
export interface ReplayResult {
  /** The function invoked: the mapping's, with the qualifier when one was given. */
  FunctionArn: string;
  /** How many records the event held. */
  Records: number;
  StatusCode: number;
  /** `Unhandled` when the function failed, as Invoke's X-Amz-Function-Error. */
  FunctionError?: string;
  ExecutedVersion: string;
  RequestId: string;
  DurationMs: number;
  /** The function's response (or its error object), as text. */
  Payload: string;
}

/** At most this many records in one replay: Kinesis mappings' largest BatchSize (a failed batch is never bigger). */
export const MAX_REPLAY_RECORDS = 10000;

export async function replayBatch(
  c: MappingsContext,
  uuid: string,
  range: ReplayRange,
  qualifier?: string,
): Promise<ReplayResult> {
  const m = c.get(uuid);
  const source = parseEventSourceArn(m.EventSourceArn);
  const stream = source ? c.streams.findStream(source.streamName) : undefined;
  if (!source || !stream || stream.meta.arn !== source.streamArn) {
    throw new AwsError('ResourceNotFoundException', `Stream not found: ${m.EventSourceArn}`, 404);
  }
  if (range.streamArn !== undefined && range.streamArn !== source.streamArn) {
    throw InvalidParameterValue(
      `The batch is from stream ${range.streamArn}, not from the mapping's stream ${source.streamArn}`,
    );
  }
  const shard = stream.findShard(range.shardId);
  if (!shard) {
    throw new AwsError(
      'ResourceNotFoundException',
      `Shard ${range.shardId} not found in ${source.streamArn}`,
      404,
    );
  }
  const start = positionIn(range.startSequenceNumber, shard, range.shardId);
  const end = positionIn(range.endSequenceNumber, shard, range.shardId);
  if (end < start) throw InvalidParameterValue('endSequenceNumber is before startSequenceNumber');
  const count = end - start + 1;
  if (count > MAX_REPLAY_RECORDS) {
    throw InvalidParameterValue(
      `A replay holds at most ${MAX_REPLAY_RECORDS} records; this range has ${count}`,
    );
  }
  const { first, last } = shard.bounds();
  if (start < first || end > last) {
    throw InvalidParameterValue(
      start < first
        ? `Records of this range are no longer in the stream (trimmed by its retention period)`
        : `Records of this range are not in the shard ${range.shardId}`,
    );
  }
  const records: KinesisRecord[] = shard.read(start, count);
  const fn = c.invoker.lookup(m.FunctionArn);
  if (!fn) throw new AwsError('ResourceNotFoundException', `Function not found: ${m.FunctionArn}`, 404);
  const target = qualifier === undefined ? fn.functionArn : `${fn.functionArn}:${qualifier}`;
  const ctx = eventContext({
    shardId: range.shardId,
    streamArn: source.streamArn,
    region: c.app.options.region,
    role: fn.role,
  });
  const payload = buildPayload(
    records.map((r) => encodeRecord(r, ctx)),
    ctx,
  );
  const r = await c.invoker.invoke(target, payload);
  const out: ReplayResult = {
    FunctionArn: target,
    Records: records.length,
    StatusCode: r.statusCode,
    ExecutedVersion: r.executedVersion,
    RequestId: r.requestId,
    DurationMs: r.durationMs,
    Payload: r.payload.toString('utf8'),
  };
  if (r.functionError !== undefined) out.FunctionError = r.functionError;
  return out;
}

/** The position a sequence number names in this shard of this stream generation; an error for any other. */
function positionIn(seq: string, shard: Shard, shardId: string): number {
  const at = shard.sequence.locate(seq);
  if (at.kind === 'invalid' || (at.kind === 'position' && at.position < shard.meta.startPosition)) {
    throw InvalidParameterValue(`Not a record's sequence number: ${seq}`);
  }
  if (at.kind !== 'position') {
    throw InvalidParameterValue(`Sequence number ${seq} is not of shard ${shardId} of this stream`);
  }
  return at.position;
}
