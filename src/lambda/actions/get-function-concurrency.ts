import { Validator } from '../../server/validator.js';
import type { LambdaContext, LambdaReply, LambdaRequest } from '../lambda-context.js';
import { pathFunctionName } from './function-fields.js';

/** GetFunctionConcurrency (GET /2019-09-30/functions/{FunctionName}/concurrency): `{}` when none is reserved. */
export async function getFunctionConcurrency(c: LambdaContext, req: LambdaRequest): Promise<LambdaReply> {
  const v = new Validator({});
  const name = pathFunctionName(v, req, false);
  v.check();
  const r = c.functions.require(name);
  return {
    status: 200,
    json: r.reservedConcurrency === undefined ? {} : { ReservedConcurrentExecutions: r.reservedConcurrency },
  };
}
