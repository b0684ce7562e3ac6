import { InvalidArgument } from '../../server/errors.js';
import { operation } from '../../server/operations.js';
import { integer, required, string, structure } from '../../server/shapes.js';
import { STREAM_NAME, type KinesisContext } from '../kinesis-context.js';
import type { StreamMode } from '../model.js';
import { checkTagCharacters, checkTagCount, TAG_MAP } from '../tag-rules.js';

const MODES: readonly StreamMode[] = ['PROVISIONED', 'ON_DEMAND'];
/** Shards an ON_DEMAND stream starts with (AWS's initial on-demand capacity). */
const ON_DEMAND_SHARDS = 4;

/**
 * CreateStream. PROVISIONED needs ShardCount; ON_DEMAND starts with 4 shards. With neither ShardCount
 * nor StreamModeDetails AWS creates an ON_DEMAND stream. The stream is CREATING for the transition delay.
 */
export const createStream = operation({
  input: structure({
    ShardCount: integer({ min: 1 }),
    StreamName: required(string({ min: 1, max: 128, pattern: STREAM_NAME })),
    StreamModeDetails: structure({ StreamMode: required(string({ enum: MODES })) }),
    Tags: TAG_MAP,
    // Validated as AWS's model bounds them (botocore kinesis 2013-12-02: NaturalIntegerObject, MaxRecordSizeInKiB);
    // the values are not applied: records stay at most 1 MiB and throughput is not modelled.
    WarmThroughputMiBps: integer({ min: 0 }),
    MaxRecordSizeInKiB: integer({ min: 1024, max: 10240 }),
  }),
  async run(k: KinesisContext, input) {
    const { StreamName: name, ShardCount: shardCount, Tags: tags } = input;
    const mode = input.StreamModeDetails?.StreamMode as StreamMode | undefined;
    const effectiveMode: StreamMode = mode ?? (shardCount === undefined ? 'ON_DEMAND' : 'PROVISIONED');
    let count = shardCount;
    if (effectiveMode === 'ON_DEMAND') count = ON_DEMAND_SHARDS;
    if (count === undefined) throw InvalidArgument('ShardCount is required for PROVISIONED stream mode.');
    if (tags) {
      checkTagCharacters(
        [...Object.keys(tags), ...Object.values(tags)],
        'add tags to',
        name,
        k.streams.account,
      );
      checkTagCount(Object.keys(tags).length, name, k.streams.account);
    }
    await k.streams.create(name, count, effectiveMode, tags ?? {});
  },
});
