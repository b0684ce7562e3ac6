import { operation } from '../../server/operations.js';
import { list, required, string, structure } from '../../server/shapes.js';
import type { LambdaContext } from '../lambda-context.js';
import { RESOURCE_ARN, taggableFor } from './tag-fields.js';

/** UntagResource (DELETE /2017-03-31/tags/{Resource}?tagKeys=...): 204; keys the resource does not have are ignored. */
export const untagResource = operation({
  input: structure({
    Resource: required(RESOURCE_ARN),
    TagKeys: required(list(string({ min: 1, max: 128 }), { location: 'querystring', name: 'tagKeys' })),
  }),
  async run(c: LambdaContext, input) {
    const t = taggableFor(c, input.Resource);
    const tags = { ...t.tagsOf(input.Resource) };
    for (const k of input.TagKeys) delete tags[k];
    await t.setTags(input.Resource, tags);
    return { status: 204 };
  },
});
