import { operation } from '../../server/operations.js';
import { required, structure } from '../../server/shapes.js';
import type { LogsContext } from '../logs-context.js';
import { LOG_GROUP_NAME, TAG_KEYS } from './common.js';

/** UntagLogGroup (deprecated by AWS for UntagResource): `tags` lists the keys to remove. */
export const untagLogGroup = operation({
  input: structure({ logGroupName: required(LOG_GROUP_NAME), tags: required(TAG_KEYS) }),
  async run(ctx: LogsContext, input) {
    await ctx.store.tag(input.logGroupName, {}, input.tags);
    return {};
  },
});
