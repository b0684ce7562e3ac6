import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  GetPolicyCommand,
  InvokeCommand,
  RemovePermissionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import type { App } from '../../src/app/app.js';
import { eventMatching } from '../harness/helpers.js';
import {
  createNodeFunction,
  decode,
  makeZip,
  ROLE,
  withLambdaServer,
  failure,
  ECHO,
  lambdaTestServer,
} from './lambda-helpers.js';
import { hooks } from '../harness/hooks.js';

// Function states under a transition delay and resource policies (split from lambda-api.test.ts).

describe('Lambda function states with a transition delay', () => {
  let app: App;
  let c: LambdaClient;
  // The test makes a request while the function is Pending and one while its update is InProgress: a delay
  // of a few seconds, not a fraction of one, so that no loaded machine outlasts it (issue 16).
  withLambdaServer('default', (a, client) => ((app = a), (c = client)), { transitionDelayMs: 3_000 });

  it('Pending -> Active: invokes are refused while Pending; updates go InProgress -> Successful', async () => {
    const zip = await makeZip({ 'index.mjs': ECHO });
    const created = await c.send(
      new CreateFunctionCommand({
        FunctionName: 'slow',
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Role: ROLE,
        Code: { ZipFile: zip },
      }),
    );
    assert.equal(created.State, 'Pending');
    assert.equal(created.StateReasonCode, 'Creating');
    const early = await failure(c.send(new InvokeCommand({ FunctionName: 'slow' })));
    assert.equal(early.name, 'ResourceConflictException');
    assert.match(early.message, /The function is currently in the following state: Pending/);
    await waitUntilFunctionActiveV2(
      { client: c, maxWaitTime: 10, minDelay: 1, maxDelay: 1 },
      { FunctionName: 'slow' },
    );
    // Listening before the update: its completion is an event, awaited whenever it comes.
    const succeeded = eventMatching(
      hooks(app).lambdaEvents,
      'stateChanged',
      (e: { lastUpdateStatus?: string }) => e.lastUpdateStatus === 'Successful',
    );
    const upd = await c.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: 'slow', Description: 'd' }),
    );
    assert.equal(upd.LastUpdateStatus, 'InProgress');
    const busy = await failure(c.send(new UpdateFunctionCodeCommand({ FunctionName: 'slow', ZipFile: zip })));
    assert.equal(busy.name, 'ResourceConflictException');
    assert.match(
      busy.message,
      /An update is in progress for resource: arn:aws:lambda:us-east-1:000000000000:function:slow/,
    );
    await succeeded;
    const cfg = await c.send(new GetFunctionConfigurationCommand({ FunctionName: 'slow' }));
    assert.equal(cfg.LastUpdateStatus, 'Successful');
    const r = await c.send(new InvokeCommand({ FunctionName: 'slow', Payload: Buffer.from('1') }));
    assert.deepEqual(decode(r.Payload), { echo: 1, env: null });
  });
});

describe('Lambda resource policies (recorded, not enforced)', () => {
  it('AddPermission, GetPolicy and RemovePermission shape statements like AWS', async () => {
    await using server = await lambdaTestServer();
    const { c } = server;
    await createNodeFunction(c, 'guarded', ECHO);
    const added = await c.send(
      new AddPermissionCommand({
        FunctionName: 'guarded',
        StatementId: 'sns-invoke',
        Action: 'lambda:InvokeFunction',
        Principal: 'sns.amazonaws.com',
        SourceArn: 'arn:aws:sns:us-east-1:000000000000:topic',
      }),
    );
    assert.equal(added.$metadata.httpStatusCode, 201);
    assert.deepEqual(JSON.parse(added.Statement!), {
      Sid: 'sns-invoke',
      Effect: 'Allow',
      Principal: { Service: 'sns.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: 'arn:aws:lambda:us-east-1:000000000000:function:guarded',
      Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:sns:us-east-1:000000000000:topic' } },
    });
    const dup = await failure(
      c.send(
        new AddPermissionCommand({
          FunctionName: 'guarded',
          StatementId: 'sns-invoke',
          Action: 'lambda:InvokeFunction',
          Principal: '*',
        }),
      ),
    );
    assert.equal(dup.name, 'ResourceConflictException');
    const policy = JSON.parse((await c.send(new GetPolicyCommand({ FunctionName: 'guarded' }))).Policy!) as {
      Statement: unknown[];
    };
    assert.equal(policy.Statement.length, 1);
    // Not an update: the function stays invocable and keeps its revision.
    assert.equal(
      (await c.send(new InvokeCommand({ FunctionName: 'guarded', Payload: Buffer.from('1') }))).FunctionError,
      undefined,
    );
    await c.send(new RemovePermissionCommand({ FunctionName: 'guarded', StatementId: 'sns-invoke' }));
    assert.equal(
      (await failure(c.send(new GetPolicyCommand({ FunctionName: 'guarded' })))).name,
      'ResourceNotFoundException',
    );
    const gone = await failure(
      c.send(new RemovePermissionCommand({ FunctionName: 'guarded', StatementId: 'sns-invoke' })),
    );
    assert.equal(gone.name, 'ResourceNotFoundException');
  });
});
