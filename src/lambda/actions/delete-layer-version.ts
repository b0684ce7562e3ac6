import { operation } from '../../server/operations.js';
import { structure } from '../../server/shapes.js';
import type { LambdaContext } from '../lambda-context.js';
import { LAYER_NAME_PATH, layerName, VERSION_NUMBER_PATH } from './layer-fields.js';

/**
 * DeleteLayerVersion (DELETE /2018-10-31/layers/{LayerName}/versions/{VersionNumber}): 204, also for a version
 * that does not exist. Functions configured with it keep working (their /opt keeps its content), as on AWS.
 */
export const deleteLayerVersion = operation({
  input: structure({ LayerName: LAYER_NAME_PATH, VersionNumber: VERSION_NUMBER_PATH }),
  async run(c: LambdaContext, input) {
    await c.layers.delete(layerName(input.LayerName), input.VersionNumber);
    return { status: 204 };
  },
});
