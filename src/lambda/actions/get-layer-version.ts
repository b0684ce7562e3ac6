import { operation } from '../../server/operations.js';
import { required, string, structure } from '../../server/shapes.js';
import { ResourceNotFound } from '../lambda-errors.js';
import type { LambdaContext } from '../lambda-context.js';
import type { LayerVersionRecord } from '../model.js';
import { LAYER_NAME_PATH, layerName, layerVersionOutput, VERSION_NUMBER_PATH } from './layer-fields.js';

/** GetLayerVersion (GET /2018-10-31/layers/{LayerName}/versions/{VersionNumber}). */
export const getLayerVersion = operation({
  input: structure({ LayerName: LAYER_NAME_PATH, VersionNumber: VERSION_NUMBER_PATH }),
  async run(c: LambdaContext, input, call) {
    const r = found(c.layers.get(layerName(input.LayerName), input.VersionNumber));
    return { status: 200, json: layerVersionOutput(c, r, call.host) };
  },
});

/** GetLayerVersionByArn (GET /2018-10-31/layers?find=LayerVersion&Arn=...). */
export const getLayerVersionByArn = operation({
  input: structure({
    Arn: required(
      string({
        min: 1,
        max: 140,
        pattern: /arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+/,
        location: 'querystring',
      }),
    ),
  }),
  async run(c: LambdaContext, input, call) {
    const r = found(c.layers.byArn(input.Arn));
    return { status: 200, json: layerVersionOutput(c, r, call.host) };
  },
});

function found(r: LayerVersionRecord | undefined): LayerVersionRecord {
  if (!r) throw ResourceNotFound('The resource you requested does not exist.');
  return r;
}
