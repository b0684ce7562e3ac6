import { operation } from '../../server/operations.js';
import { integer, string, structure } from '../../server/shapes.js';
import { functionConfiguration } from '../function-configuration.js';
import type { LambdaContext } from '../lambda-context.js';
import type { FunctionRecord } from '../model.js';
import { UNQUALIFIED_FUNCTION_NAME_PATH } from './function-fields.js';
import { page } from './paging.js';

/** ListVersionsByFunction (GET /2015-03-31/functions/{FunctionName}/versions): $LATEST, then versions in order. */
export const listVersionsByFunction = operation({
  input: structure({
    FunctionName: UNQUALIFIED_FUNCTION_NAME_PATH,
    Marker: string({ location: 'querystring' }),
    MaxItems: integer({ min: 1, max: 10000, location: 'querystring' }),
  }),
  async run(c: LambdaContext, input) {
    const latest = c.functions.requireLatest(input.FunctionName);
    const p = page(
      [latest, ...publishedVersions(c, latest)],
      (r) => r.version ?? '$LATEST',
      input.MaxItems,
      input.Marker,
    );
    const out: Record<string, unknown> = {
      Versions: p.items.map((r) =>
        functionConfiguration(r, c.functions.arn(r.name, r.version ?? '$LATEST'), c.app.options.region),
      ),
    };
    if (p.nextMarker !== undefined) out['NextMarker'] = p.nextMarker;
    return { status: 200, json: out };
  },
});

/** A function's published versions, oldest first, with its function-wide settings. */
export function publishedVersions(c: LambdaContext, latest: FunctionRecord): FunctionRecord[] {
  return c.functions.versions
    .all(latest.name)
    .sort((a, b) => Number(a.version) - Number(b.version))
    .map((v) => c.functions.versionRecord(latest, v.version!)!);
}
