import { operation } from '../../server/operations.js';
import { structure } from '../../server/shapes.js';
import type { LambdaContext } from '../lambda-context.js';

/** AWS's default storage quotas (Lambda quotas: 75 GB of code; 250 MB unzipped, 50 MB zipped per package). */
const TOTAL_CODE_SIZE = 80_530_636_800;
const CODE_SIZE_UNZIPPED = 262_144_000;
const CODE_SIZE_ZIPPED = 52_428_800;

/**
 * GetAccountSettings (GET /2016-08-19/account-settings): the account's limits — concurrency as this server
 * enforces it (--account-concurrency, less what functions reserve) — and its usage: functions and the size of
 * their code, published versions included (as AWS counts it).
 */
export const getAccountSettings = operation({
  input: structure({}),
  async run(c: LambdaContext) {
    const functions = c.functions.list();
    let total = 0;
    for (const r of functions) {
      total += r.codeSize;
      for (const v of c.functions.versions.all(r.name)) total += v.codeSize;
    }
    return {
      status: 200,
      json: {
        AccountLimit: {
          TotalCodeSize: TOTAL_CODE_SIZE,
          CodeSizeUnzipped: CODE_SIZE_UNZIPPED,
          CodeSizeZipped: CODE_SIZE_ZIPPED,
          ConcurrentExecutions: c.limiter.limit,
          UnreservedConcurrentExecutions: c.limiter.limit - c.functions.reservedTotal,
        },
        AccountUsage: { TotalCodeSize: total, FunctionCount: functions.length },
      },
    };
  },
});
