import { Validator } from '../../server/validator.js';
import { ResourceNotFound } from '../lambda-errors.js';
import type { LambdaContext, LambdaReply, LambdaRequest } from '../lambda-context.js';
import { pathFunctionName, qualifierParam } from './function-fields.js';

/** GetPolicy (GET /2015-03-31/functions/{FunctionName}/policy): the resource policy as JSON text. */
export async function getPolicy(c: LambdaContext, req: LambdaRequest): Promise<LambdaReply> {
  const v = new Validator({});
  const name = pathFunctionName(v, req);
  const qualifier = qualifierParam(v, req);
  v.check();
  const r = c.functions.require(name, qualifier);
  if (!r.policy || r.policy.length === 0)
    throw ResourceNotFound('The resource you requested does not exist.');
  const policy = { Version: '2012-10-17', Id: 'default', Statement: r.policy };
  return { status: 200, json: { Policy: JSON.stringify(policy), RevisionId: r.revisionId } };
}
