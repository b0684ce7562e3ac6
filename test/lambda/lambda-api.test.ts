import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  ListFunctionsCommand,
  PutFunctionConcurrencyCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import type { App } from '../../src/app/app.js';
import {
  createNodeFunction,
  decode,
  makeZip,
  ROLE,
  type LambdaTransport,
  withLambdaServer,
  failure,
  ECHO,
} from './lambda-helpers.js';
import { hooks } from '../harness/hooks.js';

for (const transport of ['default', 'h1'] as LambdaTransport[]) {
  describe(`Lambda function API over the ${transport} HTTP handler`, () => {
    let c: LambdaClient;
    withLambdaServer(transport, (_app, client) => (c = client));

    it('CreateFunction answers 201 with an AWS-shaped FunctionConfiguration and defaults', async () => {
      const zip = await makeZip({ 'index.mjs': ECHO });
      const out = await c.send(
        new CreateFunctionCommand({
          FunctionName: 'shape',
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Role: ROLE,
          Code: { ZipFile: zip },
          Description: 'demo',
        }),
      );
      assert.equal(out.$metadata.httpStatusCode, 201);
      assert.equal(out.FunctionName, 'shape');
      assert.equal(out.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:shape');
      assert.equal(out.Runtime, 'nodejs20.x');
      assert.equal(out.Timeout, 3);
      assert.equal(out.MemorySize, 128);
      assert.equal(out.Version, '$LATEST');
      assert.equal(out.PackageType, 'Zip');
      assert.equal(out.Description, 'demo');
      assert.equal(out.CodeSize, zip.length);
      const { createHash } = await import('node:crypto');
      assert.equal(out.CodeSha256, createHash('sha256').update(zip).digest('base64'));
      assert.match(out.LastModified!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
      assert.match(out.RevisionId!, /^[0-9a-f-]{36}$/);
      assert.equal(out.State, 'Active');
      assert.equal(out.LastUpdateStatus, 'Successful');
      assert.deepEqual(out.Architectures, ['x86_64']);
      assert.equal(out.Environment, undefined);
    });

    it('GetFunction, GetFunctionConfiguration, by name, ARN, partial ARN and $LATEST', async () => {
      const cfg = await c.send(new GetFunctionConfigurationCommand({ FunctionName: 'shape' }));
      assert.equal(cfg.FunctionName, 'shape');
      const byArn = await c.send(
        new GetFunctionCommand({ FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:shape' }),
      );
      assert.equal(byArn.Configuration?.RevisionId, cfg.RevisionId);
      assert.equal(byArn.Code?.RepositoryType, 'S3');
      const partial = await c.send(
        new GetFunctionCommand({ FunctionName: '000000000000:function:shape', Qualifier: '$LATEST' }),
      );
      assert.equal(partial.Configuration?.FunctionName, 'shape');
      // The code location serves the uploaded zip back.
      const zip = Buffer.from(await (await fetch(byArn.Code!.Location!)).arrayBuffer());
      const { createHash } = await import('node:crypto');
      assert.equal(createHash('sha256').update(zip).digest('base64'), cfg.CodeSha256);
    });

    it('ResourceNotFoundException (404) names the ARN; unknown qualifiers find nothing', async () => {
      const e = await failure(c.send(new GetFunctionCommand({ FunctionName: 'nope' })));
      assert.equal(e.name, 'ResourceNotFoundException');
      assert.equal(e.status, 404);
      assert.equal(e.message, 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope');
      const q = await failure(
        c.send(new GetFunctionConfigurationCommand({ FunctionName: 'shape', Qualifier: '7' })),
      );
      assert.equal(q.name, 'ResourceNotFoundException');
      assert.equal(q.message, 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:shape:7');
      const inv = await failure(c.send(new InvokeCommand({ FunctionName: 'nope' })));
      assert.equal(inv.name, 'ResourceNotFoundException');
    });

    it('a second CreateFunction of the same name is a ResourceConflictException (409)', async () => {
      const e = await failure(createNodeFunction(c, 'shape', ECHO));
      assert.equal(e.name, 'ResourceConflictException');
      assert.equal(e.status, 409);
      assert.equal(e.message, 'Function already exist: shape');
    });

    it('ListFunctions pages with MaxItems and Marker, sorted by name', async () => {
      for (const n of ['list-c', 'list-a', 'list-b']) await createNodeFunction(c, n, ECHO);
      const names: string[] = [];
      let marker: string | undefined;
      let pages = 0;
      do {
        const page = await c.send(new ListFunctionsCommand({ MaxItems: 2, Marker: marker }));
        assert.ok(page.Functions!.length <= 2);
        names.push(...page.Functions!.map((f) => f.FunctionName!));
        marker = page.NextMarker;
        pages++;
      } while (marker);
      const listed = names.filter((n) => n.startsWith('list-'));
      assert.deepEqual(listed, ['list-a', 'list-b', 'list-c']);
      assert.deepEqual([...names].sort(), names);
      assert.ok(pages >= 2);
    });

    it('UpdateFunctionConfiguration changes settings and Environment reaches the function', async () => {
      const before = await c.send(
        new InvokeCommand({ FunctionName: 'shape', Payload: Buffer.from('{"a":1}') }),
      );
      assert.deepEqual(decode(before.Payload), { echo: { a: 1 }, env: null });
      const out = await c.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: 'shape',
          Timeout: 10,
          MemorySize: 256,
          Environment: { Variables: { GREETING: 'hello' } },
        }),
      );
      assert.equal(out.Timeout, 10);
      assert.equal(out.MemorySize, 256);
      assert.deepEqual(out.Environment?.Variables, { GREETING: 'hello' });
      assert.equal(out.LastUpdateStatus, 'Successful');
      const after = await c.send(
        new InvokeCommand({ FunctionName: 'shape', Payload: Buffer.from('{"a":2}') }),
      );
      assert.deepEqual(decode(after.Payload), { echo: { a: 2 }, env: 'hello' });
    });

    it('UpdateFunctionCode swaps the code for the next invocation', async () => {
      const zip = await makeZip({ 'index.mjs': `export const handler = async () => 'v2';` });
      const out = await c.send(new UpdateFunctionCodeCommand({ FunctionName: 'shape', ZipFile: zip }));
      assert.equal(out.CodeSize, zip.length);
      const r = await c.send(new InvokeCommand({ FunctionName: 'shape' }));
      assert.equal(decode(r.Payload), 'v2');
    });

    it('a stale RevisionId is a PreconditionFailedException', async () => {
      const e = await failure(
        c.send(
          new UpdateFunctionConfigurationCommand({
            FunctionName: 'shape',
            Description: 'x',
            RevisionId: '00000000-0000-4000-8000-000000000000',
          }),
        ),
      );
      assert.equal(e.name, 'PreconditionFailedException');
      assert.equal(e.status, 412);
    });

    it('Put/Get/DeleteFunctionConcurrency', async () => {
      const none = await c.send(new GetFunctionConcurrencyCommand({ FunctionName: 'shape' }));
      assert.equal(none.ReservedConcurrentExecutions, undefined);
      const put = await c.send(
        new PutFunctionConcurrencyCommand({ FunctionName: 'shape', ReservedConcurrentExecutions: 3 }),
      );
      assert.equal(put.ReservedConcurrentExecutions, 3);
      assert.equal(
        (await c.send(new GetFunctionConcurrencyCommand({ FunctionName: 'shape' })))
          .ReservedConcurrentExecutions,
        3,
      );
      assert.equal(
        (await c.send(new GetFunctionCommand({ FunctionName: 'shape' }))).Concurrency
          ?.ReservedConcurrentExecutions,
        3,
      );
      const del = await c.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'shape' }));
      assert.equal(del.$metadata.httpStatusCode, 204);
      assert.equal(
        (await c.send(new GetFunctionConcurrencyCommand({ FunctionName: 'shape' })))
          .ReservedConcurrentExecutions,
        undefined,
      );
      const neg = await failure(
        c.send(
          new PutFunctionConcurrencyCommand({ FunctionName: 'shape', ReservedConcurrentExecutions: -1 }),
        ),
      );
      assert.equal(neg.name, 'ValidationException');
    });

    it('DeleteFunction removes the function (204), then it is not found', async () => {
      await createNodeFunction(c, 'doomed', ECHO);
      await c.send(new InvokeCommand({ FunctionName: 'doomed' }));
      const del = await c.send(new DeleteFunctionCommand({ FunctionName: 'doomed' }));
      assert.equal(del.$metadata.httpStatusCode, 204);
      assert.equal(
        (await failure(c.send(new GetFunctionCommand({ FunctionName: 'doomed' })))).name,
        'ResourceNotFoundException',
      );
      assert.equal(
        (await failure(c.send(new DeleteFunctionCommand({ FunctionName: 'doomed' })))).name,
        'ResourceNotFoundException',
      );
    });
  });
}

