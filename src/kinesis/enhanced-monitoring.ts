import { list, required, string, structure, type Infer } from '../server/shapes.js';
import { STREAM_TARGET, streamName, type KinesisContext } from './kinesis-context.js';
import type { StreamMeta } from './model.js';

/**
 * Enhanced (shard-level) monitoring: the metrics a stream publishes per shard. The names are AWS's (the model's
 * MetricsName, in its order); `ALL` stands for every one of them and is answered expanded, as AWS's CLI example
 * of enable-enhanced-monitoring shows (the Kinesis CLI reference).
 */
export const SHARD_LEVEL_METRICS = [
  'IncomingBytes',
  'IncomingRecords',
  'OutgoingBytes',
  'OutgoingRecords',
  'WriteProvisionedThroughputExceeded',
  'ReadProvisionedThroughputExceeded',
  'IteratorAgeMilliseconds',
] as const;

/** Enable/DisableEnhancedMonitoring's input (in the model's member order): 1-7 metric names (MetricsNameList). */
export const MONITORING_INPUT = structure({
  StreamName: STREAM_TARGET.StreamName,
  ShardLevelMetrics: required(list(string({ enum: [...SHARD_LEVEL_METRICS, 'ALL'] }), { min: 1, max: 7 })),
  StreamARN: STREAM_TARGET.StreamARN,
});

/** DescribeStream(Summary)'s EnhancedMonitoring: one entry, the stream's metrics. */
export function enhancedMonitoringOf(meta: StreamMeta): Array<{ ShardLevelMetrics: string[] }> {
  return [{ ShardLevelMetrics: [...(meta.shardLevelMetrics ?? [])] }];
}

/**
 * Enable adds the given metrics, Disable removes them. Like AWS, the stream is UPDATING meanwhile, so a stream
 * that is not ACTIVE is refused (ResourceInUseException). Answers the metrics before (Current) and after (Desired).
 */
export async function changeMonitoring(
  k: KinesisContext,
  input: Infer<typeof MONITORING_INPUT>,
  direction: 'enable' | 'disable',
): Promise<Record<string, unknown>> {
  const name = streamName(k, input);
  const all = input.ShardLevelMetrics.includes('ALL');
  const given = new Set<string>(all ? SHARD_LEVEL_METRICS : input.ShardLevelMetrics);
  const [current, desired] = await k.streams.updateSettings(name, (meta) => {
    const before = meta.shardLevelMetrics ?? [];
    const after = SHARD_LEVEL_METRICS.filter((m) =>
      direction === 'enable' ? before.includes(m) || given.has(m) : before.includes(m) && !given.has(m),
    );
    meta.shardLevelMetrics = after;
    return [before, after];
  });
  const meta = k.streams.get(name);
  return {
    StreamName: meta.name,
    CurrentShardLevelMetrics: current,
    DesiredShardLevelMetrics: desired,
    StreamARN: meta.arn,
  };
}
