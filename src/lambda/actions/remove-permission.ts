import { operation } from '../../server/operations.js';
import { required, string, structure } from '../../server/shapes.js';
import { checkRevision, ResourceNotFound } from '../lambda-errors.js';
import type { LambdaContext, LambdaReply } from '../lambda-context.js';
import { FUNCTION_NAME_PATH, QUALIFIER } from './function-fields.js';

/** RemovePermission (DELETE /2015-03-31/functions/{FunctionName}/policy/{StatementId}): 204. */
export const removePermission = operation({
  input: structure({
    FunctionName: FUNCTION_NAME_PATH,
    Qualifier: QUALIFIER,
    StatementId: required(string({ min: 1, max: 100, pattern: /([a-zA-Z0-9-_.]+)/, location: 'uri' })),
    RevisionId: string({ location: 'querystring' }),
  }),
  run: (c: LambdaContext, input) =>
    remove(c, input.FunctionName, input.Qualifier, input.StatementId, input.RevisionId),
});

async function remove(
  c: LambdaContext,
  name: string,
  qualifier: string | undefined,
  sid: string,
  revisionId: string | undefined,
): Promise<LambdaReply> {
  const t = c.functions.require(name, qualifier);
  checkRevision(revisionId, t.alias?.revisionId ?? t.record.revisionId);
  const policy = c.functions.policyOf(t);
  if (!policy.some((s) => s.Sid === sid))
    throw ResourceNotFound(`Statement ${sid} is not found in resource policy.`);
  await c.functions.setPolicy(
    t,
    policy.filter((s) => s.Sid !== sid),
  );
  return { status: 204 };
}
