import { Validator } from '../../server/validator.js';
import type { LambdaContext, LambdaReply, LambdaRequest } from '../lambda-context.js';
import { pathFunctionName } from './function-fields.js';

/**
 * PutFunctionConcurrency (PUT /2017-10-31/functions/{FunctionName}/concurrency): caps the function's
 * concurrent invocations (0 throttles every invoke). It applies at once to all callers, mappings included.
 */
export async function putFunctionConcurrency(c: LambdaContext, req: LambdaRequest): Promise<LambdaReply> {
  const input = req.input();
  const v = new Validator(input);
  const name = pathFunctionName(v, req, false);
  const reserved = v.integer('ReservedConcurrentExecutions', { required: true, min: 0 });
  v.check();
  const r = c.functions.require(name);
  const updated = await c.functions.setReservedConcurrency(r.name, reserved!);
  c.asyncInvocations.wake(r.name);
  return { status: 200, json: { ReservedConcurrentExecutions: updated.reservedConcurrency } };
}
