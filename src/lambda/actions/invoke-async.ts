import { operation } from '../../server/operations.js';
import { blob, structure, unchecked } from '../../server/shapes.js';
import type { LambdaContext } from '../lambda-context.js';
import { UNQUALIFIED_FUNCTION_NAME_PATH } from './function-fields.js';

/** InvokeAsync (POST /2014-11-13/functions/{FunctionName}/invoke-async/), the deprecated Event invoke: 202 `{"Status":202}`. */
export const invokeAsync = operation({
  input: structure({
    FunctionName: UNQUALIFIED_FUNCTION_NAME_PATH,
    InvokeArgs: unchecked(blob({ location: 'payload' })),
  }),
  async run(c: LambdaContext, input) {
    const t = c.functions.require(input.FunctionName);
    const { record } = c.functions.pick(t, c.random);
    const requestId = await c.asyncInvocations.enqueue(
      record,
      input.InvokeArgs as Buffer,
      undefined,
      t.arn,
      t.qualifier,
    );
    return { status: 202, headers: { 'x-amzn-requestid': requestId }, json: { Status: 202 } };
  },
});
