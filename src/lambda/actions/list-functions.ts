import { operation } from '../../server/operations.js';
import { integer, string, structure } from '../../server/shapes.js';
import { functionConfiguration } from '../function-configuration.js';
import { InvalidParameterValue } from '../lambda-errors.js';
import type { LambdaContext, LambdaReply } from '../lambda-context.js';

/** ListFunctions (GET /2015-03-31/functions): by name, MaxItems (default 50) per page, opaque Marker. */
export const listFunctions = operation({
  input: structure({
    MaxItems: integer({ min: 1, max: 10000, location: 'querystring' }),
    FunctionVersion: string({ enum: ['ALL'], location: 'querystring' }),
    MasterRegion: string({ pattern: /ALL|[a-z]{2}(-gov)?-[a-z]+-\d{1}/, location: 'querystring' }),
    Marker: string({ location: 'querystring' }),
  }),
  async run(c: LambdaContext, input) {
    return page(c, input.MaxItems, input.Marker);
  },
});

function page(c: LambdaContext, maxItems: number | undefined, marker: string | undefined): LambdaReply {
  let after: string | undefined;
  if (marker !== undefined && marker !== '') {
    after = decodeMarker(marker);
    if (after === undefined) throw InvalidParameterValue('Invalid marker.');
  }
  const all = c.functions.list();
  const start = after === undefined ? 0 : all.findIndex((r) => r.name > after!);
  const from = start < 0 ? all.length : start;
  const page = all.slice(from, from + (maxItems ?? 50));
  const out: Record<string, unknown> = {
    Functions: page.map((r) => functionConfiguration(r, c.functions.arn(r.name), c.app.options.region)),
  };
  if (from + page.length < all.length && page.length > 0)
    out['NextMarker'] = encodeMarker(page[page.length - 1]!.name);
  return { status: 200, json: out };
}

function encodeMarker(lastName: string): string {
  return Buffer.from(JSON.stringify({ after: lastName })).toString('base64url');
}

function decodeMarker(marker: string): string | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8')) as { after?: unknown };
    return typeof parsed.after === 'string' ? parsed.after : undefined;
  } catch {
    return undefined;
  }
}
