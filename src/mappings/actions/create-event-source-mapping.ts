import { randomUUID } from 'node:crypto';
import { arn } from '../../server/context.js';
import { AwsError } from '../../server/errors.js';
import { operation } from '../../server/operations.js';
import type { RestReply } from '../../server/protocols/rest-json.js';
import { map, required, string, structure, type Infer } from '../../server/shapes.js';
import { Checkpoints } from '../engine/checkpoints.js';
import { initialCheckpoints } from '../engine/initial-checkpoints.js';
import type { MappingsContext } from '../mappings-context.js';
import { LAST_PROCESSING_RESULT, mappingShape, type MappingMeta, type StartingPosition } from '../model.js';
import { InvalidParameterValue, MAPPING_FIELDS, mappingFields, STARTING_POSITION } from './mapping-fields.js';
import { resolveEventSource } from './resolve-event-source.js';
import { roleProblem } from '../role-permissions.js';

const INPUT = structure({
  EventSourceArn: string({ min: 12, max: 1024 }),
  ...MAPPING_FIELDS,
  FunctionName: required(MAPPING_FIELDS.FunctionName),
  ...STARTING_POSITION,
  // Read by ListTags (TagResource changes them later).
  Tags: map(string({ min: 0, max: 256 }), { key: string({ min: 1, max: 128 }), typeName: 'map' }),
});

export const createEventSourceMapping = operation({
  input: INPUT,
  run: (c: MappingsContext, input) => create(c, input),
});

async function create(c: MappingsContext, input: Infer<typeof INPUT>): Promise<RestReply> {
  const { EventSourceArn: eventSourceArn, StartingPositionTimestamp: ms } = input;
  const fields = mappingFields(c, input);
  const start = {
    position: input.StartingPosition as StartingPosition | undefined,
    timestamp: ms === undefined ? undefined : ms / 1000,
  };
  if (eventSourceArn === undefined)
    throw InvalidParameterValue('Unrecognized event source, must be kinesis stream ARN.');
  const source = resolveEventSource(c, eventSourceArn);

  const fn = c.invoker.lookup(input.FunctionName);
  if (!fn) throw new AwsError('ResourceNotFoundException', 'Function does not exist', 404);

  if (start.position === undefined) {
    throw InvalidParameterValue(
      "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null.",
    );
  }
  const nowMs = Date.now();
  if (start.position === 'AT_TIMESTAMP') {
    if (start.timestamp === undefined) {
      throw InvalidParameterValue(
        'StartingPositionTimestamp must be provided when StartingPosition is AT_TIMESTAMP.',
      );
    }
    if (start.timestamp * 1000 > nowMs)
      throw InvalidParameterValue('StartingPositionTimestamp cannot be in the future.');
  }

  const problem = roleProblem(c.roles, fn.role, {
    EventSourceArn: eventSourceArn,
    DestinationConfig: fields.DestinationConfig ?? {},
  });
  if (problem) throw InvalidParameterValue(problem.message);

  const existing = c
    .all()
    .find((m) => m.EventSourceArn === eventSourceArn && m.FunctionArn === fn.functionArn);
  if (existing) {
    throw new AwsError(
      'ResourceConflictException',
      `The event source arn ( ${eventSourceArn} ) and function ( ${fn.functionName} ) provided mapping already exists. Please update or delete the existing mapping with UUID ${existing.UUID}`,
      409,
    );
  }

  const uuid = randomUUID();
  const m: MappingMeta = {
    UUID: uuid,
    EventSourceMappingArn: arn(c.app, 'lambda', `event-source-mapping:${uuid}`),
    EventSourceArn: eventSourceArn,
    FunctionArn: fn.functionArn,
    StartingPosition: start.position,
    ...(start.timestamp !== undefined && start.position === 'AT_TIMESTAMP'
      ? { StartingPositionTimestamp: start.timestamp }
      : {}),
    BatchSize: fields.BatchSize ?? 100,
    MaximumBatchingWindowInSeconds: fields.MaximumBatchingWindowInSeconds ?? 0,
    ParallelizationFactor: fields.ParallelizationFactor ?? 1,
    MaximumRecordAgeInSeconds: fields.MaximumRecordAgeInSeconds ?? -1,
    BisectBatchOnFunctionError: fields.BisectBatchOnFunctionError ?? false,
    MaximumRetryAttempts: fields.MaximumRetryAttempts ?? -1,
    TumblingWindowInSeconds: fields.TumblingWindowInSeconds ?? 0,
    FunctionResponseTypes: fields.FunctionResponseTypes ?? [],
    DestinationConfig: fields.DestinationConfig ?? { OnFailure: {} },
    ...(fields.FilterCriteria ? { FilterCriteria: fields.FilterCriteria } : {}),
    ...(fields.MetricsConfig ? { MetricsConfig: fields.MetricsConfig } : {}),
    ...(input.Tags && Object.keys(input.Tags).length > 0 ? { Tags: { ...input.Tags } } : {}),
    LastModified: nowMs / 1000,
    LastProcessingResult: LAST_PROCESSING_RESULT.none,
    State: 'Creating',
    StateTransitionReason: 'User action',
    enabled: fields.Enabled ?? true,
    createdAtMs: nowMs,
  };
  // LATEST and AT_TIMESTAMP are fixed now, at creation, so a disabled-then-enabled mapping still starts there.
  const view = c.view(source.streamName);
  await initialCheckpoints(
    view,
    new Checkpoints(c.app.store, uuid, view.generation),
    m.StartingPosition,
    m.StartingPositionTimestamp === undefined ? undefined : m.StartingPositionTimestamp * 1000,
  );
  await c.save(m);
  const body = mappingShape(m);
  await c.transition(m, 'Creating');
  return { status: 202, json: body };
}
