import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionCommand,
  ListFunctionEventInvokeConfigsCommand,
  ListFunctionsCommand,
  PutFunctionEventInvokeConfigCommand,
  DeleteAliasCommand,
  DeleteFunctionConcurrencyCommand,
  PutFunctionConcurrencyCommand,
  RemovePermissionCommand,
  DeleteFunctionCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetPolicyCommand,
  InvokeCommand,
  ListAliasesCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import {
  createNodeFunction,
  failure,
  invokeJson,
  makeZip,
  ROLE,
  versionedCode,
  type LambdaTransport,
  withLambdaServer,
} from './lambda-helpers.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';

for (const transport of ['h2', 'h1'] as LambdaTransport[]) {
  describe(`Lambda versions and aliases over ${transport}`, () => {
    let c: LambdaClient;
    withLambdaServer(transport, (_app, client) => (c = client));

    it('PublishVersion snapshots $LATEST; each version runs its own code and knows its version', async () => {
      await createNodeFunction(c, 'ver', versionedCode('one'), { Description: 'fn' });
      const v1 = await c.send(new PublishVersionCommand({ FunctionName: 'ver', Description: 'first' }));
      assert.equal(v1.$metadata.httpStatusCode, 201);
      assert.equal(v1.Version, '1');
      assert.equal(v1.FunctionArn, `${ARN}:ver:1`);
      assert.equal(v1.Description, 'first');
      assert.equal(v1.State, 'Active');
      // Nothing changed: the same version, none created.
      const again = await c.send(new PublishVersionCommand({ FunctionName: 'ver' }));
      assert.equal(again.Version, '1');
      assert.equal(again.RevisionId, v1.RevisionId);

      const updated = await c.send(
        new UpdateFunctionCodeCommand({
          FunctionName: 'ver',
          ZipFile: await makeZip({ 'index.mjs': versionedCode('two') }),
        }),
      );
      const wrongSha = await failure(
        c.send(new PublishVersionCommand({ FunctionName: 'ver', CodeSha256: v1.CodeSha256 })),
      );
      assert.deepEqual(wrongSha, {
        name: 'InvalidParameterValueException',
        status: 400,
        message: `CodeSHA256 (${v1.CodeSha256}) is different from current CodeSHA256 in $LATEST (${updated.CodeSha256}). Please try again with the CodeSHA256 in $LATEST.`,
      });
      const wrongRevision = await failure(
        c.send(new PublishVersionCommand({ FunctionName: 'ver', RevisionId: v1.RevisionId })),
      );
      assert.equal(wrongRevision.name, 'PreconditionFailedException');
      assert.equal(wrongRevision.status, 412);
      const latest = await c.send(new GetFunctionConfigurationCommand({ FunctionName: 'ver' }));
      const v2 = await c.send(
        new PublishVersionCommand({
          FunctionName: 'ver',
          CodeSha256: updated.CodeSha256,
          RevisionId: latest.RevisionId,
        }),
      );
      assert.equal(v2.Version, '2');
      assert.equal(v2.Description, 'fn');

      assert.deepEqual(await invokeJson(c, 'ver', '1'), {
        body: { code: 'one', env: '1', fv: '1', arn: `${ARN}:ver:1` },
        executed: '1',
      });
      assert.deepEqual((await invokeJson(c, 'ver:1')).body.code, 'one');
      assert.deepEqual(await invokeJson(c, `${ARN}:ver:2`), {
        body: { code: 'two', env: '2', fv: '2', arn: `${ARN}:ver:2` },
        executed: '2',
      });
      assert.deepEqual(await invokeJson(c, 'ver'), {
        body: { code: 'two', env: '$LATEST', fv: '$LATEST', arn: `${ARN}:ver` },
        executed: '$LATEST',
      });

      // Published versions are immutable: $LATEST's next change leaves them as they were.
      await c.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'ver', Timeout: 9 }));
      const conf1 = await c.send(
        new GetFunctionConfigurationCommand({ FunctionName: 'ver', Qualifier: '1' }),
      );
      assert.equal(conf1.Timeout, 3);
      assert.equal(conf1.Version, '1');
      assert.equal(conf1.FunctionArn, `${ARN}:ver:1`);
      const fn2 = await c.send(new GetFunctionCommand({ FunctionName: 'ver:2' }));
      assert.equal(fn2.Configuration?.CodeSha256, updated.CodeSha256);
      const listed = await c.send(new ListVersionsByFunctionCommand({ FunctionName: 'ver' }));
      assert.deepEqual(
        listed.Versions?.map((v) => [v.Version, v.FunctionArn, v.Timeout]),
        [
          ['$LATEST', `${ARN}:ver:$LATEST`, 9],
          ['1', `${ARN}:ver:1`, 3],
          ['2', `${ARN}:ver:2`, 3],
        ],
      );
      const paged = await c.send(new ListVersionsByFunctionCommand({ FunctionName: 'ver', MaxItems: 2 }));
      assert.equal(paged.Versions?.length, 2);
      const rest = await c.send(
        new ListVersionsByFunctionCommand({ FunctionName: 'ver', Marker: paged.NextMarker }),
      );
      assert.deepEqual(
        rest.Versions?.map((v) => v.Version),
        ['2'],
      );

      const immutable = await failure(
        c.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'ver:1', Timeout: 5 })),
      );
      assert.deepEqual(immutable, {
        name: 'InvalidParameterValueException',
        status: 400,
        message: 'Current operation does not support versions other than $LATEST',
      });
      const missing = await failure(c.send(new InvokeCommand({ FunctionName: 'ver', Qualifier: '7' })));
      assert.deepEqual(missing, {
        name: 'ResourceNotFoundException',
        status: 404,
        message: `Function not found: ${ARN}:ver:7`,
      });
      const mismatch = await failure(c.send(new InvokeCommand({ FunctionName: 'ver:1', Qualifier: '2' })));
      assert.equal(mismatch.name, 'InvalidParameterValueException');
    });

    it('aliases name a version, move, carry their own policy, and protect the versions they use', async () => {
      const created = await c.send(
        new CreateAliasCommand({
          FunctionName: 'ver',
          Name: 'live',
          FunctionVersion: '1',
          Description: 'prod',
        }),
      );
      assert.equal(created.$metadata.httpStatusCode, 201);
      assert.equal(created.AliasArn, `${ARN}:ver:live`);
      assert.equal(created.FunctionVersion, '1');
      assert.deepEqual(await invokeJson(c, 'ver', 'live'), {
        body: { code: 'one', env: '1', fv: '1', arn: `${ARN}:ver:live` },
        executed: '1',
      });
      const conf = await c.send(new GetFunctionConfigurationCommand({ FunctionName: 'ver:live' }));
      assert.equal(conf.FunctionArn, `${ARN}:ver:live`);
      assert.equal(conf.Version, '1');

      const moved = await c.send(
        new UpdateAliasCommand({ FunctionName: 'ver', Name: 'live', FunctionVersion: '2' }),
      );
      assert.notEqual(moved.RevisionId, created.RevisionId);
      assert.equal(moved.Description, 'prod');
      assert.equal((await invokeJson(c, `${ARN}:ver:live`)).body.code, 'two');
      const stale = await failure(
        c.send(new UpdateAliasCommand({ FunctionName: 'ver', Name: 'live', RevisionId: created.RevisionId })),
      );
      assert.equal(stale.name, 'PreconditionFailedException');

      const got = await c.send(new GetAliasCommand({ FunctionName: 'ver', Name: 'live' }));
      assert.equal(got.FunctionVersion, '2');
      await c.send(new CreateAliasCommand({ FunctionName: 'ver', Name: 'old', FunctionVersion: '1' }));
      const all = await c.send(new ListAliasesCommand({ FunctionName: 'ver' }));
      assert.deepEqual(
        all.Aliases?.map((a) => a.Name),
        ['live', 'old'],
      );
      const onOne = await c.send(new ListAliasesCommand({ FunctionName: 'ver', FunctionVersion: '1' }));
      assert.deepEqual(
        onOne.Aliases?.map((a) => a.Name),
        ['old'],
      );

      assert.deepEqual(
        await failure(
          c.send(new CreateAliasCommand({ FunctionName: 'ver', Name: 'live', FunctionVersion: '1' })),
        ),
        { name: 'ResourceConflictException', status: 409, message: `Alias already exists: ${ARN}:ver:live` },
      );
      assert.deepEqual(await failure(c.send(new GetAliasCommand({ FunctionName: 'ver', Name: 'nope' }))), {
        name: 'ResourceNotFoundException',
        status: 404,
        message: `Alias not found: ${ARN}:ver:nope`,
      });
      assert.deepEqual(
        await failure(
          c.send(new CreateAliasCommand({ FunctionName: 'ver', Name: 'x', FunctionVersion: '9' })),
        ),
        { name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${ARN}:ver:9` },
      );
      const latestSplit = await failure(
        c.send(
          new CreateAliasCommand({
            FunctionName: 'ver',
            Name: 'x',
            FunctionVersion: '$LATEST',
            RoutingConfig: { AdditionalVersionWeights: { '1': 0.5 } },
          }),
        ),
      );
      assert.equal(latestSplit.name, 'InvalidParameterValueException');
      const routed = (FunctionVersion: string, AdditionalVersionWeights: Record<string, number>) =>
        failure(
          c.send(
            new CreateAliasCommand({
              FunctionName: 'ver',
              Name: 'x',
              FunctionVersion,
              RoutingConfig: { AdditionalVersionWeights },
            }),
          ),
        );
      assert.deepEqual(await routed('1', { '1': 0.5 }), {
        name: 'InvalidParameterValueException',
        status: 400,
        message:
          'Invalid function version 1. Function version 1 is already included in routing configuration.',
      });
      assert.deepEqual(await routed('1', { '2': 0.1, '3': 0.1 }), {
        name: 'InvalidParameterValueException',
        status: 400,
        message: 'Number of items in AdditionalVersionWeights cannot be greater than 1',
      });
      assert.equal((await routed('1', { '2': 1.5 })).name, 'ValidationException');
      assert.equal((await routed('1', { '9': 0.5 })).name, 'ResourceNotFoundException');
      const numeric = await failure(
        c.send(new CreateAliasCommand({ FunctionName: 'ver', Name: '12', FunctionVersion: '1' })),
      );
      assert.equal(numeric.name, 'ValidationException');

      // Policies are per qualifier.
      await c.send(
        new AddPermissionCommand({
          FunctionName: 'ver',
          Qualifier: 'live',
          StatementId: 'sns',
          Action: 'lambda:InvokeFunction',
          Principal: 'sns.amazonaws.com',
        }),
      );
      const policy = await c.send(new GetPolicyCommand({ FunctionName: 'ver', Qualifier: 'live' }));
      const statement = (JSON.parse(policy.Policy!) as { Statement: Array<{ Resource: string }> })
        .Statement[0];
      assert.equal(statement?.Resource, `${ARN}:ver:live`);
      assert.equal(
        (await failure(c.send(new GetPolicyCommand({ FunctionName: 'ver' })))).name,
        'ResourceNotFoundException',
      );
      assert.equal(
        (await failure(c.send(new RemovePermissionCommand({ FunctionName: 'ver', StatementId: 'sns' }))))
          .name,
        'ResourceNotFoundException',
      );
      await c.send(new RemovePermissionCommand({ FunctionName: 'ver:live', StatementId: 'sns' }));
      assert.equal(
        (await failure(c.send(new GetPolicyCommand({ FunctionName: 'ver', Qualifier: 'live' })))).name,
        'ResourceNotFoundException',
      );

      // Reserved concurrency is the function's: it holds for its versions and aliases too.
      await c.send(
        new PutFunctionConcurrencyCommand({ FunctionName: 'ver', ReservedConcurrentExecutions: 0 }),
      );
      const got0 = await c.send(new GetFunctionCommand({ FunctionName: 'ver', Qualifier: 'live' }));
      assert.equal(got0.Concurrency?.ReservedConcurrentExecutions, 0);
      for (const q of ['live', '1']) {
        const throttled = await failure(c.send(new InvokeCommand({ FunctionName: 'ver', Qualifier: q })));
        assert.equal(throttled.name, 'TooManyRequestsException');
        assert.equal(throttled.status, 429);
      }
      await c.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'ver' }));

      // A version an alias uses cannot be deleted; $LATEST only with the function.
      assert.deepEqual(
        await failure(c.send(new DeleteFunctionCommand({ FunctionName: 'ver', Qualifier: '1' }))),
        {
          name: 'ResourceConflictException',
          status: 409,
          message: 'Unable to delete version because the following aliases reference it: [old]',
        },
      );
      assert.equal(
        (await failure(c.send(new DeleteFunctionCommand({ FunctionName: 'ver', Qualifier: '$LATEST' }))))
          .name,
        'InvalidParameterValueException',
      );
      // The alias's event invoke config goes with it: a new alias of that name starts without one.
      await c.send(
        new PutFunctionEventInvokeConfigCommand({
          FunctionName: 'ver',
          Qualifier: 'old',
          MaximumRetryAttempts: 0,
        }),
      );
      await c.send(new DeleteAliasCommand({ FunctionName: 'ver', Name: 'old' }));
      await c.send(new DeleteAliasCommand({ FunctionName: 'ver', Name: 'old' }));
      await c.send(new CreateAliasCommand({ FunctionName: 'ver', Name: 'old', FunctionVersion: '2' }));
      assert.deepEqual(
        (await c.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'ver' })))
          .FunctionEventInvokeConfigs,
        [],
      );
      await c.send(new DeleteAliasCommand({ FunctionName: 'ver', Name: 'old' }));
      await c.send(new DeleteFunctionCommand({ FunctionName: 'ver:1' }));
      assert.equal(
        (await failure(c.send(new GetFunctionCommand({ FunctionName: 'ver', Qualifier: '1' })))).name,
        'ResourceNotFoundException',
      );
      assert.equal((await invokeJson(c, 'ver', 'live')).body.code, 'two');
    });

    it('deleting the function deletes its versions and aliases; a re-created one starts at version 1', async () => {
      await c.send(new DeleteFunctionCommand({ FunctionName: 'ver' }));
      await createNodeFunction(c, 'ver', versionedCode('three'));
      const listed = await c.send(new ListVersionsByFunctionCommand({ FunctionName: 'ver' }));
      assert.deepEqual(
        listed.Versions?.map((v) => v.Version),
        ['$LATEST'],
      );
      assert.deepEqual((await c.send(new ListAliasesCommand({ FunctionName: 'ver' }))).Aliases, []);
      assert.equal((await c.send(new PublishVersionCommand({ FunctionName: 'ver' }))).Version, '1');
      assert.equal((await invokeJson(c, 'ver', '1')).body.code, 'three');
    });

    it('Publish on CreateFunction and UpdateFunctionCode; ListFunctions with FunctionVersion ALL', async () => {
      const created = await c.send(
        new CreateFunctionCommand({
          FunctionName: 'pub',
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Role: ROLE,
          Code: { ZipFile: await makeZip({ 'index.mjs': versionedCode('p1') }) },
          Publish: true,
        }),
      );
      assert.equal(created.Version, '1');
      assert.equal(created.FunctionArn, `${ARN}:pub:1`);
      assert.equal(created.State, 'Active');
      const updated = await c.send(
        new UpdateFunctionCodeCommand({
          FunctionName: 'pub',
          ZipFile: await makeZip({ 'index.mjs': versionedCode('p2') }),
          Publish: true,
        }),
      );
      assert.equal(updated.Version, '2');
      assert.equal((await invokeJson(c, 'pub', '2')).body.code, 'p2');
      const all = await c.send(new ListFunctionsCommand({ FunctionVersion: 'ALL' }));
      assert.deepEqual(
        all.Functions?.filter((f) => f.FunctionName === 'pub').map((f) => f.FunctionArn),
        [`${ARN}:pub`, `${ARN}:pub:1`, `${ARN}:pub:2`],
      );
      const plain = await c.send(new ListFunctionsCommand({}));
      assert.deepEqual(
        plain.Functions?.filter((f) => f.FunctionName === 'pub').map((f) => f.Version),
        ['$LATEST'],
      );
      // A deleted version's event invoke config goes with it.
      await c.send(
        new PutFunctionEventInvokeConfigCommand({
          FunctionName: 'pub',
          Qualifier: '1',
          MaximumRetryAttempts: 0,
        }),
      );
      await c.send(new DeleteFunctionCommand({ FunctionName: 'pub', Qualifier: '1' }));
      const configs = await c.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'pub' }));
      assert.deepEqual(configs.FunctionEventInvokeConfigs, []);
    });
  });
}
