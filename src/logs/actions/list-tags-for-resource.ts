import { operation } from '../../server/operations.js';
import { required, string, structure } from '../../server/shapes.js';
import type { LogsContext } from '../logs-context.js';
import { groupOfArn } from './common.js';

/** ListTagsForResource: a log group's tags (by its ARN). */
export const listTagsForResource = operation({
  input: structure({ resourceArn: required(string({ min: 1, max: 1011 })) }),
  async run(ctx: LogsContext, input) {
    return { tags: { ...ctx.store.mustGroup(groupOfArn(input.resourceArn)).rec.tags } };
  },
});
