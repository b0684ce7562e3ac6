import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  AddPermissionCommand,
  CreateAliasCommand,
  DeleteAliasCommand,
  DeleteFunctionCommand,
  ListAliasesCommand,
  ListFunctionEventInvokeConfigsCommand,
  GetAccountSettingsCommand,
  GetPolicyCommand,
  GetAliasCommand,
  GetFunctionEventInvokeConfigCommand,
  InvokeCommand,
  LambdaClient,
  ListTagsCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  PutFunctionEventInvokeConfigCommand,
  TagResourceCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { clientConfig, startTestServer, tempDir } from '../harness/helpers.js';
import { spawnServer } from '../harness/server-process.js';
import {
  createNodeFunction,
  invokeJson,
  lambdaClient,
  makeZip,
  versionedCode,
  lambdaTestServer,
} from './lambda-helpers.js';
import { prng } from '../harness/prng.js';

/** Two published versions of `name`: '1' runs code 'one', '2' runs 'two'. */
async function twoVersions(c: LambdaClient, name: string): Promise<void> {
  await createNodeFunction(c, name, versionedCode('one'));
  await c.send(new PublishVersionCommand({ FunctionName: name }));
  await c.send(
    new UpdateFunctionCodeCommand({
      FunctionName: name,
      ZipFile: await makeZip({ 'index.mjs': versionedCode('two') }),
    }),
  );
  await c.send(new PublishVersionCommand({ FunctionName: name }));
}

describe('Alias routing (AdditionalVersionWeights)', () => {
  it('splits invocations by weight, drawing from the injected random source', async () => {
    const SEED = 18;
    await using server = await lambdaTestServer({ testHooks: { aliasRandom: prng(SEED) } });
    const { c } = server;
    await twoVersions(c, 'split');
    const alias = await c.send(
      new CreateAliasCommand({
        FunctionName: 'split',
        Name: 'canary',
        FunctionVersion: '2',
        RoutingConfig: { AdditionalVersionWeights: { '1': 0.3 } },
      }),
    );
    assert.deepEqual(alias.RoutingConfig, { AdditionalVersionWeights: { '1': 0.3 } });
    const N = 200;
    const executed: string[] = [];
    for (let i = 0; i < N; i++) {
      const { body, executed: v } = await invokeJson(c, 'split', 'canary');
      assert.equal(body.fv, v);
      assert.equal(body.code, v === '1' ? 'one' : 'two');
      executed.push(v!);
    }
    // The server drew one number per invocation through the alias, in order: the same draws say where each went.
    const draws = prng(SEED);
    const expected = Array.from({ length: N }, () => (draws() < 0.3 ? '1' : '2'));
    assert.deepEqual(executed, expected);
    const share = executed.filter((v) => v === '1').length / N;
    assert.ok(share > 0.2 && share < 0.4, `version 1 got ${share} of the invocations, not about 0.3`);

    // No weights: everything to the alias's version again.
    await c.send(
      new UpdateAliasCommand({
        FunctionName: 'split',
        Name: 'canary',
        RoutingConfig: { AdditionalVersionWeights: {} },
      }),
    );
    assert.equal(
      (await c.send(new GetAliasCommand({ FunctionName: 'split', Name: 'canary' }))).RoutingConfig,
      undefined,
    );
    for (let i = 0; i < 5; i++) assert.equal((await invokeJson(c, 'split', 'canary')).executed, '2');
  });
});

