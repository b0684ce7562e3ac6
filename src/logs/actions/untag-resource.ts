import { operation } from '../../server/operations.js';
import { required, string, structure } from '../../server/shapes.js';
import type { LogsContext } from '../logs-context.js';
import { groupOfArn, TAG_KEYS } from './common.js';

/** UntagResource: removes tags of a log group (by its ARN). */
export const untagResource = operation({
  input: structure({ resourceArn: required(string({ min: 1, max: 1011 })), tagKeys: required(TAG_KEYS) }),
  async run(ctx: LogsContext, input) {
    await ctx.store.tag(groupOfArn(input.resourceArn), {}, input.tagKeys);
    return {};
  },
});
