import { Validator } from '../../server/validator.js';
import { functionConfiguration } from '../function-configuration.js';
import type { LambdaContext, LambdaReply, LambdaRequest } from '../lambda-context.js';
import { architecturesField, pathFunctionName, zipFromCode } from './function-fields.js';

/**
 * UpdateFunctionCode (PUT /2015-03-31/functions/{FunctionName}/code): new zip for $LATEST. New invocations
 * run the new code at once; running ones finish on the old. DryRun validates without changing anything;
 * Publish is accepted and ignored.
 */
export async function updateFunctionCode(c: LambdaContext, req: LambdaRequest): Promise<LambdaReply> {
  const input = req.input();
  const v = new Validator(input);
  const name = pathFunctionName(v, req, false);
  const zip = zipFromCode(v, input, 'zipFile');
  const dryRun = v.boolean('DryRun');
  v.boolean('Publish');
  const revisionId = v.string('RevisionId');
  architecturesField(v);
  v.check();
  const r = c.functions.require(name);
  const bytes = zip();
  if (dryRun === true)
    return { status: 200, json: functionConfiguration(r, c.functions.arn(r.name), c.app.options.region) };
  const { record, oldCodeId } = await c.functions.updateCode(r.name, bytes, revisionId);
  c.codeReplaced(record.name, oldCodeId);
  return {
    status: 200,
    json: functionConfiguration(record, c.functions.arn(record.name), c.app.options.region),
  };
}
