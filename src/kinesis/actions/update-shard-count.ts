import { operation } from '../../server/operations.js';
import { integer, required, string, structure } from '../../server/shapes.js';
import { STREAM_TARGET, streamName, type KinesisContext } from '../kinesis-context.js';

/**
 * UpdateShardCount (UNIFORM_SCALING only): within half to double the open shard count. The stream is
 * UPDATING for the transition delay; then every open shard closes and TargetShardCount even ones open.
 */
export const updateShardCount = operation({
  input: structure({
    ScalingType: required(string({ enum: ['UNIFORM_SCALING'] })),
    ...STREAM_TARGET,
    // At most 100000: AWS's answer to 100001, recorded in kinesalite's UpdateShardCount test (the public model
    // states only the minimum).
    TargetShardCount: required(integer({ min: 1, max: 100_000 })),
  }),
  async run(k: KinesisContext, input) {
    const name = streamName(k, input);
    const count = input.TargetShardCount;
    const current = await k.streams.updateShardCount(name, count);
    const meta = k.streams.get(name);
    return { StreamName: name, StreamARN: meta.arn, CurrentShardCount: current, TargetShardCount: count };
  },
});
