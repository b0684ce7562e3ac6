import { Serialization } from '../../server/errors.js';
import type { Validator } from '../../server/validator.js';
import { RESERVED_ENV_KEYS, SUPPORTED_RUNTIMES } from '../../runtime/spawn-spec.js';
import { parseFunctionName } from '../function-names.js';
import { InvalidParameterValue, RequestEntityTooLarge } from '../lambda-errors.js';
import type { LambdaContext, LambdaRequest } from '../lambda-context.js';
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
const QUALIFIER = /\$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+/;
const ENV_KEY = /^[a-zA-Z]([a-zA-Z0-9_])+$/;
/** AWS's maximum Timeout (the model only says min 1). */
export const MAX_TIMEOUT_SECONDS = 900;
/** Direct-upload request limit of CreateFunction / UpdateFunctionCode. */
export const MAX_ZIP_REQUEST_BYTES = 69_905_067;

/** The {FunctionName} of the path, checked against the model (`functionName` in messages). */
export function pathFunctionName(v: Validator, req: LambdaRequest, namespaced = true): string {
  const name = v.string('FunctionName', {
    required: true,
    min: 1,
    max: namespaced ? 256 : 140,
    pattern: namespaced ? NAMESPACED_NAME_PATTERN : NAME_PATTERN,
    value: req.functionName,
  });
  return name ?? '';
}

/** The `Qualifier` query parameter. */
export function qualifierParam(v: Validator, req: LambdaRequest): string | undefined {
  const q = req.api.query.get('Qualifier') ?? undefined;
  return v.string('Qualifier', { min: 1, max: 128, pattern: QUALIFIER, value: q });
}

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

/** Runtime: a model value (else ValidationException) that Tributary can run (else InvalidParameterValueException). */
export function runtimeField(v: Validator, required: boolean): () => string | undefined {
  const rt = v.enumeration('Runtime', RUNTIME_ENUM, { required });
  return () => {
    if (rt !== undefined && !SUPPORTED_RUNTIMES.includes(rt)) {
      throw InvalidParameterValue(
        `The runtime parameter of ${rt} is not supported by Tributary. Supported runtimes: ${SUPPORTED_RUNTIMES.join(', ')}.`,
      );
    }
    return rt;
  };
}

export function timeoutField(v: Validator): number | undefined {
  return v.integer('Timeout', { min: 1, max: MAX_TIMEOUT_SECONDS });
}

export function memoryField(v: Validator): number | undefined {
  return v.integer('MemorySize', { min: 128, max: 10240 });
}

/** Environment.Variables, with AWS's key pattern, reserved-key and 4 KB checks. */
export function environmentField(v: Validator): () => Record<string, string> | undefined {
  const env = v.map('Environment');
  if (env === undefined) return () => undefined;
  const raw = env['Variables'];
  if (raw === undefined || raw === null) return () => ({});
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw Serialization('Unexpected value type for Variables: expected map');
  const vars: Record<string, string> = {};
  for (const [k, val] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof val !== 'string')
      throw Serialization(`Unexpected value type for Variables.${k}: expected string`);
    vars[k] = val;
  }
  const badKey = Object.keys(vars).find((k) => !ENV_KEY.test(k));
  if (badKey !== undefined) {
    v.fail(
      'environment.variables',
      null,
      'Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]',
    );
  }
  return () => {
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
  };
}

/**
 * The deployment package. Only inline zips are supported: S3 locations and container images get a clear
 * InvalidParameterValueException instead of silently doing nothing.
 */
export function zipFromCode(
  v: Validator,
  code: Record<string, unknown> | undefined,
  path: string,
): () => Buffer {
  const zip =
    code === undefined ? undefined : v.blob('ZipFile', { value: code['ZipFile'], path: `${path}.zipFile` });
  return () => {
    if (code === undefined) throw InvalidParameterValue('Please provide a source for function code.');
    if (code['ImageUri'] !== undefined && code['ImageUri'] !== null) {
      throw InvalidParameterValue(
        'Container image deployment packages (ImageUri) are not supported by Tributary; upload the code as Code.ZipFile.',
      );
    }
    if (code['S3Bucket'] !== undefined || code['S3Key'] !== undefined) {
      throw InvalidParameterValue(
        'Deployment packages from Amazon S3 (S3Bucket/S3Key) are not supported by Tributary; upload the code as Code.ZipFile.',
      );
    }
    if (zip === undefined) throw InvalidParameterValue('Please provide a source for function code.');
    if (zip.length > MAX_ZIP_REQUEST_BYTES) {
      throw RequestEntityTooLarge(
        `Request must be smaller than ${MAX_ZIP_REQUEST_BYTES} bytes for the CreateFunction operation`,
      );
    }
    return zip;
  };
}

/** Architectures: one of x86_64 / arm64 (recorded; workers run on the host's architecture either way). */
export function architecturesField(v: Validator): string[] | undefined {
  const list = v.list('Architectures');
  if (list === undefined) return undefined;
  if (list.length !== 1) {
    v.fail('architectures', list, 'Member must have length less than or equal to 1');
    return undefined;
  }
  const a = v.enumeration('Architectures', ['x86_64', 'arm64'], { value: list[0], path: 'architectures' });
  return a === undefined ? undefined : [a];
}

export function ephemeralStorageField(v: Validator): number | undefined {
  const es = v.map('EphemeralStorage');
  if (es === undefined) return undefined;
  return v.integer('Size', {
    required: true,
    min: 512,
    max: 10240,
    value: es['Size'],
    path: 'ephemeralStorage.size',
  });
}

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
