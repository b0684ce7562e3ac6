import { AwsError } from '../../server/errors.js';
import type { MappingsContext } from '../mappings-context.js';
import { mappingShape } from '../model.js';

/** DeleteEventSourceMapping (202): the mapping goes Deleting, stops, and disappears. */
export async function deleteEventSourceMapping(
  c: MappingsContext,
  uuid: string,
): Promise<{ status: number; body: unknown }> {
  const m = c.get(uuid);
  if (m.State === 'Deleting') {
    throw new AwsError(
      'ResourceInUseException',
      `Cannot delete the event source mapping because it is in use (Deleting).`,
      400,
    );
  }
  m.State = 'Deleting';
  m.StateTransitionReason = 'User action';
  await c.save(m);
  const body = mappingShape(m);
  await c.transition(m, 'Deleting');
  return { status: 202, body };
}