describe('Lambda input validation', () => {
  let app: App;
  let c: LambdaClient;
  withLambdaServer('default', (a, client) => ((app = a), (c = client)));

  const base = async (): Promise<ConstructorParameters<typeof CreateFunctionCommand>[0]> => ({
    FunctionName: 'v',
    Runtime: 'nodejs20.x',
    Handler: 'index.handler',
    Role: ROLE,
    Code: { ZipFile: await makeZip({ 'index.mjs': ECHO }) },
  });

  it('container images and S3 code get a clear InvalidParameterValueException', async () => {
    const img = await failure(
      c.send(
        new CreateFunctionCommand({
          ...(await base()),
          Code: { ImageUri: '1.dkr.ecr.us-east-1.amazonaws.com/x:1' },
        }),
      ),
    );
    assert.equal(img.name, 'InvalidParameterValueException');
    assert.match(img.message, /ImageUri\) are not supported/);
    const s3 = await failure(
      c.send(new CreateFunctionCommand({ ...(await base()), Code: { S3Bucket: 'bucket', S3Key: 'k.zip' } })),
    );
    assert.equal(s3.name, 'InvalidParameterValueException');
    assert.match(s3.message, /S3Bucket\/S3Key\) are not supported/);
  });

  it('Timeout above 900 and MemorySize below 128 are ValidationExceptions naming the member', async () => {
    const t = await failure(c.send(new CreateFunctionCommand({ ...(await base()), Timeout: 901 })));
    assert.equal(t.name, 'ValidationException');
    assert.match(
      t.message,
      /Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900/,
    );
    const m = await failure(c.send(new CreateFunctionCommand({ ...(await base()), MemorySize: 64 })));
    assert.match(
      m.message,
      /at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128/,
    );
  });

  it('a runtime Tributary cannot run is refused; an unknown one fails the enum', async () => {
    const py = await failure(c.send(new CreateFunctionCommand({ ...(await base()), Runtime: 'java21' })));
    assert.equal(py.name, 'InvalidParameterValueException');
    assert.match(py.message, /java21 is not supported/);
    const bogus = await failure(
      c.send(new CreateFunctionCommand({ ...(await base()), Runtime: 'cobol' as never })),
    );
    assert.equal(bogus.name, 'ValidationException');
    assert.match(bogus.message, /Member must satisfy enum value set/);
  });

  it('reserved environment variables are refused', async () => {
    const e = await failure(
      c.send(
        new CreateFunctionCommand({ ...(await base()), Environment: { Variables: { AWS_REGION: 'x' } } }),
      ),
    );
    assert.equal(e.name, 'InvalidParameterValueException');
    assert.match(e.message, /Reserved keys used in this request: AWS_REGION/);
  });

  it('a bad role ARN and a missing handler are rejected', async () => {
    const role = await failure(c.send(new CreateFunctionCommand({ ...(await base()), Role: 'not-a-role' })));
    assert.equal(role.name, 'ValidationException');
    const handler = await failure(
      c.send(new CreateFunctionCommand({ ...(await base()), Handler: undefined })),
    );
    assert.equal(handler.name, 'InvalidParameterValueException');
    assert.match(handler.message, /Runtime and Handler are mandatory/);
  });

  it('a corrupt zip and a zip escaping its directory are refused, leaving no function behind', async () => {
    const junk = await failure(
      c.send(new CreateFunctionCommand({ ...(await base()), Code: { ZipFile: Buffer.from('not a zip') } })),
    );
    assert.equal(junk.name, 'InvalidParameterValueException');
    assert.match(junk.message, /Could not unzip uploaded file/);
    // Same-length rename inside a real zip: `aa/evil.txt` becomes `../evil.txt` (local header + central directory).
    const good = await makeZip({ 'index.mjs': ECHO, 'aa/evil.txt': 'x' });
    const evil = Buffer.from(good.toString('latin1').replaceAll('aa/evil.txt', '../evil.txt'), 'latin1');
    const trav = await failure(
      c.send(new CreateFunctionCommand({ ...(await base()), Code: { ZipFile: evil } })),
    );
    assert.equal(trav.name, 'InvalidParameterValueException');
    assert.equal(
      (await failure(c.send(new GetFunctionCommand({ FunctionName: 'v' })))).name,
      'ResourceNotFoundException',
    );
    const { existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    assert.equal(existsSync(join(hooks(app).lambdaRoot, 'code', 'evil.txt')), false);
    assert.equal(existsSync(join(hooks(app).lambdaRoot, 'code', 'v', 'evil.txt')), false);
  });

  it('Invoke payloads: over 6 MB is RequestEntityTooLargeException (413); non-JSON is InvalidRequestContentException', async () => {
    await createNodeFunction(c, 'payloads', ECHO);
    const big = await failure(
      c.send(
        new InvokeCommand({ FunctionName: 'payloads', Payload: Buffer.alloc(6 * 1024 * 1024 + 10, 0x20) }),
      ),
    );
    assert.equal(big.name, 'RequestEntityTooLargeException');
    assert.equal(big.status, 413);
    assert.equal(big.message, 'Request must be smaller than 6291456 bytes for the InvokeFunction operation');
    const bad = await failure(
      c.send(new InvokeCommand({ FunctionName: 'payloads', Payload: Buffer.from('{nope') })),
    );
    assert.equal(bad.name, 'InvalidRequestContentException');
    const bogusType = await failure(
      c.send(new InvokeCommand({ FunctionName: 'payloads', InvocationType: 'Later' as never })),
    );
    assert.equal(bogusType.name, 'ValidationException');
  });

  it('errors carry Type User in the body and x-amzn-ErrorType', async () => {
    const res = await fetch(`${app.endpoint}/2015-03-31/functions/missing/configuration`);
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('x-amzn-errortype'), 'ResourceNotFoundException');
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body['Type'], 'User');
    assert.equal(
      body['message'],
      'Function not found: arn:aws:lambda:us-east-1:000000000000:function:missing',
    );
  });
});
