import { Validator } from '../../server/validator.js';
import type { LambdaContext, LambdaReply, LambdaRequest } from '../lambda-context.js';
import { pathFunctionName } from './function-fields.js';

/** DeleteFunctionConcurrency (DELETE /2017-10-31/functions/{FunctionName}/concurrency): 204; back to the shared pool. */
export async function deleteFunctionConcurrency(c: LambdaContext, req: LambdaRequest): Promise<LambdaReply> {
  const v = new Validator({});
  const name = pathFunctionName(v, req, false);
  v.check();
  const r = c.functions.require(name);
  await c.functions.setReservedConcurrency(r.name, undefined);
  // The function draws from the unreserved pool again, which grew for everyone.
  c.asyncInvocations.wakeAll();
  return { status: 204 };
}
