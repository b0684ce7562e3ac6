import { operation } from '../../server/operations.js';
import { structure } from '../../server/shapes.js';
import { warmThroughputOf } from '../warm-throughput.js';
import { STREAM_TARGET, streamName, type KinesisContext } from '../kinesis-context.js';
import { streamDescriptionFields } from '../stream-description.js';

/** DescribeStreamSummary: the stream without its shard list, plus open shard and consumer counts. */
export const describeStreamSummary = operation({
  input: structure(STREAM_TARGET),
  async run(k: KinesisContext, input) {
    const meta = k.streams.get(streamName(k, input));
    const warm = warmThroughputOf(meta);
    return {
      StreamDescriptionSummary: {
        ...streamDescriptionFields(meta),
        OpenShardCount: meta.shards.filter((s) => s.endPosition === undefined).length,
        ConsumerCount: meta.consumers.length,
        ...(warm !== undefined ? { WarmThroughput: warm } : {}),
      },
    };
  },
});
