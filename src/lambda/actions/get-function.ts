import { operation } from '../../server/operations.js';
import { structure } from '../../server/shapes.js';
import { functionConfiguration } from '../function-configuration.js';
import type { LambdaContext } from '../lambda-context.js';
import { FUNCTION_NAME_PATH, QUALIFIER } from './function-fields.js';

/**
 * GetFunction (GET /2015-03-31/functions/{FunctionName}): configuration, a download URL for the zip (served
 * by this server instead of a presigned S3 URL), tags and reserved concurrency when set.
 */
export const getFunction = operation({
  input: structure({ FunctionName: FUNCTION_NAME_PATH, Qualifier: QUALIFIER }),
  async run(c: LambdaContext, input, call) {
    const t = c.functions.require(input.FunctionName, input.Qualifier);
    const r = t.record;
    const out: Record<string, unknown> = {
      Configuration: functionConfiguration(r, t.arn, c.app.options.region),
      Code: {
        RepositoryType: 'S3',
        Location: `http://${call.host}/_tributary/lambda/functions/${encodeURIComponent(r.name)}/code/${encodeURIComponent(r.codeId)}.zip`,
      },
    };
    if (Object.keys(r.tags).length > 0) out['Tags'] = { ...r.tags };
    if (r.reservedConcurrency !== undefined)
      out['Concurrency'] = { ReservedConcurrentExecutions: r.reservedConcurrency };
    return { status: 200, json: out };
  },
});
