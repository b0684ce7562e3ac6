import { Validator } from '../../server/validator.js';
import { streamTarget, type KinesisContext } from '../kinesis-context.js';
import { checkTagCharacters, tagKeyList } from '../tag-rules.js';

/** RemoveTagsFromStream: removes the given keys; keys the stream does not have are ignored. */
export async function removeTagsFromStream(
  k: KinesisContext,
  input: Record<string, unknown>,
): Promise<unknown> {
  const v = new Validator(input);
  const target = streamTarget(v, k);
  const keys = tagKeyList(v, 'TagKeys');
  v.check();
  const name = target();
  k.streams.getVisible(name);
  checkTagCharacters(keys!, 'remove tags from', name, k.streams.account);
  await k.streams.update(name, (m) => {
    const tags = { ...m.tags };
    for (const key of keys!) delete tags[key];
    m.tags = tags;
  });
  return {};
}
