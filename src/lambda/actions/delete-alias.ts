import { operation } from '../../server/operations.js';
import { required, structure } from '../../server/shapes.js';
import type { LambdaContext } from '../lambda-context.js';
import { UNQUALIFIED_FUNCTION_NAME_PATH } from './function-fields.js';
import { ALIAS_NAME } from './alias-fields.js';

/** DeleteAlias (DELETE /2015-03-31/functions/{FunctionName}/aliases/{Name}): 204, also when there is no such alias (as AWS). */
export const deleteAlias = operation({
  input: structure({
    FunctionName: UNQUALIFIED_FUNCTION_NAME_PATH,
    Name: required({ ...ALIAS_NAME, location: 'uri' }),
  }),
  async run(c: LambdaContext, input) {
    const latest = c.functions.requireLatest(input.FunctionName);
    await c.functions.deleteAlias(latest.name, input.Name);
    return { status: 204 };
  },
});
