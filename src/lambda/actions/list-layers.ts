import { operation } from '../../server/operations.js';
import { integer, string, structure } from '../../server/shapes.js';
import type { LambdaContext } from '../lambda-context.js';
import { RUNTIME } from './function-fields.js';
import { layerVersionItem, matches } from './layer-fields.js';
import { page } from './paging.js';

/**
 * ListLayers (GET /2018-10-31/layers): each layer with its newest version matching the filters
 * (LatestMatchingVersion); layers with no matching version are left out.
 */
export const listLayers = operation({
  input: structure({
    CompatibleRuntime: { ...RUNTIME, location: 'querystring' },
    CompatibleArchitecture: string({ enum: ['x86_64', 'arm64'], location: 'querystring' }),
    Marker: string({ location: 'querystring' }),
    MaxItems: integer({ min: 1, max: 50, location: 'querystring' }),
  }),
  async run(c: LambdaContext, input) {
    const layers = c.layers.names().flatMap((name) => {
      const latest = c.layers
        .versions(name)
        .find((v) => matches(v, input.CompatibleRuntime, input.CompatibleArchitecture));
      return latest ? [latest] : [];
    });
    const p = page(layers, (v) => v.name, input.MaxItems, input.Marker);
    const out: Record<string, unknown> = {
      Layers: p.items.map((v) => ({
        LayerName: v.name,
        LayerArn: c.layers.layerArn(v.name),
        LatestMatchingVersion: layerVersionItem(c, v),
      })),
    };
    if (p.nextMarker !== undefined) out['NextMarker'] = p.nextMarker;
    return { status: 200, json: out };
  },
});
