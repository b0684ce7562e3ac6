import { KinesisClient } from '@aws-sdk/client-kinesis';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { NodeHttp2Handler, NodeHttpHandler } from '@smithy/node-http-handler';
import type { App } from '../../src/app/app.js';
import { credentials, type Transport } from './helpers.js';

/**
 * SDK clients of one region (Kinesis, Lambda and CloudWatch Logs over `transport`; SQS and SNS over HTTP/1.1, as
 * they speak).
 */
export interface RegionClients {
  kinesis: KinesisClient;
  lambda: LambdaClient;
  sqs: SQSClient;
  sns: SNSClient;
  logs: CloudWatchLogsClient;
  destroy(): void;
}

/**
 * The SDK clients a user of `region` has: each request is signed with that region's credential scope (and with
 * `creds`: an account's keys, on a server with several).
 */
export function regionClients(
  app: Pick<App, 'endpoint'>,
  region: string,
  transport: Transport = 'h2',
  creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = credentials,
): RegionClients {
  const base = { endpoint: app.endpoint, region, credentials: creds };
  const handler = (): NodeHttpHandler | NodeHttp2Handler =>
    transport === 'h1' ? new NodeHttpHandler() : new NodeHttp2Handler();
  const h1 = transport === 'h1' ? { requestHandler: new NodeHttpHandler() } : {};
  const c = {
    kinesis: new KinesisClient({ ...base, requestHandler: handler() }),
    lambda: new LambdaClient({ ...base, requestHandler: handler() }),
    sqs: new SQSClient({ ...base, ...h1 }),
    sns: new SNSClient({ ...base, ...h1 }),
    logs: new CloudWatchLogsClient({ ...base, requestHandler: handler() }),
  };
  return {
    ...c,
    destroy(): void {
      for (const client of [c.kinesis, c.lambda, c.sqs, c.sns, c.logs]) client.destroy();
    },
  };
}
