import { AwsError } from '../../server/errors.js';
import type { MappingsContext } from '../mappings-context.js';
import { mappingShape } from '../model.js';

/** ListEventSourceMappings: filter by EventSourceArn and/or FunctionName; Marker/MaxItems (1-10000, default 100). */
export async function listEventSourceMappings(
  c: MappingsContext,
  query: URLSearchParams,
): Promise<{ status: number; body: unknown }> {
  const source = query.get('EventSourceArn') ?? undefined;
  const fnName = query.get('FunctionName') ?? undefined;
  const marker = query.get('Marker') ?? undefined;
  const maxRaw = query.get('MaxItems');
  let max = 100;
  if (maxRaw !== null) {
    max = Number(maxRaw);
    if (!Number.isInteger(max) || max < 1 || max > 10000) {
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value '${maxRaw}' at 'maxItems' failed to satisfy constraint: Member must have value ${max < 1 ? 'greater than or equal to 1' : 'less than or equal to 10000'}`,
        400,
      );
    }
  }
  let functionArn: string | undefined;
  if (fnName !== undefined) {
    const fn = c.invoker.lookup(fnName);
    if (!fn) return { status: 200, body: { EventSourceMappings: [] } };
    functionArn = fn.functionArn;
  }
  let items = c
    .all()
    .filter(
      (m) =>
        (source === undefined || m.EventSourceArn === source) &&
        (functionArn === undefined || m.FunctionArn === functionArn),
    )
    .sort((a, b) => a.createdAtMs - b.createdAtMs || (a.UUID < b.UUID ? -1 : 1));
  if (marker !== undefined) {
    const i = items.findIndex((m) => m.UUID === marker);
    if (i < 0) throw new AwsError('InvalidParameterValueException', 'Invalid Marker.', 400);
    items = items.slice(i);
  }
  const page = items.slice(0, max);
  const body: Record<string, unknown> = { EventSourceMappings: page.map(mappingShape) };
  if (items.length > max) body['NextMarker'] = items[max]!.UUID;
  return { status: 200, body };
}
