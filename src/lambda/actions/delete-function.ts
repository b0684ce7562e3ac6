import { Validator } from '../../server/validator.js';
import { InvalidParameterValue } from '../lambda-errors.js';
import type { LambdaContext, LambdaReply, LambdaRequest } from '../lambda-context.js';
import { pathFunctionName, qualifierParam } from './function-fields.js';

/**
 * DeleteFunction (DELETE /2015-03-31/functions/{FunctionName}): 204. Invocations already running finish;
 * queued Event invocations are dropped; the code is deleted once no worker runs it. Logs are kept (as
 * CloudWatch keeps a deleted function's log group).
 */
export async function deleteFunction(c: LambdaContext, req: LambdaRequest): Promise<LambdaReply> {
  const v = new Validator({});
  const name = pathFunctionName(v, req);
  const qualifier = qualifierParam(v, req);
  v.check();
  if (qualifier === '$LATEST')
    throw InvalidParameterValue('$LATEST version cannot be deleted without deleting the function.');
  const r = c.functions.require(name, qualifier);
  await c.functions.delete(r.name);
  return { status: 204 };
}
