import { operation } from '../../server/operations.js';
import { integer, string, structure } from '../../server/shapes.js';
import { eventInvokeConfigShape } from '../event-invoke-config.js';
import type { LambdaContext } from '../lambda-context.js';
import { UNQUALIFIED_FUNCTION_NAME_PATH } from './function-fields.js';
import { page } from './paging.js';

/** ListFunctionEventInvokeConfigs (GET /2019-09-25/functions/{FunctionName}/event-invoke-config/list). */
export const listFunctionEventInvokeConfigs = operation({
  input: structure({
    FunctionName: UNQUALIFIED_FUNCTION_NAME_PATH,
    Marker: string({ location: 'querystring' }),
    MaxItems: integer({ min: 1, max: 50, location: 'querystring' }),
  }),
  async run(c: LambdaContext, input) {
    const latest = c.functions.requireLatest(input.FunctionName);
    const all = c.eventInvokeConfigs
      .all(latest.name)
      .sort((a, b) => (a.qualifier < b.qualifier ? -1 : a.qualifier > b.qualifier ? 1 : 0));
    const p = page(all, (e) => e.qualifier, input.MaxItems, input.Marker);
    const out: Record<string, unknown> = {
      FunctionEventInvokeConfigs: p.items.map((e) =>
        eventInvokeConfigShape(e, c.functions.arn(latest.name, e.qualifier)),
      ),
    };
    if (p.nextMarker !== undefined) out['NextMarker'] = p.nextMarker;
    return { status: 200, json: out };
  },
});
