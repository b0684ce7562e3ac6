import { operation } from '../../server/operations.js';
import { structure } from '../../server/shapes.js';
import type { MappingsContext } from '../mappings-context.js';
import { mappingShape } from '../model.js';
import { MAPPING_UUID } from './update-event-source-mapping.js';

export const getEventSourceMapping = operation({
  input: structure({ UUID: MAPPING_UUID }),
  async run(c: MappingsContext, input) {
    return { status: 200, json: mappingShape(c.get(input.UUID)) };
  },
});
