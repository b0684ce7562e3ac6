import { AwsError } from '../../server/errors.js';
import { operation } from '../../server/operations.js';
import type { RestReply } from '../../server/protocols/rest-json.js';
import { structure } from '../../server/shapes.js';
import type { MappingsContext } from '../mappings-context.js';
import { mappingShape } from '../model.js';
import { MAPPING_UUID } from './update-event-source-mapping.js';

/** DeleteEventSourceMapping (202): the mapping goes Deleting, stops, and disappears. */
export const deleteEventSourceMapping = operation({
  input: structure({ UUID: MAPPING_UUID }),
  run: (c: MappingsContext, input) => remove(c, input.UUID),
});

async function remove(c: MappingsContext, uuid: string): Promise<RestReply> {
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
  return { status: 202, json: body };
}
