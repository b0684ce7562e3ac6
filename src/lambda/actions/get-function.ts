import { Validator } from '../../server/validator.js';
import { functionConfiguration } from '../function-configuration.js';
import type { LambdaContext, LambdaReply, LambdaRequest } from '../lambda-context.js';
import { pathFunctionName, qualifierParam } from './function-fields.js';

/**
 * GetFunction (GET /2015-03-31/functions/{FunctionName}): configuration, a download URL for the zip (served
 * by this server instead of a presigned S3 URL), tags and reserved concurrency when set.
 */
export async function getFunction(c: LambdaContext, req: LambdaRequest): Promise<LambdaReply> {
  const v = new Validator({});
  const name = pathFunctionName(v, req);
  const qualifier = qualifierParam(v, req);
  v.check();
  const r = c.functions.require(name, qualifier);
  const out: Record<string, unknown> = {
    Configuration: functionConfiguration(r, c.functions.arn(r.name), c.app.options.region),
    Code: {
      RepositoryType: 'S3',
      Location: `http://${req.api.host}/_tributary/lambda/functions/${encodeURIComponent(r.name)}/code/${encodeURIComponent(r.codeId)}.zip`,
    },
  };
  if (Object.keys(r.tags).length > 0) out['Tags'] = { ...r.tags };
  if (r.reservedConcurrency !== undefined)
    out['Concurrency'] = { ReservedConcurrentExecutions: r.reservedConcurrency };
  return { status: 200, json: out };
}
