import { operation } from '../../server/operations.js';
import { structure } from '../../server/shapes.js';
import { ResourceNotFound } from '../lambda-errors.js';
import type { LambdaContext } from '../lambda-context.js';
import { LAYER_NAME_PATH, layerName, layerVersionOutput, VERSION_NUMBER_PATH } from './layer-fields.js';

/** GetLayerVersion (GET /2018-10-31/layers/{LayerName}/versions/{VersionNumber}). */
export const getLayerVersion = operation({
  input: structure({ LayerName: LAYER_NAME_PATH, VersionNumber: VERSION_NUMBER_PATH }),
  async run(c: LambdaContext, input, call) {
    const r = c.layers.get(layerName(input.LayerName), input.VersionNumber);
    if (!r) throw ResourceNotFound('The resource you requested does not exist.');
    return { status: 200, json: layerVersionOutput(c, r, call.host) };
  },
});
