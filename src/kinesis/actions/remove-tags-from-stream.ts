import { operation } from '../../server/operations.js';
import { required, structure } from '../../server/shapes.js';
import { STREAM_TARGET, streamName, type KinesisContext } from '../kinesis-context.js';
import { TAG_KEY_LIST } from '../tag-rules.js';
import { removeTags, streamResource } from '../kinesis-resource.js';

/** RemoveTagsFromStream: removes the given keys; keys the stream does not have are ignored. */
export const removeTagsFromStream = operation({
  input: structure({ TagKeys: required(TAG_KEY_LIST), ...STREAM_TARGET }),
  run: (k: KinesisContext, input) => removeTags(k, streamResource(k, streamName(k, input)), input.TagKeys),
});
