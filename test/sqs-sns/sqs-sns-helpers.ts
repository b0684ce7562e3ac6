import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
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

/** withSqsServer with an SNS client beside the SQS one (both over `handler`). */
export function withSnsServer(
  handler: SdkHandler,
  use: (app: App, sns: SNSClient, sqs: SQSClient) => void,
): void {
  withTestServer(
    {},
    (a) => ({ sns: snsClient(a, handler), sqs: sqsClient(a, handler) }),
    (a, { sns, sqs }) => use(a, sns, sqs),
  );
}

/** A queue `<name>-queue` subscribed (with `attributes`) to a new topic `<name>-topic`. */
export async function subscribedQueue(
  sns: SNSClient,
  sqs: SQSClient,
  name: string,
  attributes?: Record<string, string>,
): Promise<{ TopicArn: string; QueueUrl: string; SubscriptionArn: string }> {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `${name}-topic` }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-queue` }));
  const { SubscriptionArn } = await sns.send(
    new SubscribeCommand({
      TopicArn,
      Protocol: 'sqs',
      Endpoint: await queueArnOf(sqs, QueueUrl!),
      Attributes: attributes,
    }),
  );
  return { TopicArn: TopicArn!, QueueUrl: QueueUrl!, SubscriptionArn: SubscriptionArn! };
}

/** The bodies of up to 10 messages one ReceiveMessage returns from `QueueUrl` (with all message attributes). */
export async function receivedBodies(sqs: SQSClient, QueueUrl: string): Promise<string[]> {
  const r = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }),
  );
  return (r.Messages ?? []).map((m) => m.Body!);
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
