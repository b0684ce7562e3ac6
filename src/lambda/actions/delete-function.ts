import { operation } from '../../server/operations.js';
import { structure } from '../../server/shapes.js';
import { InvalidParameterValue } from '../lambda-errors.js';
import type { LambdaContext } from '../lambda-context.js';
import { FUNCTION_NAME_PATH, QUALIFIER } from './function-fields.js';

/**
 * DeleteFunction (DELETE /2015-03-31/functions/{FunctionName}): 204; with a version number as Qualifier (or in
 * the name) only that version goes, unless an alias references it. Invocations already running finish;
 * queued Event invocations are dropped; the code is deleted once no worker runs it. Logs are kept (as
 * CloudWatch keeps a deleted function's log group).
 */
export const deleteFunction = operation({
  input: structure({ FunctionName: FUNCTION_NAME_PATH, Qualifier: QUALIFIER }),
  async run(c: LambdaContext, input) {
    const t = c.functions.require(input.FunctionName, input.Qualifier);
    if (t.qualifier === '$LATEST')
      throw InvalidParameterValue('$LATEST version cannot be deleted without deleting the function.');
    if (t.alias) {
      throw InvalidParameterValue(
        `Deletion of alias ${t.alias.name} is not supported by DeleteFunction; use DeleteAlias.`,
      );
    }
    if (t.qualifier !== undefined) await c.functions.deleteVersion(t.record.name, t.version);
    else await c.functions.delete(t.record.name);
    return { status: 204 };
  },
});
