import { operation } from '../../server/operations.js';
import { integer, string, structure } from '../../server/shapes.js';
import type { LambdaContext } from '../lambda-context.js';
import { LAYER_NAME_PATH, layerName, layerVersionItem, matches, newestFirstKey } from './layer-fields.js';
import { RUNTIME } from './function-fields.js';
import { page } from './paging.js';

/** ListLayerVersions (GET /2018-10-31/layers/{LayerName}/versions): newest first, optionally filtered. */
export const listLayerVersions = operation({
  input: structure({
    LayerName: LAYER_NAME_PATH,
    CompatibleRuntime: { ...RUNTIME, location: 'querystring' },
    CompatibleArchitecture: string({ enum: ['x86_64', 'arm64'], location: 'querystring' }),
    Marker: string({ location: 'querystring' }),
    MaxItems: integer({ min: 1, max: 50, location: 'querystring' }),
  }),
  async run(c: LambdaContext, input) {
    const versions = c.layers
      .versions(layerName(input.LayerName))
      .filter((v) => matches(v, input.CompatibleRuntime, input.CompatibleArchitecture));
    const p = page(versions, newestFirstKey, input.MaxItems, input.Marker);
    const out: Record<string, unknown> = { LayerVersions: p.items.map((v) => layerVersionItem(c, v)) };
    if (p.nextMarker !== undefined) out['NextMarker'] = p.nextMarker;
    return { status: 200, json: out };
  },
});
