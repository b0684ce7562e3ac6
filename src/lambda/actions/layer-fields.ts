import { integer, list, required, string } from '../../server/shapes.js';
import type { LambdaContext } from '../lambda-context.js';
import type { LayerVersionRecord } from '../model.js';
import { RUNTIME_ENUM } from './function-fields.js';

/** Shapes and output shared by the layer operations (PublishLayerVersion, GetLayerVersion, List...). */

/** The {LayerName} of the path: a name or a layer ARN (the model's pattern and length). */
export const LAYER_NAME_PATH = required(
  string({
    min: 1,
    max: 140,
    pattern: /(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+/,
    location: 'uri',
  }),
);

/** The {VersionNumber} of the path. */
export const VERSION_NUMBER_PATH = required(integer({ location: 'uri' }));

export const COMPATIBLE_RUNTIMES = list(string({ enum: RUNTIME_ENUM }), { max: 15 });
export const COMPATIBLE_ARCHITECTURES = list(string({ enum: ['x86_64', 'arm64'] }), { max: 2 });

/** The layer name of a {LayerName} path value (a name, or the name inside a layer ARN). */
export function layerName(value: string): string {
  return value.startsWith('arn:') ? value.slice(value.lastIndexOf(':') + 1) : value;
}

/** A LayerVersionsListItem (ListLayerVersions, ListLayers' LatestMatchingVersion). */
export function layerVersionItem(c: LambdaContext, r: LayerVersionRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    LayerVersionArn: c.layers.versionArn(r.name, r.version),
    Version: r.version,
    Description: r.description,
    CreatedDate: r.createdDate,
  };
  if (r.compatibleRuntimes !== undefined) out['CompatibleRuntimes'] = r.compatibleRuntimes;
  if (r.licenseInfo !== undefined) out['LicenseInfo'] = r.licenseInfo;
  if (r.compatibleArchitectures !== undefined) out['CompatibleArchitectures'] = r.compatibleArchitectures;
  return out;
}

/** PublishLayerVersion's and GetLayerVersion's answer: the item plus Content and LayerArn. */
export function layerVersionOutput(
  c: LambdaContext,
  r: LayerVersionRecord,
  host: string,
): Record<string, unknown> {
  const { LayerVersionArn, ...rest } = layerVersionItem(c, r);
  return {
    Content: {
      // Served by GetLayerVersionContent, as GetFunction's Code.Location is by GetFunctionCode.
      Location: `http://${host}/_tributary/lambda/layers/${r.name}/versions/${r.version}/content.zip`,
      CodeSha256: r.codeSha256,
      CodeSize: r.codeSize,
    },
    LayerArn: c.layers.layerArn(r.name),
    LayerVersionArn,
    ...rest,
  };
}

/** Whether a version matches ListLayers' / ListLayerVersions' CompatibleRuntime and CompatibleArchitecture. */
export function matches(r: LayerVersionRecord, runtime?: string, architecture?: string): boolean {
  return (
    (runtime === undefined || (r.compatibleRuntimes ?? []).includes(runtime)) &&
    (architecture === undefined || (r.compatibleArchitectures ?? []).includes(architecture))
  );
}

/** Paging keys in newest-first order that also sort as text (see actions/paging.ts). */
export function newestFirstKey(r: LayerVersionRecord): string {
  return String(1e12 - r.version).padStart(13, '0');
}
