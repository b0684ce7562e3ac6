import { Validator } from '../../server/validator.js';
import { streamTarget, type KinesisContext } from '../kinesis-context.js';
import { MAX_TAGS_PER_STREAM } from '../tag-rules.js';

/** ListTagsForStream: tags in key order after ExclusiveStartTagKey, Limit 1-50 (default 50), HasMoreTags. */
export async function listTagsForStream(k: KinesisContext, input: Record<string, unknown>): Promise<unknown> {
  const v = new Validator(input);
  const target = streamTarget(v, k);
  const after = v.string('ExclusiveStartTagKey', { min: 1, max: 128 });
  const limit = v.integer('Limit', { min: 1, max: MAX_TAGS_PER_STREAM }) ?? MAX_TAGS_PER_STREAM;
  v.check();
  const meta = k.streams.getVisible(target());
  const keys = Object.keys(meta.tags)
    .sort()
    .filter((key) => after === undefined || key > after);
  return {
    Tags: keys.slice(0, limit).map((key) => ({ Key: key, Value: meta.tags[key] })),
    HasMoreTags: keys.length > limit,
  };
}
