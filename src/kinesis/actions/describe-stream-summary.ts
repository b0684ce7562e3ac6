import { Validator } from '../../server/validator.js';
import { streamTarget, type KinesisContext } from '../kinesis-context.js';

/** DescribeStreamSummary: the stream without its shard list, plus open shard and consumer counts. */
export async function describeStreamSummary(
  k: KinesisContext,
  input: Record<string, unknown>,
): Promise<unknown> {
  const v = new Validator(input);
  const target = streamTarget(v, k);
  v.check();
  const meta = k.streams.get(target());
  return {
    StreamDescriptionSummary: {
      StreamName: meta.name,
      StreamARN: meta.arn,
      StreamStatus: meta.status,
      StreamModeDetails: { StreamMode: meta.mode },
      RetentionPeriodHours: meta.retentionHours,
      StreamCreationTimestamp: new Date(meta.createdAt),
      EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
      EncryptionType: meta.encryptionType,
      OpenShardCount: meta.shards.filter((s) => s.endPosition === undefined).length,
      ConsumerCount: meta.consumers.length,
    },
  };
}
