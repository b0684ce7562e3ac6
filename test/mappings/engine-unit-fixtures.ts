import type { EventEmitter } from 'node:events';
import type { EngineDeps } from '../../src/mappings/engine/engine-deps.js';
import type { MappingEvents } from '../../src/mappings/engine/events.js';
import type { MappingMeta } from '../../src/mappings/model.js';
import type { VirtualClock } from '../harness/virtual-clock.js';

/**
 * What the engine's unit tests (the parts built by hand on a virtual clock, without a server) share: the engine's
 * dependencies and a mapping's settings. Tests of a whole engine use engine-harness.ts instead.
 */

/** EngineDeps with the test's invoker, clock, events and bug reporter; no failure sink, retries 10 ms to 100 ms. */
export function unitEngineDeps(parts: {
  invoker: EngineDeps['invoker'];
  clock: VirtualClock;
  events: EventEmitter<MappingEvents>;
  bugs: EngineDeps['bugs'];
}): EngineDeps {
  return {
    sink: undefined,
    region: 'us-east-1',
    retryBaseMs: 10,
    retryMaxMs: 100,
    setResult: () => undefined,
    ...parts,
  };
}

/** A mapping's settings as AWS defaults them for Kinesis but BatchSize 10 and infinite record age, with `changes`. */
export function unitMappingMeta(uuid: string, changes: Partial<MappingMeta> = {}): MappingMeta {
  return {
    UUID: uuid,
    FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
    BatchSize: 10,
    MaximumBatchingWindowInSeconds: 0,
    ParallelizationFactor: 1,
    MaximumRetryAttempts: -1,
    MaximumRecordAgeInSeconds: -1,
    BisectBatchOnFunctionError: false,
    FunctionResponseTypes: [],
    DestinationConfig: {},
    TumblingWindowInSeconds: 0,
    ...changes,
  } as unknown as MappingMeta;
}
