import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import {
  CreateAliasCommand,
  CreateEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  ListEventSourceMappingsCommand,
  ListTagsCommand,
  TagResourceCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { kinesisClient, startTestServer, tempDir } from '../harness/helpers.js';
import { createNodeFunction } from '../lambda/lambda-helpers.js';
import {
  createStream,
  lambdaClient,
  mappingState,
  recordsDelivered,
  withMappingServer,
  type MappingTestServer,
} from './mapping-fixtures.js';

/** Appends, per batch, the version that ran it, the ARN it was invoked as and the records' data. */
const VERSION_RECORDER = `import { appendFileSync } from 'node:fs';
export const handler = async (event, ctx) => {
  const datas = event.Records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString());
  appendFileSync(process.env.OUT_FILE, JSON.stringify({ v: ctx.functionVersion, arn: ctx.invokedFunctionArn, datas }) + '\\n');
  return {};
};`;

describe('An event source mapping on an alias ARN', () => {
  let s: MappingTestServer;
  withMappingServer((x) => (s = x));
  it('invokes the alias version, shows the qualifier, and follows the alias when it moves', async () => {
    const { app, k, l } = s;
    const out = join(tempDir('tributary-alias-'), 'batches.jsonl');
    await createNodeFunction(l, 'aliased', VERSION_RECORDER, {
      Environment: { Variables: { OUT_FILE: out } },
    });
    await l.send(new PublishVersionCommand({ FunctionName: 'aliased' }));
    await l.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'aliased', Description: 'second' }));
    await l.send(new PublishVersionCommand({ FunctionName: 'aliased' }));
    const alias = await l.send(
      new CreateAliasCommand({ FunctionName: 'aliased', Name: 'live', FunctionVersion: '1' }),
    );
    const streamArn = await createStream(k, app, 'alias-src');
    const m = await l.send(
      new CreateEventSourceMappingCommand({
        FunctionName: alias.AliasArn,
        EventSourceArn: streamArn,
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 10,
      }),
    );
    assert.equal(m.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:aliased:live');
    await mappingState(app, m.UUID!, 'Enabled');
    const batches = (): Array<{ v: string; arn: string; datas: string[] }> =>
      readFileSync(out, 'utf8')
        .split('\n')
        .filter((x) => x !== '')
        .map((x) => JSON.parse(x) as { v: string; arn: string; datas: string[] });

    await k.send(
      new PutRecordCommand({ StreamName: 'alias-src', PartitionKey: 'p', Data: Buffer.from('a') }),
    );
    await recordsDelivered(app, m.UUID!, 1);
    assert.deepEqual(batches(), [{ v: '1', arn: alias.AliasArn, datas: ['a'] }]);

    await l.send(new UpdateAliasCommand({ FunctionName: 'aliased', Name: 'live', FunctionVersion: '2' }));
    await k.send(
      new PutRecordCommand({ StreamName: 'alias-src', PartitionKey: 'p', Data: Buffer.from('b') }),
    );
    await recordsDelivered(app, m.UUID!, 2);
    assert.deepEqual(batches()[1], { v: '2', arn: alias.AliasArn, datas: ['b'] });
    const got = await l.send(new GetEventSourceMappingCommand({ UUID: m.UUID }));
    assert.equal(got.FunctionArn, alias.AliasArn);
  });
});

describe('Event source mappings on a version ARN and on an alias, across a restart', () => {
  it('the version mapping runs that version; both keep their qualifier and the alias one still follows its alias', async () => {
    const dataDir = tempDir('tributary-version-mapping-');
    const out = join(tempDir('tributary-version-mapping-out-'), 'batches.jsonl');
    const batches = (): Array<{ v: string; arn: string; datas: string[] }> =>
      readFileSync(out, 'utf8')
        .split('\n')
        .filter((x) => x !== '')
        .map((x) => JSON.parse(x) as { v: string; arn: string; datas: string[] });
    const fn = 'arn:aws:lambda:us-east-1:000000000000:function:pinned';
    let app = await startTestServer({ dataDir });
    let k = kinesisClient(app);
    let l = lambdaClient(app);
    let uuids: { onVersion: string; onAlias: string };
    try {
      await createNodeFunction(l, 'pinned', VERSION_RECORDER, {
        Environment: { Variables: { OUT_FILE: out } },
      });
      await l.send(new PublishVersionCommand({ FunctionName: 'pinned' }));
      await l.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'pinned', Description: 'second' }));
      await l.send(new PublishVersionCommand({ FunctionName: 'pinned' }));
      await l.send(new CreateAliasCommand({ FunctionName: 'pinned', Name: 'live', FunctionVersion: '2' }));
      const streamArn = await createStream(k, app, 'pin-src');
      const create = async (FunctionName: string): Promise<string> => {
        const m = await l.send(
          new CreateEventSourceMappingCommand({
            FunctionName,
            EventSourceArn: streamArn,
            StartingPosition: 'TRIM_HORIZON',
          }),
        );
        assert.equal(m.FunctionArn, FunctionName);
        await l.send(
          new TagResourceCommand({ Resource: m.EventSourceMappingArn, Tags: { on: FunctionName } }),
        );
        await mappingState(app, m.UUID!, 'Enabled');
        return m.UUID!;
      };
      uuids = { onVersion: await create(`${fn}:1`), onAlias: await create(`${fn}:live`) };
      await k.send(
        new PutRecordCommand({ StreamName: 'pin-src', PartitionKey: 'p', Data: Buffer.from('a') }),
      );
      await recordsDelivered(app, uuids.onVersion, 1);
      await recordsDelivered(app, uuids.onAlias, 1);
      assert.deepEqual(
        batches().sort((x, y) => x.v.localeCompare(y.v)),
        [
          { v: '1', arn: `${fn}:1`, datas: ['a'] },
          { v: '2', arn: `${fn}:live`, datas: ['a'] },
        ],
      );
    } finally {
      k.destroy();
      l.destroy();
      await app.close();
    }

    app = await startTestServer({ dataDir });
    k = kinesisClient(app);
    l = lambdaClient(app);
    try {
      const listed = await l.send(new ListEventSourceMappingsCommand({ FunctionName: 'pinned:1' }));
      assert.deepEqual(
        listed.EventSourceMappings?.map((m) => [m.UUID, m.FunctionArn]),
        [[uuids.onVersion, `${fn}:1`]],
      );
      const onAlias = await l.send(new GetEventSourceMappingCommand({ UUID: uuids.onAlias }));
      assert.equal(onAlias.FunctionArn, `${fn}:live`);
      // Their tags too.
      const tags = await l.send(new ListTagsCommand({ Resource: onAlias.EventSourceMappingArn }));
      assert.deepEqual(tags.Tags, { on: `${fn}:live` });
      await mappingState(app, uuids.onVersion, 'Enabled');
      await mappingState(app, uuids.onAlias, 'Enabled');
      await l.send(new UpdateAliasCommand({ FunctionName: 'pinned', Name: 'live', FunctionVersion: '1' }));
      await k.send(
        new PutRecordCommand({ StreamName: 'pin-src', PartitionKey: 'p', Data: Buffer.from('b') }),
      );
      await recordsDelivered(app, uuids.onVersion, 1);
      await recordsDelivered(app, uuids.onAlias, 1);
      assert.deepEqual(
        batches()
          .slice(2)
          .sort((x, y) => x.arn.localeCompare(y.arn)),
        [
          { v: '1', arn: `${fn}:1`, datas: ['b'] },
          { v: '1', arn: `${fn}:live`, datas: ['b'] },
        ],
      );
    } finally {
      k.destroy();
      l.destroy();
      await app.close();
    }
  });
});
