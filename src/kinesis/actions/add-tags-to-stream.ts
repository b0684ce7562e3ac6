import { operation } from '../../server/operations.js';
import { required, structure } from '../../server/shapes.js';
import { STREAM_TARGET, streamName, type KinesisContext } from '../kinesis-context.js';
import { TAG_MAP } from '../tag-rules.js';
import { addTags, streamResource } from '../kinesis-resource.js';

/** AddTagsToStream: adds or overwrites tags; a stream holds at most 50. */
export const addTagsToStream = operation({
  input: structure({ Tags: required(TAG_MAP), ...STREAM_TARGET }),
  run: (k: KinesisContext, input) => addTags(k, streamResource(k, streamName(k, input)), input.Tags),
});
