import { InvalidArgument } from '../../server/errors.js';
import { Validator } from '../../server/validator.js';
import { STREAM_NAME, type KinesisContext } from '../kinesis-context.js';
import type { StreamMode } from '../model.js';
import { checkTagCharacters, checkTagCount, tagMap } from '../tag-rules.js';

const MODES = ['PROVISIONED', 'ON_DEMAND'] as const;
/** Shards an ON_DEMAND stream starts with (AWS's initial on-demand capacity). */
const ON_DEMAND_SHARDS = 4;

/**
 * CreateStream. PROVISIONED needs ShardCount; ON_DEMAND starts with 4 shards. With neither ShardCount
 * nor StreamModeDetails AWS creates an ON_DEMAND stream. The stream is CREATING for the transition delay.
 */
export async function createStream(k: KinesisContext, input: Record<string, unknown>): Promise<unknown> {
  const v = new Validator(input);
  const name = v.string('StreamName', { required: true, min: 1, max: 128, pattern: STREAM_NAME });
  const shardCount = v.integer('ShardCount', { min: 1 });
  const modeDetails = v.map('StreamModeDetails');
  const mode =
    modeDetails === undefined
      ? undefined
      : v.enumeration<StreamMode>('StreamMode', MODES, {
          required: true,
          path: 'streamModeDetails.streamMode',
          value: modeDetails['StreamMode'],
        });
  const tags = tagMap(v, 'Tags', false);
  v.check();
  const effectiveMode: StreamMode = mode ?? (shardCount === undefined ? 'ON_DEMAND' : 'PROVISIONED');
  let count = shardCount;
  if (effectiveMode === 'ON_DEMAND') count = ON_DEMAND_SHARDS;
  if (count === undefined) throw InvalidArgument('ShardCount is required for PROVISIONED stream mode.');
  if (tags) {
    checkTagCharacters(
      [...Object.keys(tags), ...Object.values(tags)],
      'add tags to',
      name!,
      k.streams.account,
    );
    checkTagCount(Object.keys(tags).length, name!, k.streams.account);
  }
  await k.streams.create(name!, count, effectiveMode, tags ?? {});
  return {};
}
