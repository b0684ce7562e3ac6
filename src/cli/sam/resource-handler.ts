import type { IAMClient } from '@aws-sdk/client-iam';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { CodeBundle } from './code.js';

/** What a deployed resource is: its Ref value (the physical id) and its Fn::GetAtt attributes. */
export interface Deployed {
  physicalId: string;
  attributes: Record<string, string>;
}

/** The server's public APIs a deploy goes through (so it works against a remote --endpoint). */
export interface Clients {
  kinesis: KinesisClient;
  lambda: LambdaClient;
  sqs: SQSClient;
  sns: SNSClient;
  iam: IAMClient;
}

/** One resource being deployed. */
export interface ResourceCall {
  clients: Clients;
  stackName: string;
  logicalId: string;
  /** Its properties, every intrinsic resolved. */
  props: Record<string, unknown>;
  /** A function's or layer's package. */
  code?: CodeBundle;
}

/**
 * How one CloudFormation resource type is created, updated and deleted through the AWS APIs. `update` changes
 * the resource in place, or answers 'replace' when a property that cannot change did (a stream's Name, a mapping's
 * EventSourceArn...): the deploy then creates a new one and deletes the old.
 */
export interface ResourceHandler {
  create(c: ResourceCall): Promise<Deployed>;
  update(
    c: ResourceCall,
    old: { deployed: Deployed; props: Record<string, unknown> },
  ): Promise<Deployed | 'replace'>;
  delete(c: Omit<ResourceCall, 'props' | 'logicalId'>, deployed: Deployed): Promise<void>;
  /**
   * A replacement deletes the old resource before creating the new one (CloudFormation creates first), when the two
   * cannot exist together: a second mapping of the same function and stream, a consumer of the same name.
   */
  readonly deleteBeforeReplace?: boolean;
}

/** Polls `check` until it answers a value: AWS's own waiters poll too (states change after the transition delay). */
export async function until<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, delay));
  }
}

/** An AWS error of that name (the resource is already gone: deleting it again is done). */
export function isAwsError(err: unknown, ...names: string[]): boolean {
  return err instanceof Error && names.includes(err.name);
}

/**
 * Runs a delete, a resource already gone counting as deleted: CloudFormation's delete succeeds on a resource removed
 * outside the stack. `notFound` are the error types the service answers for it (they differ per API: Lambda's
 * ResourceNotFoundException, IAM's NoSuchEntity, SQS's QueueDoesNotExist...); any other error is rethrown.
 */
export async function deleteIfPresent(call: () => Promise<unknown>, ...notFound: string[]): Promise<void> {
  try {
    await call();
  } catch (err) {
    if (!isAwsError(err, ...notFound)) throw err;
  }
}

/** CloudFormation's Tags list ([{Key, Value}]) as the map the Lambda, SQS and SNS... APIs take. */
export function tagMap(tags: unknown): Record<string, string> | undefined {
  if (!Array.isArray(tags)) return undefined;
  const out: Record<string, string> = {};
  for (const t of tags as Array<{ Key?: unknown; Value?: unknown }>)
    out[String(t.Key)] = String(t.Value ?? '');
  return out;
}

/** Properties equal as JSON. */
export const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** A property as a number (a Number parameter, or a string CloudFormation would read as one). */
export const num = (v: unknown): number | undefined => (v === undefined ? undefined : Number(v));
export const bool = (v: unknown): boolean | undefined =>
  v === undefined ? undefined : v === true || v === 'true';
export const str = (v: unknown): string | undefined => (v === undefined ? undefined : String(v));
