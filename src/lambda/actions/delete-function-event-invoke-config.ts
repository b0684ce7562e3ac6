import { operation } from '../../server/operations.js';
import { structure } from '../../server/shapes.js';
import type { LambdaContext } from '../lambda-context.js';
import { FUNCTION_NAME_PATH, QUALIFIER } from './function-fields.js';
import { configKey, requireConfig } from './event-invoke-config-fields.js';

/** DeleteFunctionEventInvokeConfig (DELETE /2019-09-25/functions/{FunctionName}/event-invoke-config): 204. */
export const deleteFunctionEventInvokeConfig = operation({
  input: structure({ FunctionName: FUNCTION_NAME_PATH, Qualifier: QUALIFIER }),
  async run(c: LambdaContext, input) {
    const t = c.functions.require(input.FunctionName, input.Qualifier);
    requireConfig(c, t);
    await c.eventInvokeConfigs.delete(t.record.name, configKey(t));
    return { status: 204 };
  },
});