describe('Versions, aliases, tags and event invoke configs across restarts', () => {
  it('survive a clean restart and a kill -9 after the answer', async () => {
    const dataDir = tempDir('tributary-versions-restart-');
    let app = await startTestServer({ dataDir });
    let c = lambdaClient(app);
    await twoVersions(c, 'kept');
    await c.send(new CreateAliasCommand({ FunctionName: 'kept', Name: 'live', FunctionVersion: '1' }));
    await c.send(
      new TagResourceCommand({
        Resource: 'arn:aws:lambda:us-east-1:000000000000:function:kept',
        Tags: { a: 'b' },
      }),
    );
    await c.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: 'kept',
        Qualifier: 'live',
        MaximumRetryAttempts: 0,
      }),
    );
    await c.send(
      new AddPermissionCommand({
        FunctionName: 'kept',
        Qualifier: 'live',
        StatementId: 'from-sns',
        Action: 'lambda:InvokeFunction',
        Principal: 'sns.amazonaws.com',
      }),
    );
    const settings = await c.send(new GetAccountSettingsCommand({}));
    c.destroy();
    await app.close();

    app = await startTestServer({ dataDir });
    c = lambdaClient(app);
    try {
      // The usage counts published versions' code, kept on disk.
      assert.deepEqual((await c.send(new GetAccountSettingsCommand({}))).AccountUsage, settings.AccountUsage);
      const versions = await c.send(new ListVersionsByFunctionCommand({ FunctionName: 'kept' }));
      assert.deepEqual(
        versions.Versions?.map((v) => v.Version),
        ['$LATEST', '1', '2'],
      );
      assert.equal((await invokeJson(c, 'kept', 'live')).body.code, 'one');
      assert.equal((await invokeJson(c, 'kept', '2')).body.code, 'two');
      const tags = await c.send(
        new ListTagsCommand({ Resource: 'arn:aws:lambda:us-east-1:000000000000:function:kept' }),
      );
      assert.deepEqual(tags.Tags, { a: 'b' });
      const cfg = await c.send(
        new GetFunctionEventInvokeConfigCommand({ FunctionName: 'kept', Qualifier: 'live' }),
      );
      assert.equal(cfg.MaximumRetryAttempts, 0);
      const policy = await c.send(new GetPolicyCommand({ FunctionName: 'kept:live' }));
      assert.deepEqual(
        (JSON.parse(policy.Policy!) as { Statement: Array<{ Sid: string; Resource: string }> }).Statement.map(
          (st) => [st.Sid, st.Resource],
        ),
        [['from-sns', 'arn:aws:lambda:us-east-1:000000000000:function:kept:live']],
      );
      // Numbers are never reused: the next version after a restart is 3.
      await c.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'kept', Description: 'x' }));
      assert.equal((await c.send(new PublishVersionCommand({ FunctionName: 'kept' }))).Version, '3');
    } finally {
      c.destroy();
      await app.close();
    }

    // kill -9 right after the answers: what was answered is there.
    const server = await spawnServer(['--data-dir', dataDir]);
    const k = new LambdaClient(clientConfig(server, 'default', { maxAttempts: 1 }));
    try {
      await k.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'kept', Description: 'y' }));
      assert.equal((await k.send(new PublishVersionCommand({ FunctionName: 'kept' }))).Version, '4');
      await k.send(new UpdateAliasCommand({ FunctionName: 'kept', Name: 'live', FunctionVersion: '4' }));
      // Deletions answered are deletions kept: an alias with its event invoke config, and a version.
      await k.send(new CreateAliasCommand({ FunctionName: 'kept', Name: 'tmp', FunctionVersion: '3' }));
      await k.send(
        new PutFunctionEventInvokeConfigCommand({
          FunctionName: 'kept',
          Qualifier: 'tmp',
          MaximumRetryAttempts: 1,
        }),
      );
      await k.send(new DeleteAliasCommand({ FunctionName: 'kept', Name: 'tmp' }));
      await k.send(new DeleteFunctionCommand({ FunctionName: 'kept', Qualifier: '3' }));
    } finally {
      k.destroy();
      await server.kill9();
    }
    app = await startTestServer({ dataDir });
    c = lambdaClient(app);
    try {
      assert.equal(
        (await c.send(new GetAliasCommand({ FunctionName: 'kept', Name: 'live' }))).FunctionVersion,
        '4',
      );
      const out = await c.send(new InvokeCommand({ FunctionName: 'kept:live', Payload: Buffer.from('{}') }));
      assert.equal(out.ExecutedVersion, '4');
      assert.deepEqual(
        (await c.send(new ListAliasesCommand({ FunctionName: 'kept' }))).Aliases?.map((a) => a.Name),
        ['live'],
      );
      assert.deepEqual(
        (await c.send(new ListVersionsByFunctionCommand({ FunctionName: 'kept' }))).Versions?.map(
          (v) => v.Version,
        ),
        ['$LATEST', '1', '2', '4'],
      );
      assert.deepEqual(
        (
          await c.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'kept' }))
        ).FunctionEventInvokeConfigs?.map((e) => e.FunctionArn),
        ['arn:aws:lambda:us-east-1:000000000000:function:kept:live'],
      );
    } finally {
      c.destroy();
      await app.close();
    }
  });
});
