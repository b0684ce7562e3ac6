/** Lambda function lifecycle (FunctionConfiguration.State). */
export type FunctionState = 'Pending' | 'Active' | 'Failed';
/** Progress of the last code or configuration update (FunctionConfiguration.LastUpdateStatus). */
export type LastUpdateStatus = 'InProgress' | 'Successful' | 'Failed';

/** A function as persisted in the store (namespace `lambda.function`, id = function name). */
export interface FunctionRecord {
  name: string;
  runtime: string;
  handler: string;
  role: string;
  description: string;
  /** Seconds. */
  timeout: number;
  /** MB. */
  memorySize: number;
  /** Environment.Variables; undefined when the function never had an Environment. */
  environment: Record<string, string> | undefined;
  tags: Record<string, string>;
  architectures: string[];
  ephemeralStorageMb: number;
  /** Directory name of the unpacked code under `<lambda root>/code/<name>/`. */
  codeId: string;
  /** Base64 SHA-256 of the zip, as AWS reports CodeSha256. */
  codeSha256: string;
  codeSize: number;
  /** Changes on every update (RevisionId preconditions, and the worker pool key). */
  revisionId: string;
  /** AWS's format: `2024-01-31T12:34:56.789+0000`. */
  lastModified: string;
  state: FunctionState;
  stateReason?: string;
  stateReasonCode?: string;
  lastUpdateStatus?: LastUpdateStatus;
  lastUpdateStatusReason?: string;
  lastUpdateStatusReasonCode?: string;
  /** PutFunctionConcurrency; undefined = shares the unreserved pool. */
  reservedConcurrency?: number;
  /** Resource-based policy statements (AddPermission). Recorded and reported, not enforced. */
  policy?: PolicyStatement[];
  /** Layers, in the order they are merged into the function's `/opt`; absent or empty without layers. */
  layers?: LayerRef[];
  /**
   * Set on a published version's snapshot (namespace `lambda.version`): its number as text. Absent on
   * `$LATEST`, the one mutable version.
   */
  version?: string;
  /** On `$LATEST`: the highest version number ever published (numbers are never reused, even once deleted). */
  lastVersion?: number;
  /**
   * On `$LATEST`: the RevisionId `$LATEST` had when `lastVersion` was published. PublishVersion with no change
   * since returns that version instead of a new one (AWS: "Lambda doesn't publish a version if the function's
   * configuration and code haven't changed since the last version").
   */
  publishedRevisionId?: string;
}

/**
 * A function alias (namespace `lambda.alias`, id `function:alias`): a name for a version, optionally splitting
 * invocations with a second version by weight (RoutingConfig.AdditionalVersionWeights).
 */
export interface AliasRecord {
  functionName: string;
  name: string;
  functionVersion: string;
  description: string;
  /** AdditionalVersionWeights: version -> share of invocations in [0, 1]. */
  weights?: Record<string, number>;
  revisionId: string;
  policy?: PolicyStatement[];
}

/** The configuration CreateFunction sets (code comes separately). */
export type NewFunction = Pick<
  FunctionRecord,
  | 'name'
  | 'runtime'
  | 'handler'
  | 'role'
  | 'description'
  | 'timeout'
  | 'memorySize'
  | 'environment'
  | 'tags'
  | 'architectures'
  | 'ephemeralStorageMb'
  | 'layers'
>;

/** What UpdateFunctionConfiguration may change. */
export type ConfigurationPatch = Partial<
  Pick<
    FunctionRecord,
    | 'runtime'
    | 'handler'
    | 'role'
    | 'description'
    | 'timeout'
    | 'memorySize'
    | 'environment'
    | 'ephemeralStorageMb'
    | 'layers'
  >
>;

/** One statement of a function's resource-based policy, as GetPolicy reports it. */
export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Principal: string | Record<string, string>;
  Action: string;
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

export const FUNCTION_NS = 'lambda.function';
/** Published versions, id `function:version`. */
export const VERSION_NS = 'lambda.version';
/** Aliases, id `function:alias`. */
export const ALIAS_NS = 'lambda.alias';

/** Lambda's LastModified format: ISO 8601 with milliseconds and a `+0000` offset. */
export function lastModifiedNow(now = new Date()): string {
  return now.toISOString().replace('Z', '+0000');
}

/** A layer version as persisted (namespace `lambda.layer`, id `name:version`); its content is in the CodeStore. */
export interface LayerVersionRecord {
  name: string;
  version: number;
  description: string;
  /** AWS's LastModified format (`2024-01-31T12:34:56.789+0000`). */
  createdDate: string;
  compatibleRuntimes?: string[];
  compatibleArchitectures?: string[];
  licenseInfo?: string;
  /** Base64 SHA-256 of the zip. */
  codeSha256: string;
  /** The zip's size (AWS's CodeSize). */
  codeSize: number;
  /** Unpacked size, for the 250 MB limit of a function and its layers together. */
  unzippedSize: number;
}

/** Per layer name (namespace `lambda.layer-name`): version numbers are never reused, even once deleted. */
export interface LayerNameRecord {
  name: string;
  lastVersion: number;
}

/** A function's layer, as FunctionConfiguration.Layers reports it. */
export interface LayerRef {
  arn: string;
  codeSize: number;
}

export const LAYER_NS = 'lambda.layer';
export const LAYER_NAME_NS = 'lambda.layer-name';
