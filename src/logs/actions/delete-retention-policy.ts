import { operation } from '../../server/operations.js';
import { required, structure } from '../../server/shapes.js';
import type { LogsContext } from '../logs-context.js';
import { LOG_GROUP_NAME } from './common.js';

/** DeleteRetentionPolicy: the group's events never expire again (AWS's default). */
export const deleteRetentionPolicy = operation({
  input: structure({ logGroupName: required(LOG_GROUP_NAME) }),
  async run(ctx: LogsContext, input) {
    await ctx.store.setRetention(input.logGroupName, undefined, ctx.clock.now());
    return {};
  },
});
