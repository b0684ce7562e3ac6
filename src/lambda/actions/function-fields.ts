import { blob, integer, list, map, required, string, structure, unchecked } from '../../server/shapes.js';
import { RESERVED_ENV_KEYS, SUPPORTED_RUNTIMES } from '../../runtime/spawn-spec.js';
import { parseFunctionName } from '../function-names.js';
import { InvalidParameterValue, RequestEntityTooLarge } from '../lambda-errors.js';
import type { LambdaContext, LambdaReply } from '../lambda-context.js';
import { functionConfiguration } from '../function-configuration.js';
import type { FunctionRecord } from '../model.js';

/** Validation shared by the function operations (CreateFunction, UpdateFunctionCode/Configuration...). */

/** The service model's Runtime enum (a value outside it is a ValidationException). */
export const RUNTIME_ENUM = [
  'nodejs',
  'nodejs4.3',
  'nodejs6.10',
  'nodejs8.10',
  'nodejs10.x',
  'nodejs12.x',
  'nodejs14.x',
  'nodejs16.x',
  'java8',
  'java8.al2',
  'java11',
  'python2.7',
  'python3.6',
  'python3.7',
  'python3.8',
  'python3.9',
  'dotnetcore1.0',
  'dotnetcore2.0',
  'dotnetcore2.1',
  'dotnetcore3.1',
  'dotnet6',
  'dotnet8',
  'nodejs4.3-edge',
  'go1.x',
  'ruby2.5',
  'ruby2.7',
  'provided',
  'provided.al2',
  'nodejs18.x',
  'python3.10',
  'java17',
  'ruby3.2',
  'ruby3.3',
  'ruby3.4',
  'python3.11',
  'nodejs20.x',
  'provided.al2023',
  'python3.12',
  'java21',
  'python3.13',
  'nodejs22.x',
  'nodejs24.x',
  'python3.14',
  'java25',
  'dotnet10',
  'ruby4.0',
] as const;

