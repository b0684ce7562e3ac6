import type { KinesisEventMap } from '../../kinesis/kinesis-events.js';
import type { MappingEvents } from '../../mappings/engine/events.js';
import type { MappingMeta } from '../../mappings/model.js';
import { dimensionCache, dims, type Dimension } from '../dimensions.js';
import { KINESIS_NAMESPACE, type MetricRecorder } from '../metric-recorder.js';

export interface StreamEventSource {
  on<K extends keyof KinesisEventMap>(event: K, listener: (...args: KinesisEventMap[K]) => void): unknown;
}

export interface PolledEventSource {
  on(event: 'polled', listener: (...args: MappingEvents['polled']) => void): unknown;
  /** The mapping with this UUID, if it exists (asked for every batch). */
  find(uuid: string): MappingMeta | undefined;
}

/**
 * AWS/Kinesis metrics under {StreamName}: IncomingRecords / IncomingBytes per put request,
 * WriteProvisionedThroughputExceeded (0 per put: Tributary does not throttle writes), and per GetRecords
 * call GetRecords.Records / .Bytes / .Success / .IteratorAgeMilliseconds. Event source mappings read
 * shards directly rather than through the API, but on AWS they call GetRecords, so their polls count in
 * GetRecords.Records too.
 */
export function recordStreamMetrics(
  streams: StreamEventSource,
  mappings: PolledEventSource,
  rec: MetricRecorder,
): void {
  const streamSets = dimensionCache((stream) => [dims({ StreamName: stream })]);
  const byStream = (stream: string): Dimension[][] => streamSets.get(stream);
  streams.on('incoming', (e) => {
    const t = rec.streamTotals(e.stream);
    t.incomingRecords += e.records;
    t.incomingBytes += e.bytes;
    rec.put(KINESIS_NAMESPACE, 'IncomingRecords', byStream(e.stream), e.records);
    rec.put(KINESIS_NAMESPACE, 'IncomingBytes', byStream(e.stream), e.bytes);
    rec.put(KINESIS_NAMESPACE, 'WriteProvisionedThroughputExceeded', byStream(e.stream), 0);
  });
  streams.on('getRecords', (e) => {
    rec.streamTotals(e.stream).getRecordsRecords += e.records;
    rec.put(KINESIS_NAMESPACE, 'GetRecords.Records', byStream(e.stream), e.records);
    rec.put(KINESIS_NAMESPACE, 'GetRecords.Bytes', byStream(e.stream), e.bytes);
    rec.put(KINESIS_NAMESPACE, 'GetRecords.Success', byStream(e.stream), 1);
    rec.put(
      KINESIS_NAMESPACE,
      'GetRecords.IteratorAgeMilliseconds',
      byStream(e.stream),
      e.millisBehindLatest,
    );
  });
  const streamNames = new Map<string, string | undefined>();
  const streamOf = (arn: string | undefined): string | undefined => {
    if (arn === undefined) return undefined;
    let name = streamNames.get(arn);
    if (name === undefined) {
      if (streamNames.size >= 10_000) streamNames.clear();
      streamNames.set(arn, (name = arn.split('/')[1]));
    }
    return name;
  };
  mappings.on('polled', (e) => {
    const stream = streamOf(mappings.find(e.uuid)?.EventSourceArn);
    if (!stream) return;
    rec.streamTotals(stream).getRecordsRecords += e.records;
    rec.put(KINESIS_NAMESPACE, 'GetRecords.Records', byStream(stream), e.records);
  });
}
