import { roleProblem } from '../role-permissions.js';
import { InvalidParameterValue } from './mapping-fields.js';
import { AwsError } from '../../server/errors.js';
import { operation } from '../../server/operations.js';
import type { RestReply } from '../../server/protocols/rest-json.js';
import { required, string, structure, type Infer } from '../../server/shapes.js';
import type { MappingsContext } from '../mappings-context.js';
import { mappingShape } from '../model.js';
import { MAPPING_FIELDS, mappingFields } from './mapping-fields.js';

/** A mapping's UUID, the last segment of its path. */
export const MAPPING_UUID = required(string({ location: 'uri' }));

/** UpdateEventSourceMapping (202). StartingPosition and EventSourceArn can't change, as in AWS. */
const INPUT = structure({ UUID: MAPPING_UUID, ...MAPPING_FIELDS });

export const updateEventSourceMapping = operation({
  input: INPUT,
  run: (c: MappingsContext, input) => update(c, input),
});

async function update(c: MappingsContext, input: Infer<typeof INPUT>): Promise<RestReply> {
  const uuid = input.UUID;
  const m = c.get(uuid);
  const f = mappingFields(c, input);
  if (m.State !== 'Enabled' && m.State !== 'Disabled') {
    throw new AwsError(
      'ResourceInUseException',
      `Cannot update the event source mapping because it is in use. Current state: ${m.State}`.replace(
        'in use. ',
        `in use (${m.State}). `,
      ),
      400,
    );
  }
  // The role of the function the mapping will invoke must read the stream and write to the destination it will
  // have: checked before anything changes, so a refused update leaves the mapping as it was.
  const target = c.invoker.lookup(f.FunctionName ?? m.FunctionArn);
  if (target) {
    const problem = roleProblem(c.roles, target.role, {
      EventSourceArn: m.EventSourceArn,
      DestinationConfig: f.DestinationConfig ?? m.DestinationConfig,
    });
    if (problem) throw InvalidParameterValue(problem.message);
  }
  if (f.FunctionName !== undefined) {
    const fn = c.invoker.lookup(f.FunctionName);
    if (!fn) throw new AwsError('ResourceNotFoundException', 'Function does not exist', 404);
    const clash = c
      .all()
      .find(
        (o) => o.UUID !== uuid && o.EventSourceArn === m.EventSourceArn && o.FunctionArn === fn.functionArn,
      );
    if (clash) {
      throw new AwsError(
        'ResourceConflictException',
        `The event source arn ( ${m.EventSourceArn} ) and function ( ${fn.functionName} ) provided mapping already exists. Please update or delete the existing mapping with UUID ${clash.UUID}`,
        409,
      );
    }
    m.FunctionArn = fn.functionArn;
  }
  if (f.BatchSize !== undefined) m.BatchSize = f.BatchSize;
  if (f.MaximumBatchingWindowInSeconds !== undefined)
    m.MaximumBatchingWindowInSeconds = f.MaximumBatchingWindowInSeconds;
  if (f.ParallelizationFactor !== undefined) m.ParallelizationFactor = f.ParallelizationFactor;
  if (f.MaximumRecordAgeInSeconds !== undefined) m.MaximumRecordAgeInSeconds = f.MaximumRecordAgeInSeconds;
  if (f.BisectBatchOnFunctionError !== undefined) m.BisectBatchOnFunctionError = f.BisectBatchOnFunctionError;
  if (f.MaximumRetryAttempts !== undefined) m.MaximumRetryAttempts = f.MaximumRetryAttempts;
  if (f.TumblingWindowInSeconds !== undefined) m.TumblingWindowInSeconds = f.TumblingWindowInSeconds;
  if (f.FunctionResponseTypes !== undefined) m.FunctionResponseTypes = f.FunctionResponseTypes;
  if (f.DestinationConfig !== undefined) m.DestinationConfig = f.DestinationConfig;
  if (f.FilterCriteria !== undefined) {
    if (f.FilterCriteria.Filters.length === 0) delete m.FilterCriteria;
    else m.FilterCriteria = f.FilterCriteria;
  }
  if (f.MetricsConfig !== undefined) m.MetricsConfig = f.MetricsConfig;
  const via =
    f.Enabled === undefined || f.Enabled === m.enabled ? 'Updating' : f.Enabled ? 'Enabling' : 'Disabling';
  if (f.Enabled !== undefined) m.enabled = f.Enabled;
  m.LastModified = Date.now() / 1000;
  m.State = via;
  m.StateTransitionReason = 'User action';
  await c.save(m);
  const body = mappingShape(m);
  await c.transition(m, via);
  return { status: 202, json: body };
}
