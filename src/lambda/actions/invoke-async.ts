import { Validator } from '../../server/validator.js';
import type { LambdaContext, LambdaReply, LambdaRequest } from '../lambda-context.js';
import { pathFunctionName } from './function-fields.js';

/** InvokeAsync (POST /2014-11-13/functions/{FunctionName}/invoke-async/), the deprecated Event invoke: 202 `{"Status":202}`. */
export async function invokeAsync(c: LambdaContext, req: LambdaRequest): Promise<LambdaReply> {
  const v = new Validator({});
  const name = pathFunctionName(v, req, false);
  v.check();
  const r = c.functions.require(name);
  const requestId = await c.asyncInvocations.enqueue(r, req.api.body);
  return { status: 202, headers: { 'x-amzn-requestid': requestId }, json: { Status: 202 } };
}
