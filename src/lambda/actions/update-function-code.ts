import { operation } from '../../server/operations.js';
import { boolean, string, structure } from '../../server/shapes.js';
import type { LambdaContext } from '../lambda-context.js';
import {
  ARCHITECTURES,
  CODE,
  UNQUALIFIED_FUNCTION_NAME_PATH,
  zipOf,
  configurationReply,
} from './function-fields.js';

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
    if (input.DryRun === true) return configurationReply(c, r, 200);
    const { record, oldCodeId } = await c.functions.updateCode(r.name, bytes, input.RevisionId);
    c.codeReplaced(record.name, oldCodeId);
    const answer = input.Publish === true ? await c.functions.publish(record.name, {}, true) : record;
    return configurationReply(c, answer, 200);
  },
});
