import { operation } from '../../server/operations.js';
import { required, structure } from '../../server/shapes.js';
import { STREAM_TARGET, streamName, type KinesisContext } from '../kinesis-context.js';
import { checkTagCharacters, checkTagCount, TAG_MAP } from '../tag-rules.js';

/** AddTagsToStream: adds or overwrites tags; a stream holds at most 50. */
export const addTagsToStream = operation({
  input: structure({ Tags: required(TAG_MAP), ...STREAM_TARGET }),
  async run(k: KinesisContext, input) {
    const { Tags: tags } = input;
    const name = streamName(k, input);
    const meta = k.streams.getVisible(name);
    checkTagCharacters(
      [...Object.keys(tags), ...Object.values(tags)],
      'add tags to',
      name,
      k.streams.account,
    );
    checkTagCount(new Set([...Object.keys(meta.tags), ...Object.keys(tags)]).size, name, k.streams.account);
    await k.streams.update(name, (m) => (m.tags = { ...m.tags, ...tags }));
  },
});
