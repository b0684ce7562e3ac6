import { operation } from '../../server/operations.js';
import { required, structure } from '../../server/shapes.js';
import { STREAM_TARGET, streamName, type KinesisContext } from '../kinesis-context.js';
import { checkTagCharacters, TAG_KEY_LIST } from '../tag-rules.js';

/** RemoveTagsFromStream: removes the given keys; keys the stream does not have are ignored. */
export const removeTagsFromStream = operation({
  input: structure({ TagKeys: required(TAG_KEY_LIST), ...STREAM_TARGET }),
  async run(k: KinesisContext, input) {
    const keys = input.TagKeys;
    const name = streamName(k, input);
    k.streams.getVisible(name);
    checkTagCharacters(keys, 'remove tags from', name, k.streams.account);
    await k.streams.update(name, (m) => {
      const tags = { ...m.tags };
      for (const key of keys) delete tags[key];
      m.tags = tags;
    });
  },
});
