import { operation } from '../../server/operations.js';
import { integer, string, structure } from '../../server/shapes.js';
import { functionConfiguration } from '../function-configuration.js';
import type { LambdaContext, LambdaReply } from '../lambda-context.js';
import { publishedVersions } from './list-versions-by-function.js';
import { page } from './paging.js';

/**
 * ListFunctions (GET /2015-03-31/functions): by name, MaxItems (default 50) per page, opaque Marker; with
 * FunctionVersion=ALL, published versions too.
 */
export const listFunctions = operation({
  input: structure({
    MaxItems: integer({ min: 1, max: 10000, location: 'querystring' }),
    FunctionVersion: string({ enum: ['ALL'], location: 'querystring' }),
    MasterRegion: string({ pattern: /ALL|[a-z]{2}(-gov)?-[a-z]+-\d{1}/, location: 'querystring' }),
    Marker: string({ location: 'querystring' }),
  }),
  async run(c: LambdaContext, input) {
    return listPage(c, input.MaxItems, input.Marker, input.FunctionVersion === 'ALL');
  },
});

function listPage(
  c: LambdaContext,
  maxItems: number | undefined,
  marker: string | undefined,
  allVersions: boolean,
): LambdaReply {
  // FunctionVersion=ALL: each function's published versions follow its $LATEST, with their qualified ARNs.
  const items = c.functions.list().flatMap((r) => (allVersions ? [r, ...publishedVersions(c, r)] : [r]));
  const p = page(items, (r) => `${r.name}:${r.version ?? '$LATEST'}`, maxItems, marker);
  const out: Record<string, unknown> = {
    Functions: p.items.map((r) =>
      functionConfiguration(r, c.functions.arn(r.name, r.version), c.app.options.region),
    ),
  };
  if (p.nextMarker !== undefined) out['NextMarker'] = p.nextMarker;
  return { status: 200, json: out };
}
