import { operation } from '../../server/operations.js';
import { structure } from '../../server/shapes.js';
import type { LambdaContext } from '../lambda-context.js';
import { UNQUALIFIED_FUNCTION_NAME_PATH } from './function-fields.js';

/** DeleteFunctionConcurrency (DELETE /2017-10-31/functions/{FunctionName}/concurrency): 204; back to the shared pool. */
export const deleteFunctionConcurrency = operation({
  input: structure({ FunctionName: UNQUALIFIED_FUNCTION_NAME_PATH }),
  async run(c: LambdaContext, input) {
    const r = c.functions.requireLatest(input.FunctionName);
    await c.functions.setReservedConcurrency(r.name, undefined);
    // The function draws from the unreserved pool again, which grew for everyone.
    c.asyncInvocations.wakeAll();
    return { status: 204 };
  },
});
