import { operation } from '../../server/operations.js';
import { structure } from '../../server/shapes.js';
import type { LambdaContext } from '../lambda-context.js';
import { FUNCTION_NAME_PATH, QUALIFIER } from './function-fields.js';
import { requireConfig, shapeOf } from './event-invoke-config-fields.js';

/** GetFunctionEventInvokeConfig (GET /2019-09-25/functions/{FunctionName}/event-invoke-config). */
export const getFunctionEventInvokeConfig = operation({
  input: structure({ FunctionName: FUNCTION_NAME_PATH, Qualifier: QUALIFIER }),
  async run(c: LambdaContext, input) {
    const t = c.functions.require(input.FunctionName, input.Qualifier);
    return { status: 200, json: shapeOf(c, t, requireConfig(c, t)) };
  },
});
