import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  CreateEventSourceMappingCommand,
  GetAccountSettingsCommand,
  GetFunctionCommand,
  ListTagsCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { CreateStreamCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import type { App } from '../../src/app/app.js';
import { clientConfig } from '../harness/helpers.js';
import { createNodeFunction, failure, type LambdaTransport, withLambdaServer } from './lambda-helpers.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';

for (const transport of ['h2', 'h1'] as LambdaTransport[]) {
  describe(`Lambda tags and account settings over ${transport}`, () => {
    let app: App;
    let c: LambdaClient;
    withLambdaServer(transport, (a, client) => ((app = a), (c = client)));

    it('TagResource, UntagResource and ListTags on functions and event source mappings', async () => {
      await createNodeFunction(c, 'tagged', 'export const handler = async () => 1;', { Tags: { team: 'a' } });
      await c.send(new TagResourceCommand({ Resource: `${ARN}:tagged`, Tags: { env: 'dev', cost: '7' } }));
      assert.deepEqual((await c.send(new ListTagsCommand({ Resource: `${ARN}:tagged` }))).Tags, {
        team: 'a',
        env: 'dev',
        cost: '7',
      });
      await c.send(
        new UntagResourceCommand({ Resource: `${ARN}:tagged`, TagKeys: ['team', 'cost', 'absent'] }),
      );
      assert.deepEqual((await c.send(new GetFunctionCommand({ FunctionName: 'tagged' }))).Tags, {
        env: 'dev',
      });
      assert.deepEqual(await failure(c.send(new ListTagsCommand({ Resource: `${ARN}:nope` }))), {
        name: 'ResourceNotFoundException',
        status: 404,
        message: `Function not found: ${ARN}:nope`,
      });
      assert.equal(
        (await failure(c.send(new TagResourceCommand({ Resource: `${ARN}:tagged:1`, Tags: { a: 'b' } }))))
          .name,
        'InvalidParameterValueException',
      );

      const k = new KinesisClient(clientConfig(app));
      await k.send(new CreateStreamCommand({ StreamName: 'tag-src', ShardCount: 1 }));
      k.destroy();
      const m = await c.send(
        new CreateEventSourceMappingCommand({
          FunctionName: 'tagged',
          EventSourceArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/tag-src',
          StartingPosition: 'LATEST',
          Tags: { owner: 'me' },
        }),
      );
      const mappingArn = m.EventSourceMappingArn!;
      await c.send(new TagResourceCommand({ Resource: mappingArn, Tags: { stage: 'beta' } }));
      assert.deepEqual((await c.send(new ListTagsCommand({ Resource: mappingArn }))).Tags, {
        owner: 'me',
        stage: 'beta',
      });
      await c.send(new UntagResourceCommand({ Resource: mappingArn, TagKeys: ['owner'] }));
      assert.deepEqual((await c.send(new ListTagsCommand({ Resource: mappingArn }))).Tags, { stage: 'beta' });
    });

    it('GetAccountSettings reports the limits and what functions use', async () => {
      const before = await c.send(new GetAccountSettingsCommand({}));
      assert.equal(before.AccountLimit?.CodeSizeZipped, 52_428_800);
      assert.equal(before.AccountLimit?.CodeSizeUnzipped, 262_144_000);
      assert.equal(before.AccountLimit?.TotalCodeSize, 80_530_636_800);
      assert.equal(before.AccountLimit?.ConcurrentExecutions, 1000);
      assert.equal(before.AccountLimit?.UnreservedConcurrentExecutions, 1000);
      assert.equal(before.AccountUsage?.FunctionCount, 1);
      const size = (await c.send(new GetFunctionCommand({ FunctionName: 'tagged' }))).Configuration!
        .CodeSize!;
      assert.equal(before.AccountUsage?.TotalCodeSize, size);
      await c.send(new PublishVersionCommand({ FunctionName: 'tagged' }));
      await c.send(
        new PutFunctionConcurrencyCommand({ FunctionName: 'tagged', ReservedConcurrentExecutions: 5 }),
      );
      const after = await c.send(new GetAccountSettingsCommand({}));
      assert.equal(after.AccountUsage?.TotalCodeSize, 2 * size);
      assert.equal(after.AccountLimit?.UnreservedConcurrentExecutions, 995);
    });
  });
}
