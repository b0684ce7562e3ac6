import { operation } from '../../server/operations.js';
import { integer, string, structure } from '../../server/shapes.js';
import { STREAM_TARGET, streamName, type KinesisContext } from '../kinesis-context.js';
import { MAX_TAGS_PER_STREAM } from '../tag-rules.js';

/** ListTagsForStream: tags in key order after ExclusiveStartTagKey, Limit 1-50 (default 50), HasMoreTags. */
export const listTagsForStream = operation({
  input: structure({
    Limit: integer({ min: 1, max: MAX_TAGS_PER_STREAM }),
    ExclusiveStartTagKey: string({ min: 1, max: 128 }),
    ...STREAM_TARGET,
  }),
  async run(k: KinesisContext, input) {
    const after = input.ExclusiveStartTagKey;
    const limit = input.Limit ?? MAX_TAGS_PER_STREAM;
    const meta = k.streams.getVisible(streamName(k, input));
    const keys = Object.keys(meta.tags)
      .sort()
      .filter((key) => after === undefined || key > after);
    return {
      Tags: keys.slice(0, limit).map((key) => ({ Key: key, Value: meta.tags[key] })),
      HasMoreTags: keys.length > limit,
    };
  },
});
