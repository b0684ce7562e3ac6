import { operation } from '../../server/operations.js';
import { boolean, string, structure } from '../../server/shapes.js';
import { functionConfiguration } from '../function-configuration.js';
import type { LambdaContext } from '../lambda-context.js';
import { ARCHITECTURES, CODE, UNQUALIFIED_FUNCTION_NAME_PATH, zipOf } from './function-fields.js';

/**
 * UpdateFunctionCode (PUT /2015-03-31/functions/{FunctionName}/code): new zip for $LATEST. New invocations
 * run the new code at once; running ones finish on the old. DryRun validates without changing anything;
 * Publish publishes the new code as the next version, whose configuration is the answer.
 */
export const updateFunctionCode = operation({
  input: structure({
    FunctionName: UNQUALIFIED_FUNCTION_NAME_PATH,
    ...CODE,
    DryRun: boolean(),
    Publish: boolean(),
    RevisionId: string(),
    Architectures: ARCHITECTURES,
  }),
  async run(c: LambdaContext, input) {
    const r = c.functions.requireLatest(input.FunctionName);
    const bytes = zipOf(input);
    if (input.DryRun === true)
      return { status: 200, json: functionConfiguration(r, c.functions.arn(r.name), c.app.options.region) };
    const { record, oldCodeId } = await c.functions.updateCode(r.name, bytes, input.RevisionId);
    c.codeReplaced(record.name, oldCodeId);
    if (input.Publish === true) {
      const v = await c.functions.publish(record.name, {}, true);
      return {
        status: 200,
        json: functionConfiguration(v, c.functions.arn(v.name, v.version), c.app.options.region),
      };
    }
    return {
      status: 200,
      json: functionConfiguration(record, c.functions.arn(record.name), c.app.options.region),
    };
  },
});
