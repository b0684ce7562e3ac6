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
}

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

/** Lambda's LastModified format: ISO 8601 with milliseconds and a `+0000` offset. */
export function lastModifiedNow(now = new Date()): string {
  return now.toISOString().replace('Z', '+0000');
}
