import { operation } from '../../server/operations.js';
import { required, structure } from '../../server/shapes.js';
import type { LambdaContext } from '../lambda-context.js';
import { UNQUALIFIED_FUNCTION_NAME_PATH } from './function-fields.js';
import { ALIAS_NAME, aliasConfiguration, requireAlias } from './alias-fields.js';

/** GetAlias (GET /2015-03-31/functions/{FunctionName}/aliases/{Name}). */
export const getAlias = operation({
  input: structure({
    FunctionName: UNQUALIFIED_FUNCTION_NAME_PATH,
    Name: required({ ...ALIAS_NAME, location: 'uri' }),
  }),
  async run(c: LambdaContext, input) {
    return { status: 200, json: aliasConfiguration(c, requireAlias(c, input.FunctionName, input.Name)) };
  },
});
