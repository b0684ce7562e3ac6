import { operation } from '../../server/operations.js';
import { structure } from '../../server/shapes.js';
import type { LambdaContext } from '../lambda-context.js';
import { UNQUALIFIED_FUNCTION_NAME_PATH } from './function-fields.js';

/** GetFunctionConcurrency (GET /2019-09-30/functions/{FunctionName}/concurrency): `{}` when none is reserved. */
export const getFunctionConcurrency = operation({
  input: structure({ FunctionName: UNQUALIFIED_FUNCTION_NAME_PATH }),
  async run(c: LambdaContext, input) {
    const r = c.functions.requireLatest(input.FunctionName);
    return {
      status: 200,
      json:
        r.reservedConcurrency === undefined ? {} : { ReservedConcurrentExecutions: r.reservedConcurrency },
    };
  },
});
