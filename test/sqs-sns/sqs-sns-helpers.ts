import { strict as assert } from 'node:assert';
import { SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { App } from '../../src/app/app.js';
import { clientConfig, withTestServer } from '../harness/helpers.js';

/** The SDK's own request handler, or an explicit HTTP/1.1 NodeHttpHandler. */
export type SdkHandler = 'default' | 'h1';
export const sdkHandlers: SdkHandler[] = ['default', 'h1'];

export function sqsClient(app: App, handler: SdkHandler = 'default'): SQSClient {
  return new SQSClient(clientConfig(app, handler));
}

/**
 * Starts a server and an SQS client over `handler` for the enclosing suite and stops them after it, as
 * withKinesisServer does for Kinesis; `use` receives them once they run.
 */
export function withSqsServer(handler: SdkHandler, use: (app: App, sqs: SQSClient) => void): void {
  withTestServer(
    {},
    (a) => ({ sqs: sqsClient(a, handler) }),
    (a, { sqs }) => use(a, sqs),
  );
}

export function snsClient(app: App, handler: SdkHandler = 'default'): SNSClient {
  return new SNSClient(clientConfig(app, handler));
}

/** Creates a queue: its URL and its ARN (what an on-failure destination or a subscription names). */
export async function createQueue(
  sqs: SQSClient,
  name: string,
): Promise<{ queueUrl: string; queueArn: string }> {
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  return { queueUrl, queueArn: await queueArnOf(sqs, queueUrl) };
}

export async function queueArnOf(sqs: SQSClient, queueUrl: string): Promise<string> {
  const r = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return r.Attributes!.QueueArn!;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** A query-protocol request as old SDKs send it: form-encoded POST (to `/` or a queue URL path). */
export async function queryPost(app: App, params: Record<string, string>, path = '/'): Promise<RawResponse> {
  const res = await fetch(app.endpoint + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** An AWS JSON 1.0 request with X-Amz-Target, for checking wire details SDKs hide. */
export async function jsonPost(app: App, target: string, body: unknown): Promise<RawResponse> {
  const res = await fetch(app.endpoint + '/', {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

function unescapeXml(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)))
    .replace(
      /&(lt|gt|amp|quot|apos);/g,
      (_m, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e]!,
    );
}

/** Text of every `<tag>...</tag>` in document order (tests only: no nesting of the same tag). */
export function xmlAll(xml: string, tag: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g');
  for (let m = re.exec(xml); m; m = re.exec(xml)) out.push(unescapeXml(m[1]!));
  return out;
}

export function xml1(xml: string, tag: string): string | undefined {
  return xmlAll(xml, tag)[0];
}

/** Resolves with the SDK error `p` rejects with, after checking its name (and message). */
export async function rejects(
  p: Promise<unknown>,
  name: string,
  message?: RegExp,
): Promise<Error & { $metadata: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { $metadata: { httpStatusCode?: number } };
    assert.equal(err.name, name, `expected ${name}, got ${err.name}: ${err.message}`);
    if (message) assert.match(err.message, message);
    return err;
  }
  assert.fail(`expected ${name}`);
}

/** A queue's ApproximateNumberOfMessages and ApproximateNumberOfMessagesNotVisible. */
export async function counts(sqs: SQSClient, QueueUrl: string): Promise<[number, number]> {
  const a = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return [
    Number(a.Attributes!.ApproximateNumberOfMessages),
    Number(a.Attributes!.ApproximateNumberOfMessagesNotVisible),
  ];
}
