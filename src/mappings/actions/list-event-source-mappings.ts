import { AwsError } from '../../server/errors.js';
import { operation } from '../../server/operations.js';
import type { RestReply } from '../../server/protocols/rest-json.js';
import { string, structure, unchecked, type Infer } from '../../server/shapes.js';
import type { MappingsContext } from '../mappings-context.js';
import { mappingShape } from '../model.js';

/** ListEventSourceMappings: filter by EventSourceArn and/or FunctionName; Marker/MaxItems (1-10000, default 100). */
const INPUT = structure({
  EventSourceArn: string({ location: 'querystring' }),
  FunctionName: string({ location: 'querystring' }),
  Marker: string({ location: 'querystring' }),
  // An integer, checked below in Lambda's words for what is no number.
  MaxItems: unchecked(string({ location: 'querystring' })),
});

export const listEventSourceMappings = operation({
  input: INPUT,
  run: (c: MappingsContext, input) => list(c, input),
});

async function list(c: MappingsContext, input: Infer<typeof INPUT>): Promise<RestReply> {
  const { EventSourceArn: source, FunctionName: fnName, Marker: marker } = input;
  const maxRaw = input.MaxItems as string | undefined;
  let max = 100;
  if (maxRaw !== undefined) {
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
    if (!fn) return { status: 200, json: { EventSourceMappings: [] } };
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
  return { status: 200, json: body };
}
