import { operation } from '../../server/operations.js';
import { required, structure } from '../../server/shapes.js';
import type { KinesisContext } from '../kinesis-context.js';
import { TAG_KEY_LIST } from '../tag-rules.js';
import { removeTags, RESOURCE_ARN, kinesisResource } from '../kinesis-resource.js';

/** UntagResource: removes the given keys from a stream or a consumer; keys it does not have are ignored. */
export const untagResource = operation({
  input: structure({ TagKeys: required(TAG_KEY_LIST), ResourceARN: required(RESOURCE_ARN) }),
  run: (k: KinesisContext, input) => removeTags(k, kinesisResource(k, input.ResourceARN), input.TagKeys),
});
