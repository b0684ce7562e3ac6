import { operation } from '../../server/operations.js';
import { required, structure } from '../../server/shapes.js';
import type { LogsContext } from '../logs-context.js';
import { LOG_GROUP_NAME, TAGS } from './common.js';

/** TagLogGroup (deprecated by AWS for TagResource, still called by older tools): by the group's name. */
export const tagLogGroup = operation({
  input: structure({ logGroupName: required(LOG_GROUP_NAME), tags: required(TAGS) }),
  async run(ctx: LogsContext, input) {
    await ctx.store.tag(input.logGroupName, input.tags, []);
    return {};
  },
});
