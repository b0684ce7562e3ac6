import { operation } from '../../server/operations.js';
import { required, string, structure } from '../../server/shapes.js';
import type { LogsContext } from '../logs-context.js';
import { groupOfArn, TAGS } from './common.js';

/** TagResource: adds or replaces a log group's tags (by its ARN). */
export const tagResource = operation({
  input: structure({ resourceArn: required(string({ min: 1, max: 1011 })), tags: required(TAGS) }),
  async run(ctx: LogsContext, input) {
    await ctx.store.tag(groupOfArn(input.resourceArn), input.tags, []);
    return {};
  },
});
