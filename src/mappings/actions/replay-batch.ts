import { operation } from '../../server/operations.js';
import { required, string, structure } from '../../server/shapes.js';
import type { MappingsContext } from '../mappings-context.js';
import { replayBatch } from '../replay.js';
import { MAPPING_UUID } from './update-event-source-mapping.js';

const SEQUENCE = required(string({ min: 1, max: 128, pattern: /\d+/ }));

/**
 * Tributary's own: POST /_tributary/mappings/{UUID}/replay — see `replay.ts`. The body is an on-failure
 * destination's message as it arrived (only its `KinesisBatchInfo` is read), or just
 * `{"KinesisBatchInfo": {"shardId", "startSequenceNumber", "endSequenceNumber"}}`; `Qualifier` (a version or
 * alias) invokes that instead of the mapping's function. 200 with the invoke's result, a function error included.
 */
export const replayFailedBatch = operation({
  input: structure({
    UUID: MAPPING_UUID,
    KinesisBatchInfo: required(
      structure({
        shardId: required(string({ min: 1, max: 128 })),
        startSequenceNumber: SEQUENCE,
        endSequenceNumber: SEQUENCE,
        streamArn: string({ min: 1, max: 2048 }),
      }),
    ),
    Qualifier: string({ min: 1, max: 128, pattern: /(|[a-zA-Z0-9$_-]+)/ }),
  }),
  async run(c: MappingsContext, input) {
    return { status: 200, json: await replayBatch(c, input.UUID, input.KinesisBatchInfo, input.Qualifier) };
  },
});
