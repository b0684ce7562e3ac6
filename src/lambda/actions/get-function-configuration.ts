import { operation } from '../../server/operations.js';
import { structure } from '../../server/shapes.js';
import { functionConfiguration } from '../function-configuration.js';
import type { LambdaContext } from '../lambda-context.js';
import { FUNCTION_NAME_PATH, QUALIFIER } from './function-fields.js';

/** GetFunctionConfiguration (GET /2015-03-31/functions/{FunctionName}/configuration). */
export const getFunctionConfiguration = operation({
  input: structure({ FunctionName: FUNCTION_NAME_PATH, Qualifier: QUALIFIER }),
  async run(c: LambdaContext, input) {
    const t = c.functions.require(input.FunctionName, input.Qualifier);
    return { status: 200, json: functionConfiguration(t.record, t.arn, c.app.options.region) };
  },
});
