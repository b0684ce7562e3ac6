import { Validator } from '../../server/validator.js';
import { PreconditionFailed, ResourceNotFound } from '../lambda-errors.js';
import type { LambdaContext, LambdaReply, LambdaRequest } from '../lambda-context.js';
import { pathFunctionName, qualifierParam } from './function-fields.js';

/** RemovePermission (DELETE /2015-03-31/functions/{FunctionName}/policy/{StatementId}): 204. */
export async function removePermission(c: LambdaContext, req: LambdaRequest): Promise<LambdaReply> {
  const v = new Validator({});
  const name = pathFunctionName(v, req);
  const qualifier = qualifierParam(v, req);
  const sid = v.string('StatementId', {
    required: true,
    min: 1,
    max: 100,
    pattern: /([a-zA-Z0-9-_.]+)/,
    value: req.params['StatementId'],
  });
  const revisionId = req.api.query.get('RevisionId') ?? undefined;
  v.check();
  const r = c.functions.require(name, qualifier);
  if (revisionId !== undefined && revisionId !== r.revisionId) {
    throw PreconditionFailed(
      'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
    );
  }
  const policy = r.policy ?? [];
  if (!policy.some((s) => s.Sid === sid))
    throw ResourceNotFound(`Statement ${sid} is not found in resource policy.`);
  await c.functions.setPolicy(
    r.name,
    policy.filter((s) => s.Sid !== sid),
  );
  return { status: 204 };
}
