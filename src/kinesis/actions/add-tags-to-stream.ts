import { Validator } from '../../server/validator.js';
import { streamTarget, type KinesisContext } from '../kinesis-context.js';
import { checkTagCharacters, checkTagCount, tagMap } from '../tag-rules.js';

/** AddTagsToStream: adds or overwrites tags; a stream holds at most 50. */
export async function addTagsToStream(k: KinesisContext, input: Record<string, unknown>): Promise<unknown> {
  const v = new Validator(input);
  const target = streamTarget(v, k);
  const tags = tagMap(v, 'Tags', true);
  v.check();
  const name = target();
  const meta = k.streams.getVisible(name);
  checkTagCharacters(
    [...Object.keys(tags!), ...Object.values(tags!)],
    'add tags to',
    name,
    k.streams.account,
  );
  checkTagCount(new Set([...Object.keys(meta.tags), ...Object.keys(tags!)]).size, name, k.streams.account);
  await k.streams.update(name, (m) => (m.tags = { ...m.tags, ...tags }));
  return {};
}
