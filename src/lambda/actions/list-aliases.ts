import { operation } from '../../server/operations.js';
import { integer, string, structure } from '../../server/shapes.js';
import type { LambdaContext } from '../lambda-context.js';
import { UNQUALIFIED_FUNCTION_NAME_PATH } from './function-fields.js';
import { aliasConfiguration, FUNCTION_VERSION } from './alias-fields.js';
import { page } from './paging.js';

/** ListAliases (GET /2015-03-31/functions/{FunctionName}/aliases): by name; FunctionVersion keeps those pointing at it. */
export const listAliases = operation({
  input: structure({
    FunctionName: UNQUALIFIED_FUNCTION_NAME_PATH,
    FunctionVersion: { ...FUNCTION_VERSION, location: 'querystring' },
    Marker: string({ location: 'querystring' }),
    MaxItems: integer({ min: 1, max: 10000, location: 'querystring' }),
  }),
  async run(c: LambdaContext, input) {
    const latest = c.functions.requireLatest(input.FunctionName);
    const aliases = c.functions.aliases
      .all(latest.name)
      .filter((a) => input.FunctionVersion === undefined || a.functionVersion === input.FunctionVersion)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const p = page(aliases, (a) => a.name, input.MaxItems, input.Marker);
    const out: Record<string, unknown> = { Aliases: p.items.map((a) => aliasConfiguration(c, a)) };
    if (p.nextMarker !== undefined) out['NextMarker'] = p.nextMarker;
    return { status: 200, json: out };
  },
});
