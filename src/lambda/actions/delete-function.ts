import { operation } from '../../server/operations.js';
import { structure } from '../../server/shapes.js';
import { InvalidParameterValue } from '../lambda-errors.js';
import type { LambdaContext } from '../lambda-context.js';
import { FUNCTION_NAME_PATH, QUALIFIER } from './function-fields.js';

/**
 * DeleteFunction (DELETE /2015-03-31/functions/{FunctionName}): 204. Invocations already running finish;
 * queued Event invocations are dropped; the code is deleted once no worker runs it. Logs are kept (as
 * CloudWatch keeps a deleted function's log group).
 */
export const deleteFunction = operation({
  input: structure({ FunctionName: FUNCTION_NAME_PATH, Qualifier: QUALIFIER }),
  async run(c: LambdaContext, input) {
    if (input.Qualifier === '$LATEST')
      throw InvalidParameterValue('$LATEST version cannot be deleted without deleting the function.');
    const r = c.functions.require(input.FunctionName, input.Qualifier);
    await c.functions.delete(r.name);
    return { status: 204 };
  },
});
