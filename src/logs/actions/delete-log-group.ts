import { operation } from '../../server/operations.js';
import { required, structure } from '../../server/shapes.js';
import type { LogsContext } from '../logs-context.js';
import { LOG_GROUP_NAME } from './common.js';

/** DeleteLogGroup: the group, its streams and their events. */
export const deleteLogGroup = operation({
  input: structure({ logGroupName: required(LOG_GROUP_NAME) }),
  async run(ctx: LogsContext, input) {
    await ctx.flush();
    await ctx.store.deleteGroup(input.logGroupName);
    return {};
  },
});
