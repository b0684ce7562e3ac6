import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  DeleteResourcePolicyCommand,
  GetResourcePolicyCommand,
  PutResourcePolicyCommand,
  AddTagsToStreamCommand,
  ListTagsForResourceCommand,
  ListTagsForStreamCommand,
  RegisterStreamConsumerCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { transports, withKinesisServer } from '../harness/helpers.js';
import { createStream, expectAwsError, policyFor, policyOf, tagsOf } from './kinesis-fixtures.js';

/**
 * Tags and resource policies of streams and consumers by ARN (TagResource, UntagResource, ListTagsForResource,
 * Put/Get/DeleteResourcePolicy), beside the stream settings of kinesis-stream-settings.test.ts.
 */

const ACCOUNT = '000000000000';
const arnOf = (name: string): string => `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${name}`;

for (const transport of transports) {
  describe(`resource tags over ${transport === 'h2' ? 'HTTP/2 (SDK default)' : 'HTTP/1.1 (NodeHttpHandler)'}`, () => {
    let k: KinesisClient;
    withKinesisServer(transport, (_app, client) => {
      k = client;
    });

    it("Tag/Untag/ListTagsForResource on a stream's ARN share AddTagsToStream's tags", async () => {
      await createStream(k, 'tagged');
      await k.send(new AddTagsToStreamCommand({ StreamName: 'tagged', Tags: { team: 'data' } }));
      await k.send(
        new TagResourceCommand({ ResourceARN: arnOf('tagged'), Tags: { env: 'test', team: 'ops' } }),
      );
      assert.deepEqual(await tagsOf(k, arnOf('tagged')), { env: 'test', team: 'ops' });
      const listed = (await k.send(new ListTagsForStreamCommand({ StreamName: 'tagged' }))).Tags;
      assert.deepEqual(listed, [
        { Key: 'env', Value: 'test' },
        { Key: 'team', Value: 'ops' },
      ]);
      await k.send(new UntagResourceCommand({ ResourceARN: arnOf('tagged'), TagKeys: ['team', 'absent'] }));
      assert.deepEqual(await tagsOf(k, arnOf('tagged')), { env: 'test' });
    });

    it("tags a consumer apart from its stream, from RegisterStreamConsumer's Tags on", async () => {
      await createStream(k, 'fan');
      const consumer = (
        await k.send(
          new RegisterStreamConsumerCommand({
            StreamARN: arnOf('fan'),
            ConsumerName: 'c',
            Tags: { owner: 'me' },
          }),
        )
      ).Consumer!.ConsumerARN!;
      assert.deepEqual(await tagsOf(k, consumer), { owner: 'me' });
      await k.send(new TagResourceCommand({ ResourceARN: consumer, Tags: { tier: 'gold' } }));
      await k.send(new UntagResourceCommand({ ResourceARN: consumer, TagKeys: ['owner'] }));
      assert.deepEqual(await tagsOf(k, consumer), { tier: 'gold' });
      assert.deepEqual(await tagsOf(k, arnOf('fan')), {}, "the stream's tags are its own");
      const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
      await expectAwsError(
        k.send(new TagResourceCommand({ ResourceARN: consumer, Tags: many })),
        'InvalidArgumentException',
        `Failed to add tags to consumer c under account ${ACCOUNT} because a given consumer cannot have more than 50 tags associated with it.`,
      );
      assert.deepEqual(await tagsOf(k, consumer), { tier: 'gold' }, 'a refused request changes nothing');
    });

    it('refuses a resource that does not exist and tags AWS does not allow', async () => {
      const notFound = `Stream nope under account ${ACCOUNT} not found.`;
      await expectAwsError(
        k.send(new TagResourceCommand({ ResourceARN: arnOf('nope'), Tags: { a: 'b' } })),
        'ResourceNotFoundException',
        notFound,
      );
      await expectAwsError(
        k.send(new ListTagsForResourceCommand({ ResourceARN: arnOf('nope') })),
        'ResourceNotFoundException',
        notFound,
      );
      await expectAwsError(
        k.send(new UntagResourceCommand({ ResourceARN: `${arnOf('nope')}/consumer/c:1`, TagKeys: ['a'] })),
        'ResourceNotFoundException',
        notFound,
      );
      await expectAwsError(
        k.send(
          new ListTagsForResourceCommand({ ResourceARN: arnOf('nope').replace('us-east-1', 'eu-west-1') }),
        ),
        'ResourceNotFoundException',
        notFound,
      );
      await createStream(k, 'strict');
      await expectAwsError(
        k.send(new TagResourceCommand({ ResourceARN: arnOf('strict'), Tags: { 'a!': 'b' } })),
        'InvalidArgumentException',
        /Some tags contain invalid characters/,
      );
      assert.deepEqual(await tagsOf(k, arnOf('strict')), {});
    });
  });
}

for (const transport of transports) {
  describe(`resource policies over ${transport === 'h2' ? 'HTTP/2 (SDK default)' : 'HTTP/1.1 (NodeHttpHandler)'}`, () => {
    let k: KinesisClient;
    withKinesisServer(transport, (_app, client) => {
      k = client;
    });

    it('Put/Get/DeleteResourcePolicy keep a policy per stream and per consumer; none reads as {}', async () => {
      await createStream(k, 'shared');
      const consumer = (
        await k.send(new RegisterStreamConsumerCommand({ StreamARN: arnOf('shared'), ConsumerName: 'c' }))
      ).Consumer!.ConsumerARN!;
      assert.equal(await policyOf(k, arnOf('shared')), '{}');
      await k.send(
        new PutResourcePolicyCommand({ ResourceARN: arnOf('shared'), Policy: policyFor(arnOf('shared')) }),
      );
      await k.send(new PutResourcePolicyCommand({ ResourceARN: consumer, Policy: policyFor(consumer) }));
      assert.equal(await policyOf(k, arnOf('shared')), policyFor(arnOf('shared')));
      assert.equal(await policyOf(k, consumer), policyFor(consumer));
      await k.send(new DeleteResourcePolicyCommand({ ResourceARN: arnOf('shared') }));
      assert.equal(await policyOf(k, arnOf('shared')), '{}');
      assert.equal(await policyOf(k, consumer), policyFor(consumer), "the consumer's is its own");
      await k.send(new DeleteResourcePolicyCommand({ ResourceARN: arnOf('shared') }));
      await expectAwsError(
        k.send(new PutResourcePolicyCommand({ ResourceARN: arnOf('shared'), Policy: 'not json' })),
        'InvalidArgumentException',
        /^Invalid policy document: /,
      );
      await expectAwsError(
        k.send(
          new PutResourcePolicyCommand({
            ResourceARN: arnOf('shared'),
            Policy: '{"Statement":[{"Effect":"Allow"}]}',
          }),
        ),
        'InvalidArgumentException',
        'Invalid policy document: a statement names no Principal.',
      );
      assert.equal(await policyOf(k, arnOf('shared')), '{}', 'a refused policy is not kept');
      await expectAwsError(
        k.send(new GetResourcePolicyCommand({ ResourceARN: arnOf('nope') })),
        'ResourceNotFoundException',
        `Stream nope under account ${ACCOUNT} not found.`,
      );
    });
  });
}
