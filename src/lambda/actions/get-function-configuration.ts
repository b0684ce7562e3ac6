import { Validator } from '../../server/validator.js';
import { functionConfiguration } from '../function-configuration.js';
import type { LambdaContext, LambdaReply, LambdaRequest } from '../lambda-context.js';
import { pathFunctionName, qualifierParam } from './function-fields.js';

/** GetFunctionConfiguration (GET /2015-03-31/functions/{FunctionName}/configuration). */
export async function getFunctionConfiguration(c: LambdaContext, req: LambdaRequest): Promise<LambdaReply> {
  const v = new Validator({});
  const name = pathFunctionName(v, req);
  const qualifier = qualifierParam(v, req);
  v.check();
  const r = c.functions.require(name, qualifier);
  return { status: 200, json: functionConfiguration(r, c.functions.arn(r.name), c.app.options.region) };
}
