import { Validator } from '../../server/validator.js';
import { functionConfiguration } from '../function-configuration.js';
import { InvalidParameterValue } from '../lambda-errors.js';
import type { LambdaContext, LambdaReply, LambdaRequest } from '../lambda-context.js';

/** ListFunctions (GET /2015-03-31/functions): by name, MaxItems (default 50) per page, opaque Marker. */
export async function listFunctions(c: LambdaContext, req: LambdaRequest): Promise<LambdaReply> {
  const q = req.api.query;
  const v = new Validator({});
  const maxRaw = q.get('MaxItems');
  const maxItems =
    maxRaw === null ? undefined : v.integer('MaxItems', { min: 1, max: 10000, value: Number(maxRaw) });
  v.enumeration('FunctionVersion', ['ALL'], { value: q.get('FunctionVersion') ?? undefined });
  v.string('MasterRegion', {
    pattern: /ALL|[a-z]{2}(-gov)?-[a-z]+-\d{1}/,
    value: q.get('MasterRegion') ?? undefined,
  });
  v.check();
  const marker = q.get('Marker');
  let after: string | undefined;
  if (marker !== null && marker !== '') {
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
