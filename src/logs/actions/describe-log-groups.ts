import { operation } from '../../server/operations.js';
import { boolean, integer, list, string, structure } from '../../server/shapes.js';
import { offsetOf, offsetToken } from '../../server/offset-token.js';
import { InvalidParameter, invalidNextToken } from '../errors.js';
import type { GroupState } from '../log-store.js';
import { groupArn, type LogsContext } from '../logs-context.js';
import { groupNameOf, LOG_GROUP_IDENTIFIER, LOG_GROUP_NAME, NEXT_TOKEN } from './common.js';

/**
 * DescribeLogGroups: ASCII order by name, up to `limit` (1-50, default 50) a page; `logGroupNamePrefix` or
 * `logGroupNamePattern` (a case-insensitive substring), not both; or the groups `logGroupIdentifiers` names.
 */
export const describeLogGroups = operation({
  input: structure({
    accountIdentifiers: list(string({ min: 12, max: 12, pattern: /\d{12}/ }), { max: 20 }),
    logGroupNamePrefix: LOG_GROUP_NAME,
    logGroupNamePattern: string({ max: 512, pattern: /[.\-_/#A-Za-z0-9]*/ }),
    nextToken: NEXT_TOKEN,
    limit: integer({ min: 1, max: 50 }),
    includeLinkedAccounts: boolean(),
    logGroupClass: string({ enum: ['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY'] }),
    logGroupIdentifiers: list(LOG_GROUP_IDENTIFIER, { min: 1, max: 50 }),
  }),
  async run(ctx: LogsContext, input) {
    const { logGroupNamePrefix: prefix, logGroupNamePattern: pattern } = input;
    if (prefix !== undefined && pattern !== undefined)
      throw InvalidParameter(
        'LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.',
      );
    const offset = offsetOf(input.nextToken, invalidNextToken);
    const limit = input.limit ?? 50;
    const wanted = input.logGroupIdentifiers?.map((id) => groupNameOf({ logGroupIdentifier: id }));
    const needle = pattern?.toLowerCase();
    // storedBytes counts every event, also those stored before the start (counted in the background).
    await ctx.store.measured();
    const matching = ctx.store.groups().filter((g) => {
      const name = g.rec.name;
      if (prefix !== undefined && !name.startsWith(prefix)) return false;
      if (needle !== undefined && !name.toLowerCase().includes(needle)) return false;
      if (input.logGroupClass !== undefined && input.logGroupClass !== 'STANDARD') return false;
      return wanted === undefined || wanted.includes(name);
    });
    const page = matching.slice(offset, offset + limit);
    const out: Record<string, unknown> = { logGroups: page.map((g) => describeGroup(ctx, g)) };
    if (offset + limit < matching.length) out['nextToken'] = offsetToken(offset + limit);
    return out;
  },
});

function describeGroup(ctx: LogsContext, g: GroupState): Record<string, unknown> {
  const arn = groupArn(ctx, g.rec.name);
  const out: Record<string, unknown> = {
    logGroupName: g.rec.name,
    creationTime: g.rec.creationTime,
    metricFilterCount: 0,
    arn: `${arn}:*`,
    storedBytes: ctx.store.groupBytes(g),
    logGroupClass: 'STANDARD',
    logGroupArn: arn,
  };
  if (g.rec.retentionInDays !== undefined) out['retentionInDays'] = g.rec.retentionInDays;
  return out;
}
