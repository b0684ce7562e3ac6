import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { decode as cborDecode, encode as cborEncode } from 'cbor-x';
import { pino } from 'pino';
import { KinesisClient, ListStreamsCommand, DescribeStreamCommand } from '@aws-sdk/client-kinesis';
import { LambdaClient, ListEventSourceMappingsCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { App } from '../../src/app/app.js';
import { decodeCbor } from '../../src/server/protocols/smithy-cbor.js';
import { clientConfig, cannotRun, startTestServer } from '../harness/helpers.js';
import { modelDirFor } from '../cloudwatch/cloudwatch-fixtures.js';
import { xml1 } from '../sqs-sns/sqs-sns-helpers.js';

const exec = promisify(execFile);

type LogLine = Record<string, unknown> & { level: number; msg: string };

/** What the SDKs put on an error they parsed from a response. */
type SdkError = Error & { $metadata: { httpStatusCode?: number; requestId?: string }; $fault?: string };

/**
 * The one error path (src/server/error-path.ts): a deliberately failing operation, injected through the test
 * hook `testHooks.beforeOperation`, is answered as the protocol's InternalFailure (500) with its request id,
 * logged once with that id and the stack, and counted in tributary_internal_errors_total; every protocol's
 * service goes through it.
 */
describe('unexpected errors: one error path for every service and protocol', () => {
  let app: App;
  const lines: LogLine[] = [];
  /** `service/operation` pairs whose handling throws a TypeError. */
  const failing = new Set<string>();

  before(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n'))
          if (line.trim()) lines.push(JSON.parse(line) as LogLine);
        done();
      },
    });
    app = await startTestServer({
      // trace: the issue saw zero lines even at trace; the failure must be one line whatever the level.
      logger: pino({ level: 'trace' }, sink),
      testHooks: {
        beforeOperation({ service, operation }) {
          if (failing.has(`${service}/${operation}`)) {
            // A genuine TypeError, as a bug would raise it.
            const shards = undefined as unknown as unknown[];
            void shards.length;
          }
        },
      },
    });
  });
  after(async () => {
    await app.close();
  });

  async function counter(service: string, operation: string): Promise<number> {
    const text = await (await fetch(`${app.endpoint}/metrics`)).text();
    const m = new RegExp(
      `^tributary_internal_errors_total\\{service="${service}",operation="${operation}"\\} (\\d+)$`,
      'm',
    ).exec(text);
    return m ? Number(m[1]) : 0;
  }

  /** The error-level lines logged since `from`, all of which must be the one line for `requestId`. */
  function assertLoggedOnce(from: number, requestId: string, service: string, operation: string): void {
    const errors = lines.slice(from).filter((l) => l.level >= 50);
    assert.equal(errors.length, 1, `one error line, got ${JSON.stringify(errors)}`);
    const line = errors[0]!;
    assert.equal(line['requestId'], requestId);
    assert.equal(line['service'], service);
    assert.equal(line['operation'], operation);
    const err = line['err'] as { type: string; message: string; stack: string };
    assert.equal(err.type, 'TypeError');
    assert.match(err.stack, /^TypeError: Cannot read properties of undefined \(reading 'length'\)\n {4}at /);
    // Nothing else in the log carries the stack (the request's debug line carries only the id).
    const withStack = lines.slice(from).filter((l) => JSON.stringify(l).includes('Cannot read properties'));
    assert.equal(withStack.length, 1);
  }

  async function sdkFailure(send: () => Promise<unknown>): Promise<SdkError> {
    try {
      await send();
    } catch (err) {
      return err as SdkError;
    }
    assert.fail('the call succeeded');
  }

  /**
   * Makes `service/operation` throw a bug, then `send` (an SDK call of it) must fail with a 500 InternalFailure that
   * is logged once and counted once; the SDK's error, for the checks a protocol adds.
   */
  async function internalFailure(
    service: string,
    operation: string,
    send: () => Promise<unknown>,
  ): Promise<SdkError> {
    failing.add(`${service}/${operation}`);
    const before = await counter(service, operation);
    const from = lines.length;
    const err = await sdkFailure(send);
    assert.equal(err.name, 'InternalFailure');
    assert.equal(err.$metadata.httpStatusCode, 500);
    assertLoggedOnce(from, err.$metadata.requestId!, service, operation);
    assert.equal(await counter(service, operation), before + 1);
    return err;
  }

  it('AWS JSON 1.1 (Kinesis, @aws-sdk/client-kinesis)', async () => {
    const k = new KinesisClient(clientConfig(app, 'default', { maxAttempts: 1 }));
    try {
      const before = await counter('kinesis', 'ListStreams');
      const err = await internalFailure('kinesis', 'ListStreams', () => k.send(new ListStreamsCommand({})));
      assert.equal(err.message, 'An internal error occurred.');
      assert.match(err.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);

      // The wire shape, byte for byte.
      const res = await fetch(app.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'Kinesis_20131202.ListStreams',
        },
        body: '{}',
      });
      assert.equal(res.status, 500);
      assert.equal(res.headers.get('x-amzn-errortype'), 'InternalFailure');
      assert.equal(res.headers.get('content-type'), 'application/x-amz-json-1.1');
      assert.match(res.headers.get('x-amzn-requestid') ?? '', /^[0-9a-f-]{36}$/);
      assert.deepEqual(await res.json(), {
        __type: 'InternalFailure',
        message: 'An internal error occurred.',
      });
      assert.equal(await counter('kinesis', 'ListStreams'), before + 2);

      // An AwsError is an answer, not a bug: neither logged at error level nor counted.
      const quiet = lines.length;
      const notFound = await sdkFailure(() => k.send(new DescribeStreamCommand({ StreamName: 'nope' })));
      assert.equal(notFound.name, 'ResourceNotFoundException');
      assert.deepEqual(
        lines.slice(quiet).filter((l) => l.level >= 40),
        [],
      );
      assert.equal(await counter('kinesis', 'DescribeStream'), 0);
    } finally {
      k.destroy();
    }
  });

  it('AWS CBOR (Kinesis, as the Java SDK and KCL speak it)', async () => {
    failing.add('kinesis/ListStreams');
    const before = await counter('kinesis', 'ListStreams');
    const from = lines.length;
    const res = await fetch(app.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-cbor-1.1',
        'x-amz-target': 'Kinesis_20131202.ListStreams',
      },
      body: cborEncode({}),
    });
    assert.equal(res.status, 500);
    assert.equal(res.headers.get('content-type'), 'application/x-amz-cbor-1.1');
    assert.equal(res.headers.get('x-amzn-errortype'), 'InternalFailure');
    assert.deepEqual(cborDecode(Buffer.from(await res.arrayBuffer())), {
      __type: 'InternalFailure',
      message: 'An internal error occurred.',
    });
    assertLoggedOnce(from, res.headers.get('x-amzn-requestid')!, 'kinesis', 'ListStreams');
    assert.equal(await counter('kinesis', 'ListStreams'), before + 1);
  });

  it('AWS JSON 1.0 with query compatibility (SQS, @aws-sdk/client-sqs)', async () => {
    const sqs = new SQSClient(clientConfig(app, 'default', { maxAttempts: 1 }));
    try {
      await internalFailure('sqs', 'ListQueues', () => sqs.send(new ListQueuesCommand({})));
    } finally {
      sqs.destroy();
    }
  });

  it('the query protocol (SNS, @aws-sdk/client-sns)', async () => {
    const sns = new SNSClient(clientConfig(app, 'default', { maxAttempts: 1 }));
    try {
      const err = await internalFailure('sns', 'ListTopics', () => sns.send(new ListTopicsCommand({})));
      assert.equal(err.message, 'An internal error occurred.');

      const res = await fetch(app.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=ListTopics&Version=2010-03-31',
      });
      assert.equal(res.status, 500);
      assert.equal(res.headers.get('content-type'), 'text/xml');
      const xml = await res.text();
      assert.equal(xml1(xml, 'Type'), 'Receiver');
      assert.equal(xml1(xml, 'Code'), 'InternalFailure');
      assert.equal(xml1(xml, 'Message'), 'An internal error occurred.');
      assert.equal(xml1(xml, 'RequestId'), res.headers.get('x-amzn-requestid'));
    } finally {
      sns.destroy();
    }
  });

  it('REST-JSON (Lambda, @aws-sdk/client-lambda)', async () => {
    const lambda = new LambdaClient(clientConfig(app, 'default', { maxAttempts: 1 }));
    try {
      const err = await internalFailure('lambda', 'ListFunctions', () =>
        lambda.send(new ListFunctionsCommand({})),
      );
      assert.equal(err.message, 'An internal error occurred.');

      const res = await fetch(`${app.endpoint}/2015-03-31/functions/`);
      assert.equal(res.status, 500);
      assert.equal(res.headers.get('x-amzn-errortype'), 'InternalFailure');
      assert.deepEqual(await res.json(), { Type: 'Service', message: 'An internal error occurred.' });
    } finally {
      lambda.destroy();
    }
  });

  it('REST-JSON (event source mappings, @aws-sdk/client-lambda)', async () => {
    const lambda = new LambdaClient(clientConfig(app, 'default', { maxAttempts: 1 }));
    try {
      await internalFailure('lambda-event-source-mappings', 'ListEventSourceMappings', () =>
        lambda.send(new ListEventSourceMappingsCommand({})),
      );
    } finally {
      lambda.destroy();
    }
  });

  it('Smithy RPC v2 CBOR (CloudWatch, boto3)', async (t) => {
    // boto3's own choice among CloudWatch's protocols varies by botocore version: its model is narrowed to CBOR.
    const models = await modelDirFor('smithy-rpc-v2-cbor');
    if (!models) {
      cannotRun(t, 'python3 with botocore is not installed');
      return;
    }
    failing.add('cloudwatch-cbor/ListMetrics');
    const from = lines.length;
    const script = [
      'import json, sys, boto3',
      'from botocore.config import Config',
      "c = boto3.client('cloudwatch', endpoint_url=sys.argv[1], region_name='us-east-1',",
      "    aws_access_key_id='test', aws_secret_access_key='test',",
      "    config=Config(retries={'total_max_attempts': 1}))",
      'try:',
      '    c.list_metrics()',
      "    print(json.dumps({'ok': True}))",
      'except c.exceptions.ClientError as e:',
      "    print(json.dumps({'protocol': c.meta.service_model.protocol, 'error': e.response['Error'],",
      "        'status': e.response['ResponseMetadata']['HTTPStatusCode'],",
      "        'requestId': e.response['ResponseMetadata'].get('RequestId')}))",
    ].join('\n');
    const { stdout } = await exec('python3', ['-c', script, app.endpoint], {
      env: { ...process.env, AWS_DATA_PATH: models },
    });
    const out = JSON.parse(stdout) as {
      protocol: string;
      error: { Code: string; Message: string };
      status: number;
      requestId: string;
    };
    assert.equal(out.protocol, 'smithy-rpc-v2-cbor');
    assert.equal(out.error.Code, 'InternalFailure');
    assert.equal(out.error.Message, 'An internal error occurred.');
    assert.equal(out.status, 500);
    assertLoggedOnce(from, out.requestId, 'cloudwatch-cbor', 'ListMetrics');
    assert.equal(await counter('cloudwatch-cbor', 'ListMetrics'), 1);

    const res = await fetch(`${app.endpoint}/service/GraniteServiceVersion20100801/operation/ListMetrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/cbor', 'smithy-protocol': 'rpc-v2-cbor' },
    });
    assert.equal(res.status, 500);
    assert.equal(res.headers.get('smithy-protocol'), 'rpc-v2-cbor');
    assert.deepEqual(decodeCbor(Buffer.from(await res.arrayBuffer())), {
      __type: 'InternalFailure',
      message: 'An internal error occurred.',
    });
  });

  it('the query protocol of CloudWatch and SQS goes the same way', async () => {
    failing.add('cloudwatch-query/ListMetrics');
    failing.add('sqs-query/ListQueues');
    for (const [service, operation, body] of [
      ['cloudwatch-query', 'ListMetrics', 'Action=ListMetrics&Version=2010-08-01'],
      ['sqs-query', 'ListQueues', 'Action=ListQueues&Version=2012-11-05'],
    ] as const) {
      const from = lines.length;
      const res = await fetch(app.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      assert.equal(res.status, 500);
      const xml = await res.text();
      assert.equal(xml1(xml, 'Code'), 'InternalFailure');
      assertLoggedOnce(from, xml1(xml, 'RequestId')!, service, operation);
      assert.equal(await counter(service, operation), 1);
    }
  });
});
