import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import type { App } from '../../../src/app/app.js';
import { withServer } from '../../harness/helpers.js';
import { call, encodings, expectError } from './conformance-helpers.js';

/**
 * The stream settings operations' errors (Enable/DisableEnhancedMonitoring, Tag/Untag/ListTagsForResource,
 * Start/StopStreamEncryption, UpdateStreamMode, Put/Get/DeleteResourcePolicy, UpdateAccountSettings,
 * UpdateStreamWarmThroughput), in the service's words: a missing
 * stream is Kinesis's ResourceNotFoundException text, a value outside the model's enum or list length the front
 * end's ValidationException (AWS's botocore model: MetricsNameList, 1-7 MetricsName).
 */

const ACCOUNT = '000000000000';
const ARN = (name: string): string => `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${name}`;
const METRICS =
  'IncomingBytes, IncomingRecords, OutgoingBytes, OutgoingRecords, WriteProvisionedThroughputExceeded, ReadProvisionedThroughputExceeded, IteratorAgeMilliseconds, ALL';

describe('conformance: stream settings', () => {
  let app: App;
  withServer((a) => (app = a));
  before(async () => {
    assert.equal((await call(app, 'CreateStream', { StreamName: 's', ShardCount: 1 })).status, 200);
  });

  for (const encoding of encodings) {
    it(`Enable/DisableEnhancedMonitoring: missing stream, bad metric names, no stream named (${encoding})`, async () => {
      for (const op of ['EnableEnhancedMonitoring', 'DisableEnhancedMonitoring']) {
        expectError(
          await call(app, op, { StreamName: 'nope', ShardLevelMetrics: ['ALL'] }, encoding),
          { type: 'ResourceNotFoundException', text: `Stream nope under account ${ACCOUNT} not found.` },
          op,
        );
        expectError(
          await call(app, op, { StreamARN: ARN('nope'), ShardLevelMetrics: ['ALL'] }, encoding),
          { type: 'ResourceNotFoundException', text: `Stream nope under account ${ACCOUNT} not found.` },
          op,
        );
        expectError(
          await call(app, op, { StreamName: 's', ShardLevelMetrics: ['Bogus'] }, encoding),
          {
            type: 'ValidationException',
            text: `1 validation error detected: Value '[Bogus]' at 'shardLevelMetrics' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [${METRICS}]]`,
          },
          op,
        );
        expectError(
          await call(app, op, { StreamName: 's', ShardLevelMetrics: [] }, encoding),
          {
            type: 'ValidationException',
            text: `1 validation error detected: Value '[]' at 'shardLevelMetrics' failed to satisfy constraint: Member must have length greater than or equal to 1`,
          },
          op,
        );
        expectError(
          await call(app, op, { StreamName: 's' }, encoding),
          {
            type: 'ValidationException',
            text: `1 validation error detected: Value null at 'shardLevelMetrics' failed to satisfy constraint: Member must not be null`,
          },
          op,
        );
        expectError(
          await call(app, op, { ShardLevelMetrics: ['ALL'] }, encoding),
          { type: 'InvalidArgumentException', text: 'Either StreamName or StreamARN should be provided.' },
          op,
        );
      }
    });

    it(`Tag/Untag/ListTagsForResource, Put/Get/DeleteResourcePolicy: missing resource, bad ARN, AWS's tag rules (${encoding})`, async () => {
      const calls: Array<[string, Record<string, unknown>]> = [
        ['TagResource', { Tags: { a: 'b' } }],
        ['UntagResource', { TagKeys: ['a'] }],
        ['ListTagsForResource', {}],
        [
          'PutResourcePolicy',
          { Policy: '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kinesis:*"}]}' },
        ],
        ['GetResourcePolicy', {}],
        ['DeleteResourcePolicy', {}],
      ];
      for (const [op, rest] of calls) {
        expectError(
          await call(app, op, { ...rest, ResourceARN: ARN('nope') }, encoding),
          { type: 'ResourceNotFoundException', text: `Stream nope under account ${ACCOUNT} not found.` },
          op,
        );
        expectError(
          await call(app, op, { ...rest, ResourceARN: `${ARN('s')}/consumer/c:1` }, encoding),
          { type: 'ResourceNotFoundException', text: `Consumer ${ARN('s')}/consumer/c:1 not found.` },
          op,
        );
        expectError(
          await call(app, op, rest, encoding),
          {
            type: 'ValidationException',
            text: "1 validation error detected: Value null at 'resourceARN' failed to satisfy constraint: Member must not be null",
          },
          op,
        );
        expectError(
          await call(app, op, { ...rest, ResourceARN: 'arn:aws:sqs:us-east-1:000000000000:q' }, encoding),
          {
            type: 'ValidationException',
            text: "1 validation error detected: Value 'arn:aws:sqs:us-east-1:000000000000:q' at 'resourceARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:.*stream/\\S+",
          },
          op,
        );
      }
      expectError(await call(app, 'PutResourcePolicy', { ResourceARN: ARN('s') }, encoding), {
        type: 'ValidationException',
        text: "1 validation error detected: Value null at 'policy' failed to satisfy constraint: Member must not be null",
      });
      const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
      expectError(await call(app, 'TagResource', { ResourceARN: ARN('s'), Tags: many }, encoding), {
        type: 'InvalidArgumentException',
        text: `Failed to add tags to stream s under account ${ACCOUNT} because a given stream cannot have more than 50 tags associated with it.`,
      });
      expectError(await call(app, 'TagResource', { ResourceARN: ARN('s'), Tags: { 'a%': 'b' } }, encoding), {
        type: 'InvalidArgumentException',
        text: `Failed to add tags to stream s under account ${ACCOUNT} because some tags contained illegal characters. The allowed characters are Unicode letters, white-spaces, '_',',','/','=','+','-','@'.`,
      });
    });
    it(`Start/StopStreamEncryption and UpdateStreamMode: missing stream, bad input (${encoding})`, async () => {
      const notFound = {
        type: 'ResourceNotFoundException',
        text: `Stream nope under account ${ACCOUNT} not found.`,
      };
      for (const op of ['StartStreamEncryption', 'StopStreamEncryption']) {
        expectError(
          await call(app, op, { StreamName: 'nope', EncryptionType: 'KMS', KeyId: 'k' }, encoding),
          notFound,
          op,
        );
        expectError(
          await call(app, op, { StreamName: 's', EncryptionType: 'AES', KeyId: '' }, encoding),
          {
            type: 'ValidationException',
            text:
              "2 validation errors detected: Value 'AES' at 'encryptionType' failed to satisfy constraint: Member must satisfy enum value set: [NONE, KMS]; " +
              "Value '' at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1",
          },
          op,
        );
        expectError(
          await call(app, op, { StreamName: 's', EncryptionType: 'NONE', KeyId: 'k' }, encoding),
          {
            type: 'InvalidArgumentException',
            text: `Encryption type NONE is not valid for ${op}. The only valid value is KMS.`,
          },
          op,
        );
      }
      const mode = { StreamModeDetails: { StreamMode: 'ON_DEMAND' } };
      expectError(
        await call(app, 'UpdateStreamMode', { StreamARN: ARN('nope'), ...mode }, encoding),
        notFound,
      );
      expectError(await call(app, 'UpdateStreamMode', { StreamName: 's', ...mode }, encoding), {
        type: 'ValidationException',
        text: "1 validation error detected: Value null at 'streamARN' failed to satisfy constraint: Member must not be null",
      });
      expectError(
        await call(
          app,
          'UpdateStreamMode',
          { StreamARN: ARN('s'), StreamModeDetails: { StreamMode: 'FAST' } },
          encoding,
        ),
        {
          type: 'ValidationException',
          text: "1 validation error detected: Value 'FAST' at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]",
        },
      );
    });
    it(`UpdateAccountSettings and UpdateStreamWarmThroughput: bad input, missing stream (${encoding})`, async () => {
      expectError(await call(app, 'UpdateAccountSettings', {}, encoding), {
        type: 'ValidationException',
        text: "1 validation error detected: Value null at 'minimumThroughputBillingCommitment' failed to satisfy constraint: Member must not be null",
      });
      expectError(
        await call(
          app,
          'UpdateAccountSettings',
          { MinimumThroughputBillingCommitment: { Status: 'ENABLED_UNTIL_EARLIEST_ALLOWED_END' } },
          encoding,
        ),
        {
          type: 'ValidationException',
          text: "1 validation error detected: Value 'ENABLED_UNTIL_EARLIEST_ALLOWED_END' at 'minimumThroughputBillingCommitment.status' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]",
        },
      );
      expectError(
        await call(app, 'UpdateStreamWarmThroughput', { StreamName: 's', WarmThroughputMiBps: -1 }, encoding),
        {
          type: 'ValidationException',
          text: "1 validation error detected: Value '-1' at 'warmThroughputMiBps' failed to satisfy constraint: Member must have value greater than or equal to 0",
        },
      );
      expectError(
        await call(
          app,
          'UpdateStreamWarmThroughput',
          { StreamName: 'nope', WarmThroughputMiBps: 1 },
          encoding,
        ),
        { type: 'ResourceNotFoundException', text: `Stream nope under account ${ACCOUNT} not found.` },
      );
      const described = await call(app, 'DescribeAccountSettings', {}, encoding);
      assert.equal(described.status, 200);
      assert.deepEqual(described.body, { MinimumThroughputBillingCommitment: { Status: 'DISABLED' } });
    });
  }
});
