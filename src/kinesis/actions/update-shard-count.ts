import { Validator } from '../../server/validator.js';
import { streamTarget, type KinesisContext } from '../kinesis-context.js';

/**
 * UpdateShardCount (UNIFORM_SCALING only): within half to double the open shard count. The stream is
 * UPDATING for the transition delay; then every open shard closes and TargetShardCount even ones open.
 */
export async function updateShardCount(k: KinesisContext, input: Record<string, unknown>): Promise<unknown> {
  const v = new Validator(input);
  const target = streamTarget(v, k);
  const count = v.integer('TargetShardCount', { required: true, min: 1 });
  v.enumeration('ScalingType', ['UNIFORM_SCALING'], { required: true });
  v.check();
  const name = target();
  const current = await k.streams.updateShardCount(name, count!);
  const meta = k.streams.get(name);
  return { StreamName: name, StreamARN: meta.arn, CurrentShardCount: current, TargetShardCount: count };
}
