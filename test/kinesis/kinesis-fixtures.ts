import { strict as assert } from 'node:assert';
import {
  CreateStreamCommand,
  DescribeStreamCommand,
  GetResourcePolicyCommand,
  ListTagsForResourceCommand,
  type KinesisClient,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { randomBytes } from 'node:crypto';
import type { App } from '../../src/app/app.js';
import { kinesisClient, withTestServer } from '../harness/helpers.js';
import { IteratorCodec } from '../../src/kinesis/iterators.js';

/** A Kinesis context's iterator codec for engine tests that build the context themselves. */
export const testIterators = (): IteratorCodec => new IteratorCodec(randomBytes(64));

/** Asserts that `p` rejects with an AWS error of `type`, and (when given) a message matching `message`. */
export async function expectAwsError(
  p: Promise<unknown>,
  type: string,
  message?: string | RegExp,
): Promise<Error> {
  let caught: unknown;
  try {
    await p;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof Error, `expected ${type}, but the call succeeded`);
  assert.equal(caught.name, type, `expected ${type}, got ${caught.name}: ${caught.message}`);
  if (typeof message === 'string') assert.equal(caught.message, message);
  else if (message) assert.match(caught.message, message);
  return caught;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown> | undefined;
}

/** Sends a Kinesis JSON 1.1 request by hand (for inputs an SDK would never send). */
export async function rawKinesis(
  app: App,
  operation: string,
  body: string | Uint8Array,
  contentType = 'application/x-amz-json-1.1',
): Promise<RawResponse> {
  const res = await fetch(app.endpoint, {
    method: 'POST',
    headers: { 'content-type': contentType, 'x-amz-target': `Kinesis_20131202.${operation}` },
    body,
  });
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Creates a PROVISIONED stream (the test servers use transitionDelayMs 0, so it is ACTIVE at once). */
export async function createStream(k: KinesisClient, name: string, shards = 1): Promise<Shard[]> {
  await k.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  const d = await k.send(new DescribeStreamCommand({ StreamName: name }));
  assert.equal(d.StreamDescription?.StreamStatus, 'ACTIVE');
  return d.StreamDescription!.Shards!;
}

/** A string of `n` Unicode characters that are each more than one UTF-8 byte (so length rules count characters). */
export function wideString(n: number): string {
  return 'é'.repeat(n);
}

/** A resource's tags by ARN (ListTagsForResource) as an object. */
export const tagsOf = async (k: KinesisClient, arn: string): Promise<Record<string, string | undefined>> =>
  Object.fromEntries(
    (await k.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags!.map((t) => [t.Key!, t.Value]),
  );

/** A resource policy that lets another account read `arn`. */
export const policyFor = (arn: string): string =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111122223333:root' },
        Action: ['kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:DescribeStreamSummary'],
        Resource: arn,
      },
    ],
  });

/** The resource policy of `arn` (GetResourcePolicy). */
export const policyOf = async (k: KinesisClient, arn: string): Promise<string | undefined> =>
  (await k.send(new GetResourcePolicyCommand({ ResourceARN: arn }))).Policy;

/** AWS's message for a request with one failed member constraint (Kinesis words it this way for every shape rule). */
export const oneValidationError = (path: string, value: string, constraint: string): string =>
  `1 validation error detected: Value ${value} at '${path}' failed to satisfy constraint: ${constraint}`;

/** A server per suite, its HTTP/1.1 Kinesis client handed to `use`, and a PROVISIONED stream `name` of `shards` shards. */
export function withKinesisStream(name: string, shards: number, use: (k: KinesisClient) => void): void {
  withTestServer(
    {},
    (a) => ({ k: kinesisClient(a, 'h1') }),
    async (_, { k }) => {
      use(k);
      await createStream(k, name, shards);
    },
  );
}
