import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { App } from '../../src/app/app.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { awsCli, cliEnv, withServer } from '../harness/helpers.js';

interface Record_ {
  Data: string;
  PartitionKey: string;
  SequenceNumber: string;
  ApproximateArrivalTimestamp: number | string;
}

describe('the AWS CLI against Tributary (aws kinesis ..., HTTP/1.1 through botocore)', () => {
  let app: App;
  withServer((a) => (app = a));

  it('create-stream, put-record, get-shard-iterator, get-records round-trip the data', async () => {
    await awsCli(app, ['kinesis', 'create-stream', '--stream-name', 'cli', '--shard-count', '2']);
    const summary = (await awsCli(app, ['kinesis', 'describe-stream-summary', '--stream-name', 'cli']))
      .json as {
      StreamDescriptionSummary: { StreamStatus: string; OpenShardCount: number };
    };
    assert.equal(summary.StreamDescriptionSummary.StreamStatus, 'ACTIVE');
    assert.equal(summary.StreamDescriptionSummary.OpenShardCount, 2);
    const puts: Array<{ ShardId: string; SequenceNumber: string }> = [];
    const version = (await awsCli(app, ['--version'])).stdout;
    for (const [key, data] of [
      ['alpha', 'hello from the cli'],
      ['alpha', 'second line'],
      ['beta', 'other key'],
    ]) {
      // AWS CLI v1 base64-encodes a blob argument given as text; v2 needs --cli-binary-format raw-in-base64-out.
      const args = [
        'kinesis',
        'put-record',
        '--stream-name',
        'cli',
        '--partition-key',
        key!,
        '--data',
        data!,
      ];
      if (version.startsWith('aws-cli/2')) args.push('--cli-binary-format', 'raw-in-base64-out');
      const out = (await awsCli(app, args)).json as { ShardId: string; SequenceNumber: string };
      assert.match(out.SequenceNumber, /^\d{56}$/);
      puts.push(out);
    }
    assert.equal(puts[0]!.ShardId, puts[1]!.ShardId, 'one partition key, one shard');
    const shardId = puts[0]!.ShardId;
    const it = (
      await awsCli(app, [
        'kinesis',
        'get-shard-iterator',
        '--stream-name',
        'cli',
        '--shard-id',
        shardId,
        '--shard-iterator-type',
        'TRIM_HORIZON',
      ])
    ).json as { ShardIterator: string };
    const got = (await awsCli(app, ['kinesis', 'get-records', '--shard-iterator', it.ShardIterator]))
      .json as {
      Records: Record_[];
      NextShardIterator: string;
      MillisBehindLatest: number;
    };
    const mine = got.Records.filter((r) => r.PartitionKey === 'alpha');
    assert.deepEqual(
      mine.map((r) => Buffer.from(r.Data, 'base64').toString()),
      ['hello from the cli', 'second line'],
    );
    assert.deepEqual(
      mine.map((r) => r.SequenceNumber),
      [puts[0]!.SequenceNumber, puts[1]!.SequenceNumber],
    );
    // CLI v1 prints timestamps as epoch seconds, v2 as ISO 8601 text (its default cli_timestamp_format).
    const arrival = mine[0]!.ApproximateArrivalTimestamp;
    const arrivalMs = typeof arrival === 'number' ? arrival * 1000 : Date.parse(arrival);
    assert.ok(Math.abs(arrivalMs - Date.now()) < 60_000, `arrival ${arrival} is about now`);
    assert.equal(got.MillisBehindLatest, 0);
    assert.ok(got.NextShardIterator);
    const after = (
      await awsCli(app, [
        'kinesis',
        'get-shard-iterator',
        '--stream-name',
        'cli',
        '--shard-id',
        shardId,
        '--shard-iterator-type',
        'AFTER_SEQUENCE_NUMBER',
        '--starting-sequence-number',
        puts[0]!.SequenceNumber,
      ])
    ).json as { ShardIterator: string };
    const rest = (
      await awsCli(app, ['kinesis', 'get-records', '--shard-iterator', after.ShardIterator, '--limit', '1'])
    ).json as { Records: Record_[] };
    assert.deepEqual(
      rest.Records.map((r) => Buffer.from(r.Data, 'base64').toString()),
      ['second line'],
    );
  });

  it('lists, tags, monitors, encrypts, switches the mode of, attaches a policy to and deletes streams, and reports AWS errors with their codes', async () => {
    await awsCli(app, [
      'kinesis',
      'add-tags-to-stream',
      '--stream-name',
      'cli',
      '--tags',
      'team=data,env=test',
    ]);
    const tags = (await awsCli(app, ['kinesis', 'list-tags-for-stream', '--stream-name', 'cli'])).json as {
      Tags: Array<{ Key: string; Value: string }>;
    };
    assert.deepEqual(tags.Tags, [
      { Key: 'env', Value: 'test' },
      { Key: 'team', Value: 'data' },
    ]);
    const monitoring = (
      await awsCli(app, [
        'kinesis',
        'enable-enhanced-monitoring',
        '--stream-name',
        'cli',
        '--shard-level-metrics',
        'IncomingBytes',
        'OutgoingBytes',
      ])
    ).json as { StreamName: string; CurrentShardLevelMetrics: string[]; DesiredShardLevelMetrics: string[] };
    assert.deepEqual(monitoring, {
      StreamName: 'cli',
      StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/cli',
      CurrentShardLevelMetrics: [],
      DesiredShardLevelMetrics: ['IncomingBytes', 'OutgoingBytes'],
    });
    const arn = 'arn:aws:kinesis:us-east-1:000000000000:stream/cli';
    await awsCli(app, ['kinesis', 'tag-resource', '--resource-arn', arn, '--tags', 'owner=me']);
    await awsCli(app, ['kinesis', 'untag-resource', '--resource-arn', arn, '--tag-keys', 'env']);
    const byArn = (await awsCli(app, ['kinesis', 'list-tags-for-resource', '--resource-arn', arn])).json as {
      Tags: Array<{ Key: string; Value: string }>;
    };
    assert.deepEqual(byArn.Tags, [
      { Key: 'owner', Value: 'me' },
      { Key: 'team', Value: 'data' },
    ]);
    await awsCli(app, [
      'kinesis',
      'start-stream-encryption',
      '--stream-name',
      'cli',
      '--encryption-type',
      'KMS',
      '--key-id',
      'alias/aws/kinesis',
    ]);
    await awsCli(app, [
      'kinesis',
      'update-stream-mode',
      '--stream-arn',
      arn,
      '--stream-mode-details',
      'StreamMode=ON_DEMAND',
    ]);
    const settings = (await awsCli(app, ['kinesis', 'describe-stream-summary', '--stream-name', 'cli']))
      .json as {
      StreamDescriptionSummary: {
        EncryptionType: string;
        KeyId: string;
        StreamModeDetails: { StreamMode: string };
      };
    };
    assert.equal(settings.StreamDescriptionSummary.EncryptionType, 'KMS');
    assert.equal(settings.StreamDescriptionSummary.KeyId, 'alias/aws/kinesis');
    assert.equal(settings.StreamDescriptionSummary.StreamModeDetails.StreamMode, 'ON_DEMAND');
    const policy = JSON.stringify({
      Statement: [
        { Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'kinesis:GetRecords', Resource: arn },
      ],
    });
    await awsCli(app, ['kinesis', 'put-resource-policy', '--resource-arn', arn, '--policy', policy]);
    const got = (await awsCli(app, ['kinesis', 'get-resource-policy', '--resource-arn', arn])).json as {
      Policy: string;
    };
    assert.equal(got.Policy, policy);
    const account = (
      await awsCli(app, [
        'kinesis',
        'update-account-settings',
        '--minimum-throughput-billing-commitment',
        'Status=ENABLED',
      ])
    ).json as { MinimumThroughputBillingCommitment: { Status: string } };
    assert.equal(account.MinimumThroughputBillingCommitment.Status, 'ENABLED');
    const warm = (
      await awsCli(app, [
        'kinesis',
        'update-stream-warm-throughput',
        '--stream-name',
        'cli',
        '--warm-throughput-mi-bps',
        '100',
      ])
    ).json as { WarmThroughput: { TargetMiBps: number } };
    assert.equal(warm.WarmThroughput.TargetMiBps, 100);
    const list = (await awsCli(app, ['kinesis', 'list-streams'])).json as { StreamNames: string[] };
    assert.deepEqual(list.StreamNames, ['cli']);
    await awsCli(app, ['kinesis', 'delete-stream', '--stream-name', 'cli']);
    await assert.rejects(
      awsCli(app, ['kinesis', 'describe-stream', '--stream-name', 'cli']),
      (err: Error & { stderr?: string }) => {
        assert.match(err.stderr ?? '', /ResourceNotFoundException/);
        assert.match(err.stderr ?? '', /Stream cli under account 000000000000 not found\./);
        return true;
      },
    );
  });

  it('boto3 drives the stream settings operations and maps their errors to its exception classes', async () => {
    const flow = `
import boto3, json, os
k = boto3.client('kinesis', endpoint_url=os.environ['ENDPOINT'])
k.create_stream(StreamName='boto', ShardCount=1)
arn = k.describe_stream_summary(StreamName='boto')['StreamDescriptionSummary']['StreamARN']
mon = k.enable_enhanced_monitoring(StreamName='boto', ShardLevelMetrics=['IncomingBytes'])
k.tag_resource(ResourceARN=arn, Tags={'team': 'data'})
k.start_stream_encryption(StreamARN=arn, EncryptionType='KMS', KeyId='alias/aws/kinesis')
k.update_stream_mode(StreamARN=arn, StreamModeDetails={'StreamMode': 'ON_DEMAND'})
s = k.describe_stream_summary(StreamName='boto')['StreamDescriptionSummary']
try:
    k.list_tags_for_resource(ResourceARN=arn.replace('boto', 'nope'))
    missing = None
except k.exceptions.ResourceNotFoundException as e:
    missing = e.response['Error']['Message']
print(json.dumps({'desired': mon['DesiredShardLevelMetrics'], 'tags': k.list_tags_for_resource(ResourceARN=arn)['Tags'],
  'enc': [s['EncryptionType'], s['KeyId']], 'mode': s['StreamModeDetails']['StreamMode'],
  'metrics': s['EnhancedMonitoring'][0]['ShardLevelMetrics'], 'missing': missing}))
`;
    const { stdout } = await promisify(execFile)('python3', ['-c', flow], {
      env: { ...cliEnv(), ENDPOINT: app.endpoint },
    });
    assert.deepEqual(JSON.parse(stdout), {
      desired: ['IncomingBytes'],
      tags: [{ Key: 'team', Value: 'data' }],
      enc: ['KMS', 'alias/aws/kinesis'],
      mode: 'ON_DEMAND',
      metrics: ['IncomingBytes'],
      missing: 'Stream nope under account 000000000000 not found.',
    });
  });
});
