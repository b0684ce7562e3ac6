import { operation } from '../../server/operations.js';
import { integer, structure } from '../../server/shapes.js';
import type { MappingsContext } from '../mappings-context.js';
import { MAPPING_UUID } from './update-event-source-mapping.js';

/** How long a request waits at most unless it says (`?timeout=` seconds). */
const DEFAULT_TIMEOUT_S = 60;

/**
 * Tributary's own endpoint behind `tributary wait MAPPING`: GET /_tributary/mappings/{UUID}/drained?timeout=S
 * answers once the mapping has processed every record its stream held when the request came (invoked with
 * success, filtered out or discarded to its on-failure destination): `{"UUID", "Drained": true,
 * "RecordsBehind": 0}`; after `timeout` seconds (default 60, at most 900) it answers `"Drained": false` with the
 * records still to process (a disabled mapping never drains). An unknown UUID is ResourceNotFoundException.
 * Tests and scripts use it instead of sleeping.
 */
export const getMappingDrained = operation({
  input: structure({
    UUID: MAPPING_UUID,
    timeout: integer({ min: 0, max: 900, location: 'querystring' }),
  }),
  async run(c: MappingsContext, input, call) {
    const timeoutMs = (input.timeout ?? DEFAULT_TIMEOUT_S) * 1000;
    const signal = AbortSignal.any([call.signal, AbortSignal.timeout(timeoutMs)]);
    const r = await c.drained(input.UUID, signal);
    return {
      status: 200,
      json: { UUID: input.UUID, Drained: r.drained, RecordsBehind: r.recordsBehind },
    };
  },
});
