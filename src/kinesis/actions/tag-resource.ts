import { operation } from '../../server/operations.js';
import { required, structure } from '../../server/shapes.js';
import type { KinesisContext } from '../kinesis-context.js';
import { TAG_MAP } from '../tag-rules.js';
import { addTags, RESOURCE_ARN, kinesisResource } from '../kinesis-resource.js';

/** TagResource: adds or overwrites tags on a stream or a consumer (at most 50 each), AddTagsToStream's rules. */
export const tagResource = operation({
  input: structure({ Tags: required(TAG_MAP), ResourceARN: required(RESOURCE_ARN) }),
  run: (k: KinesisContext, input) => addTags(k, kinesisResource(k, input.ResourceARN), input.Tags),
});
