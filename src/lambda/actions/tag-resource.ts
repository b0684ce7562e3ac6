import { operation } from '../../server/operations.js';
import { map, required, string, structure } from '../../server/shapes.js';
import { InvalidParameterValue } from '../lambda-errors.js';
import type { LambdaContext } from '../lambda-context.js';
import { MAX_TAGS } from '../tagging.js';
import { RESOURCE_ARN, taggableFor } from './tag-fields.js';

/** TagResource (POST /2017-03-31/tags/{Resource}): 204; adds or replaces tags on a function or event source mapping. */
export const tagResource = operation({
  input: structure({
    Resource: required(RESOURCE_ARN),
    Tags: required(map(string({ min: 0, max: 256 }), { key: string({ min: 1, max: 128 }), typeName: 'map' })),
  }),
  async run(c: LambdaContext, input) {
    const t = taggableFor(c, input.Resource);
    const tags = { ...t.tagsOf(input.Resource), ...input.Tags };
    if (Object.keys(tags).length > MAX_TAGS)
      throw InvalidParameterValue(`Number of tags exceeds resource tag limit of ${MAX_TAGS}.`);
    await t.setTags(input.Resource, tags);
    return { status: 204 };
  },
});
