import type { EncodedRecord } from './event-builder.js';

export type FailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/** What is known about a discarded batch, for the on-failure destination. */
export interface DiscardedBatch {
  condition: FailureCondition;
  records: ReadonlyArray<EncodedRecord>;
  shardId: string;
  streamArn: string;
  functionArn: string;
  requestId: string;
  approximateInvokeCount: number;
  /** Set for RetryAttemptsExhausted: how the last invoke ended. */
  response?: { statusCode: number; functionError: string | null };
}

/** The invocation record AWS sends to an OnFailure destination for a Kinesis source (doc example). */
export function failureRecord(d: DiscardedBatch, now = new Date()): Record<string, unknown> {
  const first = d.records[0]!.record;
  const last = d.records[d.records.length - 1]!.record;
  const out: Record<string, unknown> = {
    requestContext: {
      requestId: d.requestId,
      functionArn: d.functionArn,
      condition: d.condition,
      approximateInvokeCount: d.approximateInvokeCount,
    },
  };
  if (d.response) {
    out['responseContext'] = {
      statusCode: d.response.statusCode,
      executedVersion: '$LATEST',
      functionError: d.response.functionError,
    };
  }
  out['version'] = '1.0';
  out['timestamp'] = now.toISOString();
  out['KinesisBatchInfo'] = {
    shardId: d.shardId,
    startSequenceNumber: first.sequenceNumber,
    endSequenceNumber: last.sequenceNumber,
    approximateArrivalOfFirstRecord: new Date(first.arrival).toISOString(),
    approximateArrivalOfLastRecord: new Date(last.arrival).toISOString(),
    batchSize: d.records.length,
    streamArn: d.streamArn,
  };
  return out;
}
