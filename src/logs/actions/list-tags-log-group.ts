import { operation } from '../../server/operations.js';
import { required, structure } from '../../server/shapes.js';
import type { LogsContext } from '../logs-context.js';
import { LOG_GROUP_NAME } from './common.js';

/** ListTagsLogGroup (deprecated by AWS for ListTagsForResource). */
export const listTagsLogGroup = operation({
  input: structure({ logGroupName: required(LOG_GROUP_NAME) }),
  async run(ctx: LogsContext, input) {
    return { tags: { ...ctx.store.mustGroup(input.logGroupName).rec.tags } };
  },
});
