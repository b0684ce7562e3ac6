import { operation } from '../../server/operations.js';
import { structure } from '../../server/shapes.js';
import { ResourceNotFound } from '../lambda-errors.js';
import type { LambdaContext } from '../lambda-context.js';
import { FUNCTION_NAME_PATH, QUALIFIER } from './function-fields.js';

/** GetPolicy (GET /2015-03-31/functions/{FunctionName}/policy): the resource policy as JSON text. */
export const getPolicy = operation({
  input: structure({ FunctionName: FUNCTION_NAME_PATH, Qualifier: QUALIFIER }),
  async run(c: LambdaContext, input) {
    const t = c.functions.require(input.FunctionName, input.Qualifier);
    const statements = c.functions.policyOf(t);
    if (statements.length === 0) throw ResourceNotFound('The resource you requested does not exist.');
    const policy = { Version: '2012-10-17', Id: 'default', Statement: statements };
    const revisionId = t.alias?.revisionId ?? t.record.revisionId;
    return { status: 200, json: { Policy: JSON.stringify(policy), RevisionId: revisionId } };
  },
});