export const ROLE_ARN = /arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+/;
export const HANDLER = /[^\s]+/;
const NAME_PATTERN =
  /(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?/;
const NAMESPACED_NAME_PATTERN =
  /(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?/;
const QUALIFIER_PATTERN = /\$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+/;

/** AWS's maximum Timeout (the model only says min 1). */
export const MAX_TIMEOUT_SECONDS = 900;
/** Direct-upload request limit of CreateFunction / UpdateFunctionCode. */
export const MAX_ZIP_REQUEST_BYTES = 69_905_067;

/** The {FunctionName} of the path, checked against the model (`functionName` in messages): a name or ARN. */
export const FUNCTION_NAME_PATH = required(
  string({ min: 1, max: 256, pattern: NAMESPACED_NAME_PATTERN, location: 'uri' }),
);
/** The {FunctionName} of the operations that take no qualifier inside it. */
export const UNQUALIFIED_FUNCTION_NAME_PATH = required(
  string({ min: 1, max: 140, pattern: NAME_PATTERN, location: 'uri' }),
);

/** The `Qualifier` query parameter. */
export const QUALIFIER = string({ min: 1, max: 128, pattern: QUALIFIER_PATTERN, location: 'querystring' });

/** The name CreateFunction creates (it also accepts an ARN, whose account/region must be ours). */
export function nameForCreate(c: LambdaContext, input: string): string {
  const p = parseFunctionName(input);
  if (!p || p.qualifier !== undefined) throw InvalidParameterValue(`Invalid function name: ${input}`);
  if (
    (p.account !== undefined && p.account !== c.app.options.account) ||
    (p.region !== undefined && p.region !== c.app.options.region)
  ) {
    throw InvalidParameterValue(`Invalid function name: ${input}`);
  }
  if (p.name.length > 64) {
    throw InvalidParameterValue(`Function name must be between 1 and 64 characters long: ${p.name}`);
  }
  return p.name;
}

/** Runtime: a model value (else ValidationException) that Tributary can run (else see `supportedRuntime`). */
export const RUNTIME = string({ enum: RUNTIME_ENUM });

/** A valid Runtime Tributary cannot run is an InvalidParameterValueException. */
export function supportedRuntime(rt: string | undefined): string | undefined {
  if (rt !== undefined && !SUPPORTED_RUNTIMES.includes(rt)) {
    throw InvalidParameterValue(
      `The runtime parameter of ${rt} is not supported by Tributary. Supported runtimes: ${SUPPORTED_RUNTIMES.join(', ')}.`,
    );
  }
  return rt;
}

/** A layer version ARN (Layers on CreateFunction / UpdateFunctionConfiguration), the model's pattern. */
export const LAYER_VERSION_ARN = string({
  min: 1,
  max: 140,
  pattern:
    /(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)/,
});

/** Members CreateFunction and UpdateFunctionConfiguration share, with the model's constraints. */
export const CONFIGURATION = {
  Runtime: RUNTIME,
  Role: string({ pattern: ROLE_ARN }),
  Handler: string({ min: 0, max: 128, pattern: HANDLER }),
  Description: string({ min: 0, max: 256 }),
  Timeout: integer({ min: 1, max: MAX_TIMEOUT_SECONDS }),
  MemorySize: integer({ min: 128, max: 10240 }),
  /** Variables: keys as the model's pattern says (never quoted: they are secret), then `environmentVariables`. */
  /** Layer version ARNs, merged into the function's /opt in this order (checked by Layers.attach). */
  Layers: list(LAYER_VERSION_ARN),
  Environment: structure({
    Variables: map(string(), {
      key: string({ pattern: /[a-zA-Z]([a-zA-Z0-9_])+/ }),
      sensitive: true,
      typeName: 'map',
    }),
  }),
};

export const EPHEMERAL_STORAGE = structure({ Size: required(integer({ min: 512, max: 10240 })) });

/** The environment a validated Environment sets: AWS's reserved-key and 4 KB rules. */
export function environmentVariables(env: { Variables?: Record<string, string> }): Record<string, string> {
  const vars = env.Variables ?? {};
  const reserved = Object.keys(vars).filter((k) => RESERVED_ENV_KEYS.includes(k));
  if (reserved.length > 0) {
    throw InvalidParameterValue(
      'Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys ' +
        `that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  const measured = JSON.stringify(vars);
  if (Buffer.byteLength(measured) > 4096) {
    throw InvalidParameterValue(
      `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured}`,
    );
  }
  return vars;
}

/** A deployment package's members (CreateFunction's Code; UpdateFunctionCode's input). */
export const CODE = {
  ZipFile: blob(),
  // Checked by `zipOf`: they name packages Tributary does not take.
  S3Bucket: unchecked(string()),
  S3Key: unchecked(string()),
  ImageUri: unchecked(string()),
};

/**
 * The deployment package. Only inline zips are supported: S3 locations and container images get a clear
 * InvalidParameterValueException instead of silently doing nothing.
 */
export function zipOf(
  code: { ZipFile?: Buffer; S3Bucket?: unknown; S3Key?: unknown; ImageUri?: unknown } | undefined,
  operationName = 'CreateFunction',
  member = 'Code',
): Buffer {
  if (code === undefined) throw InvalidParameterValue('Please provide a source for function code.');
  if (code.ImageUri !== undefined && code.ImageUri !== null) {
    throw InvalidParameterValue(
      `Container image deployment packages (ImageUri) are not supported by Tributary; upload the code as ${member}.ZipFile.`,
    );
  }
  if (code.S3Bucket !== undefined || code.S3Key !== undefined) {
    throw InvalidParameterValue(
      `Deployment packages from Amazon S3 (S3Bucket/S3Key) are not supported by Tributary; upload the code as ${member}.ZipFile.`,
    );
  }
  const zip = code.ZipFile;
  if (zip === undefined) throw InvalidParameterValue('Please provide a source for function code.');
  if (zip.length > MAX_ZIP_REQUEST_BYTES) {
    throw RequestEntityTooLarge(
      `Request must be smaller than ${MAX_ZIP_REQUEST_BYTES} bytes for the ${operationName} operation`,
    );
  }
  return zip;
}

/**
 * Architectures: exactly one of x86_64 / arm64 (recorded; workers run on the host's architecture either way),
 * which Lambda words as a list of at most one whose member is reported at the list.
 */
export const ARCHITECTURES = list(unchecked(string()), {
  check: (list: unknown[]) => {
    if (list.length !== 1)
      return { value: list, constraint: 'Member must have length less than or equal to 1' };
    const a = list[0];
    if (a === 'x86_64' || a === 'arm64') return undefined;
    return { value: a, constraint: 'Member must satisfy enum value set: [x86_64, arm64]' };
  },
});

/** Handler is mandatory for zip packages (AWS asks for Runtime and Handler together). */
export function requireRuntimeAndHandler(
  r: Pick<FunctionRecord, 'runtime' | 'handler'> | { runtime?: string; handler?: string },
): void {
  if (!r.runtime || !r.handler) {
    throw InvalidParameterValue(
      'Runtime and Handler are mandatory parameters for functions created with deployment packages.',
    );
  }
}

/**
 * An operation's answer with a function's configuration: `$LATEST` (unqualified ARN) or a published version
 * (ARN qualified by its number), as CreateFunction, UpdateFunctionCode/Configuration and PublishVersion give it.
 */
export function configurationReply(c: LambdaContext, r: FunctionRecord, status: 200 | 201): LambdaReply {
  return { status, json: functionConfiguration(r, c.functions.arn(r.name, r.version), c.app.options.region) };
}
