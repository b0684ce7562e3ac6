import { operation } from '../../server/operations.js';
import { required, string, structure } from '../../server/shapes.js';
import type { LambdaContext } from '../lambda-context.js';
import { CODE, zipOf } from './function-fields.js';
import {
  COMPATIBLE_ARCHITECTURES,
  COMPATIBLE_RUNTIMES,
  LAYER_NAME_PATH,
  layerName,
  layerVersionOutput,
} from './layer-fields.js';

/**
 * PublishLayerVersion (POST /2018-10-31/layers/{LayerName}/versions): 201 with the new version. Content is an
 * inline zip (Content.ZipFile); an S3 location is refused as for function code.
 */
export const publishLayerVersion = operation({
  input: structure({
    LayerName: LAYER_NAME_PATH,
    Description: string({ min: 0, max: 256 }),
    // S3ObjectVersion alone is as unsupported as S3Bucket/S3Key: zipOf reports those.
    Content: required(
      structure({
        ZipFile: CODE.ZipFile,
        S3Bucket: CODE.S3Bucket,
        S3Key: CODE.S3Key,
        S3ObjectVersion: CODE.S3Key,
      }),
    ),
    CompatibleRuntimes: COMPATIBLE_RUNTIMES,
    LicenseInfo: string({ max: 512 }),
    CompatibleArchitectures: COMPATIBLE_ARCHITECTURES,
  }),
  async run(c: LambdaContext, input, call) {
    const zip = zipOf(input.Content, 'PublishLayerVersion', 'Content');
    const record = await c.layers.publish(layerName(input.LayerName), zip, {
      description: input.Description ?? '',
      ...(input.CompatibleRuntimes !== undefined ? { compatibleRuntimes: input.CompatibleRuntimes } : {}),
      ...(input.CompatibleArchitectures !== undefined
        ? { compatibleArchitectures: input.CompatibleArchitectures }
        : {}),
      ...(input.LicenseInfo !== undefined ? { licenseInfo: input.LicenseInfo } : {}),
    });
    return { status: 201, json: layerVersionOutput(c, record, call.host) };
  },
});
