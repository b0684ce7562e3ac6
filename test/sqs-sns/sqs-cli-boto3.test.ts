import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { App } from '../../src/app/app.js';
import { awsCli, cliEnv, withServer } from '../harness/helpers.js';

const exec = promisify(execFile);

/**
 * The AWS CLI (v1.45, botocore 1.43) and boto3 installed here speak AWS JSON 1.0 to SQS (the SQS model
 * switched from the query protocol in 2023); these tests drive them exactly as users do.
 */
describe('SQS with the AWS CLI', () => {
  let app: App;
  withServer((a) => (app = a));

  it('create-queue, send-message, receive-message, delete-message', async () => {
    const created = (await awsCli(app, ['sqs', 'create-queue', '--queue-name', 'cli-queue'])).json as {
      QueueUrl: string;
    };
    assert.equal(created.QueueUrl, `${app.endpoint}/000000000000/cli-queue`);
    const url = created.QueueUrl;
    const sent = (
      await awsCli(app, [
        'sqs',
        'send-message',
        '--queue-url',
        url,
        '--message-body',
        '{"failure":true}',
        '--message-attributes',
        '{"Count":{"DataType":"Number","StringValue":"1"},"Foo":{"DataType":"String","StringValue":"Bar"}}',
      ])
    ).json as Record<string, string>;
    assert.equal(sent.MD5OfMessageAttributes, '324758f82d026ac6ec5b31a3b192d1e3');
    assert.match(sent.MessageId!, /^[0-9a-f-]{36}$/);
    const got = (
      await awsCli(app, [
        'sqs',
        'receive-message',
        '--queue-url',
        url,
        '--attribute-names',
        'All',
        '--message-attribute-names',
        'All',
        '--wait-time-seconds',
        '2',
      ])
    ).json as {
      Messages: Array<{
        Body: string;
        ReceiptHandle: string;
        MessageId: string;
        Attributes: Record<string, string>;
        MessageAttributes: Record<string, unknown>;
      }>;
    };
    assert.equal(got.Messages.length, 1);
    const m = got.Messages[0]!;
    assert.equal(m.MessageId, sent.MessageId);
    assert.equal(m.Body, '{"failure":true}');
    assert.equal(m.Attributes.ApproximateReceiveCount, '1');
    assert.deepEqual(m.MessageAttributes.Foo, { DataType: 'String', StringValue: 'Bar' });
    await awsCli(app, ['sqs', 'delete-message', '--queue-url', url, '--receipt-handle', m.ReceiptHandle]);
    const attrs = (
      await awsCli(app, ['sqs', 'get-queue-attributes', '--queue-url', url, '--attribute-names', 'All'])
    ).json as {
      Attributes: Record<string, string>;
    };
    assert.equal(attrs.Attributes.ApproximateNumberOfMessages, '0');
    assert.equal(attrs.Attributes.ApproximateNumberOfMessagesNotVisible, '0');
    const listed = (await awsCli(app, ['sqs', 'list-queues'])).json as { QueueUrls: string[] };
    assert.deepEqual(listed.QueueUrls, [url]);
  });

  it('reports a missing queue with the SQS error code', async () => {
    await assert.rejects(
      awsCli(app, ['sqs', 'get-queue-url', '--queue-name', 'absent']),
      (e: { stderr: string }) => {
        assert.match(e.stderr, /AWS\.SimpleQueueService\.NonExistentQueue/);
        assert.match(e.stderr, /The specified queue does not exist/);
        return true;
      },
    );
  });
});

const BOTO3_FLOW = String.raw`
import boto3, json, os, sys
sqs = boto3.client('sqs', endpoint_url=os.environ['ENDPOINT'], region_name=os.environ['AWS_DEFAULT_REGION'])
out = {'protocol': sqs.meta.service_model.protocol}
url = sqs.create_queue(QueueName='boto-queue', Attributes={'VisibilityTimeout': '15'})['QueueUrl']
out['url'] = url
sent = sqs.send_message(QueueUrl=url, MessageBody='from boto3',
    MessageAttributes={'Count': {'DataType': 'Number', 'StringValue': '1'}, 'Foo': {'DataType': 'String', 'StringValue': 'Bar'}})
out['md5attrs'] = sent['MD5OfMessageAttributes']
out['batch'] = sqs.send_message_batch(QueueUrl=url, Entries=[{'Id': 'a', 'MessageBody': 'A'}, {'Id': 'b', 'MessageBody': 'B'}])['Successful']
got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1, MessageAttributeNames=['All'], AttributeNames=['All'])
out['bodies'] = sorted(m['Body'] for m in got['Messages'])
first = [m for m in got['Messages'] if m['Body'] == 'from boto3'][0]
out['attrs'] = first['MessageAttributes']
out['count'] = first['Attributes']['ApproximateReceiveCount']
out['deleted'] = sqs.delete_message_batch(QueueUrl=url, Entries=[{'Id': str(i), 'ReceiptHandle': m['ReceiptHandle']} for i, m in enumerate(got['Messages'])])['Successful']
out['left'] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'])['Attributes']
try:
    sqs.get_queue_url(QueueName='nope')
except sqs.exceptions.QueueDoesNotExist as e:
    out['error'] = {'code': e.response['Error']['Code'], 'message': e.response['Error']['Message'], 'status': e.response['ResponseMetadata']['HTTPStatusCode']}
json.dump(out, sys.stdout)
`;

describe('SQS with boto3', () => {
  let app: App;
  withServer((a) => (app = a));

  it('runs a create/send/batch/receive/delete flow and maps QueueDoesNotExist to its exception class', async () => {
    const { stdout } = await exec('python3', ['-c', BOTO3_FLOW], {
      env: {
        ...cliEnv(),
        ENDPOINT: app.endpoint,
      },
    });
    const out = JSON.parse(stdout) as Record<string, unknown>;
    assert.equal(out.protocol, 'json', 'installed botocore speaks JSON to SQS');
    assert.equal(out.url, `${app.endpoint}/000000000000/boto-queue`);
    assert.equal(out.md5attrs, '324758f82d026ac6ec5b31a3b192d1e3');
    assert.equal((out.batch as unknown[]).length, 2);
    assert.deepEqual(out.bodies, ['A', 'B', 'from boto3']);
    assert.deepEqual(out.attrs, {
      Count: { DataType: 'Number', StringValue: '1' },
      Foo: { DataType: 'String', StringValue: 'Bar' },
    });
    assert.equal(out.count, '1');
    assert.equal((out.deleted as unknown[]).length, 3);
    assert.deepEqual(out.left, {
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
    assert.deepEqual(out.error, {
      code: 'AWS.SimpleQueueService.NonExistentQueue',
      message: 'The specified queue does not exist.',
      status: 400,
    });
  });
});
