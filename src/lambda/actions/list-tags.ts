import { operation } from '../../server/operations.js';
import { required, structure } from '../../server/shapes.js';
import type { LambdaContext } from '../lambda-context.js';
import { RESOURCE_ARN, taggableFor } from './tag-fields.js';

/** ListTags (GET /2017-03-31/tags/{Resource}): the tags of a function or event source mapping. */
export const listTags = operation({
  input: structure({ Resource: required(RESOURCE_ARN) }),
  async run(c: LambdaContext, input) {
    return { status: 200, json: { Tags: { ...taggableFor(c, input.Resource).tagsOf(input.Resource) } } };
  },
});
