import type { MappingsContext } from '../mappings-context.js';
import { mappingShape } from '../model.js';

export async function getEventSourceMapping(
  c: MappingsContext,
  uuid: string,
): Promise<{ status: number; body: unknown }> {
  return { status: 200, body: mappingShape(c.get(uuid)) };
}
