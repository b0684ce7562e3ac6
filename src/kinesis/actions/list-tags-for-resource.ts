import { operation } from '../../server/operations.js';
import { required, structure } from '../../server/shapes.js';
import type { KinesisContext } from '../kinesis-context.js';
import { kinesisResource, RESOURCE_ARN, tagsOf } from '../kinesis-resource.js';

/** ListTagsForResource: every tag of a stream or a consumer, in key order (no paging: at most 50). */
export const listTagsForResource = operation({
  input: structure({ ResourceARN: required(RESOURCE_ARN) }),
  async run(k: KinesisContext, input) {
    const tags = tagsOf(kinesisResource(k, input.ResourceARN));
    return {
      Tags: Object.keys(tags)
        .sort()
        .map((key) => ({ Key: key, Value: tags[key] })),
    };
  },
});
