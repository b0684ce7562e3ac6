import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  DeleteLayerVersionCommand,
  GetFunctionConfigurationCommand,
  GetLayerVersionByArnCommand,
  GetLayerVersionCommand,
  InvokeCommand,
  ListLayersCommand,
  ListLayerVersionsCommand,
  PublishLayerVersionCommand,
  PublishVersionCommand,
  UpdateFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import type { App } from '../../src/app/app.js';
import { awsCli, region, skipReason, startTestServer, tempDir } from '../harness/helpers.js';
import {
  createNodeFunction,
  createPythonFunction,
  decode,
  lambdaClient,
  makeZip,
  withLambdaServer,
  failure,
} from './lambda-helpers.js';
import { python3Missing } from './python-helpers.js';

const exec = promisify(execFile);
const LAYER_ARN = `arn:aws:lambda:${region}:000000000000:layer`;

const publish = async (c: LambdaClient, name: string, files: Record<string, string>, runtimes?: string[]) =>
  c.send(
    new PublishLayerVersionCommand({
      LayerName: name,
      Description: `${name} layer`,
      Content: { ZipFile: await makeZip(files) },
      ...(runtimes ? { CompatibleRuntimes: runtimes as never } : {}),
    }),
  );

const PY_WHERE = `import os, sys
import greet
def lambda_handler(event, context):
    return {"greet": greet.hello(), "site": __import__("deep").NAME, "path": sys.path[:4],
            "env": {k: os.environ.get(k) for k in ["PYTHONPATH", "PATH", "LD_LIBRARY_PATH"]},
            "tool": open(os.path.join(os.environ["PATH"].split(":")[-1], "tool")).read()}
`;

describe('Lambda layers', { skip: skipReason(python3Missing()) }, () => {
  it('publish, get, list and delete versions; functions merge their layers in order into /opt, across updates and a restart', async () => {
    const dataDir = tempDir('tributary-layers-');
    let app: App = await startTestServer({ dataDir, transitionDelayMs: 0 });
    let c = lambdaClient(app);
    try {
      const a1 = await publish(
        c,
        'common',
        {
          'python/greet.py': 'def hello():\n    return "from common"\n',
          'python/lib/python3.11/site-packages/deep.py': 'NAME = "site-packages"\n',
          'bin/tool': 'common tool',
          'nodejs/node_modules/greet/index.js': "exports.hello = () => 'node common';",
        },
        ['python3.11', 'nodejs20.x'],
      );
      assert.equal(a1.Version, 1);
      assert.equal(a1.LayerArn, `${LAYER_ARN}:common`);
      assert.equal(a1.LayerVersionArn, `${LAYER_ARN}:common:1`);
      assert.equal(a1.Description, 'common layer');
      assert.deepEqual(a1.CompatibleRuntimes, ['python3.11', 'nodejs20.x']);
      assert.ok(a1.Content?.CodeSize && a1.Content.CodeSha256 && a1.Content.Location);
      const download = await fetch(a1.Content.Location);
      assert.equal((await download.arrayBuffer()).byteLength, a1.Content.CodeSize);
      // A later layer's file replaces an earlier one's.
      const b1 = await publish(c, 'override', {
        'python/greet.py': 'def hello():\n    return "from override"\n',
      });
      const got = await c.send(new GetLayerVersionCommand({ LayerName: 'common', VersionNumber: 1 }));
      assert.equal(got.LayerVersionArn, a1.LayerVersionArn);
      assert.equal(got.Content?.CodeSha256, a1.Content.CodeSha256);
      const byArn = await c.send(new GetLayerVersionByArnCommand({ Arn: a1.LayerVersionArn }));
      assert.equal(byArn.Version, 1);
      assert.equal(byArn.Content?.CodeSha256, a1.Content.CodeSha256);

      await createPythonFunction(c, 'layered', PY_WHERE, {
        Layers: [a1.LayerVersionArn!, b1.LayerVersionArn!],
      });
      const conf = await c.send(new GetFunctionConfigurationCommand({ FunctionName: 'layered' }));
      assert.deepEqual(conf.Layers, [
        { Arn: a1.LayerVersionArn, CodeSize: a1.Content.CodeSize },
        { Arn: b1.LayerVersionArn, CodeSize: b1.Content?.CodeSize },
      ]);
      const where = async (): Promise<Record<string, unknown>> =>
        decode((await c.send(new InvokeCommand({ FunctionName: 'layered' }))).Payload) as Record<
          string,
          unknown
        >;
      const out = await where();
      assert.equal(out['greet'], 'from override');
      assert.equal(out['site'], 'site-packages');
      assert.equal(out['tool'], 'common tool');
      const path = out['path'] as string[];
      const env = out['env'] as Record<string, string>;
      // The zip's directory, then the layers' python/lib/python3.11/site-packages and python, as in Lambda.
      assert.match(path[1]!, /\/python\/lib\/python3\.11\/site-packages$/);
      assert.match(path[2]!, /\/python$/);
      assert.equal(env['PYTHONPATH'], `${path[1]}:${path[2]}`);
      assert.match(env['LD_LIBRARY_PATH']!, /\/lib$/);

      await createNodeFunction(
        c,
        'layered-node',
        "const { hello } = require('greet'); exports.handler = async () => hello();",
        { Layers: [a1.LayerVersionArn!] },
        'index.js',
      );
      assert.equal(
        decode((await c.send(new InvokeCommand({ FunctionName: 'layered-node' }))).Payload),
        'node common',
      );

      // Bad Layers leave the function as it was.
      const bad = async (Layers: string[]): Promise<string> => {
        const e = await failure(
          c.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'layered', Layers })),
        );
        assert.equal(e.name, 'InvalidParameterValueException');
        return e.message;
      };
      assert.equal(await bad([`${LAYER_ARN}:nope:1`]), `Layer version ${LAYER_ARN}:nope:1 does not exist.`);
      assert.equal(await bad(Array(6).fill(a1.LayerVersionArn!)), 'Cannot reference more than 5 layers.');
      const a2 = await publish(c, 'common', { 'python/greet.py': 'def hello():\n    return "common v2"\n' });
      assert.equal(a2.Version, 2);
      assert.match(
        await bad([a1.LayerVersionArn!, a2.LayerVersionArn!]),
        /^Two different versions of the same layer/,
      );
      const s3 = await failure(
        c.send(
          new PublishLayerVersionCommand({ LayerName: 'common', Content: { S3Bucket: 'b', S3Key: 'k' } }),
        ),
      );
      assert.equal(s3.name, 'InvalidParameterValueException');
      assert.equal((await where())['greet'], 'from override');

      await c.send(
        new UpdateFunctionConfigurationCommand({ FunctionName: 'layered', Layers: [a2.LayerVersionArn!] }),
      );
      // Its /opt is now common:2 alone: greet is v2's, and common:1's site-packages module is gone.
      const v2 = decode((await c.send(new InvokeCommand({ FunctionName: 'layered' }))).Payload) as {
        errorType: string;
        errorMessage: string;
      };
      assert.equal(v2.errorType, 'ModuleNotFoundError');
      assert.equal(v2.errorMessage, "No module named 'deep'");

      const versions = await c.send(new ListLayerVersionsCommand({ LayerName: 'common' }));
      assert.deepEqual(
        versions.LayerVersions?.map((v) => v.Version),
        [2, 1],
      );
      const forPython = await c.send(new ListLayersCommand({ CompatibleRuntime: 'python3.11' }));
      assert.deepEqual(
        forPython.Layers?.map((l) => [l.LayerName, l.LatestMatchingVersion?.Version]),
        [['common', 1]],
      );
      const all = await c.send(new ListLayersCommand({}));
      assert.deepEqual(
        all.Layers?.map((l) => [l.LayerName, l.LatestMatchingVersion?.Version]),
        [
          ['common', 2],
          ['override', 1],
        ],
      );

      // Deleting a version keeps the functions using it working; its number is never given again.
      await c.send(new DeleteLayerVersionCommand({ LayerName: 'common', VersionNumber: 1 }));
      await c.send(new DeleteLayerVersionCommand({ LayerName: 'common', VersionNumber: 1 }));
      const gone = await failure(
        c.send(new GetLayerVersionCommand({ LayerName: 'common', VersionNumber: 1 })),
      );
      assert.equal(gone.name, 'ResourceNotFoundException');
      assert.equal(gone.status, 404);
      assert.equal(
        decode((await c.send(new InvokeCommand({ FunctionName: 'layered-node' }))).Payload),
        'node common',
      );

      c.destroy();
      await app.close();
      app = await startTestServer({ dataDir, transitionDelayMs: 0 });
      c = lambdaClient(app);
      assert.equal((await publish(c, 'common', { 'x.txt': 'x' })).Version, 3);
      const after = await c.send(new GetFunctionConfigurationCommand({ FunctionName: 'layered' }));
      assert.deepEqual(after.Layers, [{ Arn: a2.LayerVersionArn, CodeSize: a2.Content?.CodeSize }]);
      assert.equal(
        decode((await c.send(new InvokeCommand({ FunctionName: 'layered-node' }))).Payload),
        'node common',
      );
    } finally {
      c.destroy();
      await app.close();
    }
  });

  it('the AWS CLI publishes a layer and boto3 lists it and attaches it to a Python function', async () => {
    const app = await startTestServer({ transitionDelayMs: 0 });
    try {
      const zip = join(tempDir(), 'layer.zip');
      writeFileSync(zip, await makeZip({ 'python/shared.py': 'VALUE = 42\n' }));
      const { json } = await awsCli(app, [
        'lambda',
        'publish-layer-version',
        '--layer-name',
        'shared',
        '--zip-file',
        `fileb://${zip}`,
        '--compatible-runtimes',
        'python3.12',
      ]);
      const arn = (json as { LayerVersionArn: string }).LayerVersionArn;
      assert.equal(arn, `${LAYER_ARN}:shared:1`);
      const fn = (
        await makeZip({
          'lambda_function.py': 'import shared\ndef lambda_handler(e, c):\n    return shared.VALUE\n',
        })
      ).toString('base64');
      const script = `
import base64, boto3, json, os
lam = boto3.client('lambda', endpoint_url=os.environ['ENDPOINT'], region_name='${region}',
                   aws_access_key_id='test', aws_secret_access_key='test')
layers = lam.list_layer_versions(LayerName='shared')['LayerVersions']
lam.create_function(FunctionName='py-layer', Runtime='python3.12', Handler='lambda_function.lambda_handler',
                    Role='arn:aws:iam::000000000000:role/r', Code={'ZipFile': base64.b64decode(os.environ['ZIP'])},
                    Layers=[layers[0]['LayerVersionArn']])
lam.get_waiter('function_active_v2').wait(FunctionName='py-layer')
print(json.dumps(json.loads(lam.invoke(FunctionName='py-layer')['Payload'].read())))
`;
      const { stdout } = await exec('python3', ['-c', script], {
        env: { ...process.env, ENDPOINT: app.endpoint, ZIP: fn },
      });
      assert.equal(JSON.parse(stdout), 42);
    } finally {
      await app.close();
    }
  });
});

const NODE_WHERE = `exports.handler = async () => ({
  which: require('which').v,
  generic: require('only-generic').v,
  nodePath: process.env.NODE_PATH.split(':'),
  path: process.env.PATH.split(':').pop(),
  ld: process.env.LD_LIBRARY_PATH.split(':').pop(),
});`;

describe('Lambda layers for Node.js, and the size limit', () => {
  const LIMIT = 8192;
  let c: LambdaClient;
  withLambdaServer('h2', (_app, client) => (c = client), {
    transitionDelayMs: 0,
    lambda: { maxUnzippedBytes: LIMIT },
  });

  it('nodejs/nodeNN/node_modules comes before nodejs/node_modules on NODE_PATH; bin on PATH, lib on LD_LIBRARY_PATH; code and layers together within the unzipped limit', async () => {
    const lib = await publish(c, 'nodelib', {
      'nodejs/node20/node_modules/which/index.js': "exports.v = 'node20';",
      'nodejs/node_modules/which/index.js': "exports.v = 'generic';",
      'nodejs/node_modules/only-generic/index.js': "exports.v = 'generic only';",
      'lib/README': 'libraries',
    });
    await createNodeFunction(c, 'node-layered', NODE_WHERE, { Layers: [lib.LayerVersionArn!] }, 'index.js');
    const out = decode((await c.send(new InvokeCommand({ FunctionName: 'node-layered' }))).Payload) as {
      which: string;
      generic: string;
      nodePath: string[];
      path: string;
      ld: string;
    };
    assert.equal(out.which, 'node20');
    assert.equal(out.generic, 'generic only');
    const opt = out.nodePath[0]!.replace(/\/nodejs\/node20\/node_modules$/, '');
    assert.notEqual(opt, out.nodePath[0]);
    assert.deepEqual(out.nodePath.slice(0, 2), [
      `${opt}/nodejs/node20/node_modules`,
      `${opt}/nodejs/node_modules`,
    ]);
    assert.equal(out.path, `${opt}/bin`);
    assert.equal(out.ld, `${opt}/lib`);

    // A published version keeps its layers (part of the immutable snapshot) when $LATEST drops them.
    await c.send(new PublishVersionCommand({ FunctionName: 'node-layered' }));
    await c.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'node-layered', Layers: [] }));
    const v1 = await c.send(
      new GetFunctionConfigurationCommand({ FunctionName: 'node-layered', Qualifier: '1' }),
    );
    assert.deepEqual(
      v1.Layers?.map((l) => l.Arn),
      [lib.LayerVersionArn],
    );
    const latest = await c.send(new GetFunctionConfigurationCommand({ FunctionName: 'node-layered' }));
    assert.equal(latest.Layers, undefined);
    const ran1 = decode((await c.send(new InvokeCommand({ FunctionName: 'node-layered:1' }))).Payload) as {
      which: string;
    };
    assert.equal(ran1.which, 'node20');
    const ranLatest = await c.send(new InvokeCommand({ FunctionName: 'node-layered' }));
    assert.equal(ranLatest.FunctionError, 'Unhandled');
    await c.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'node-layered',
        Layers: [lib.LayerVersionArn!],
      }),
    );

    // A layer whose content alone unzips past the limit is refused as AWS words it.
    const tooBig = await failure(publish(c, 'huge', { 'big.bin': 'x'.repeat(LIMIT + 1) }));
    assert.deepEqual(tooBig, {
      name: 'InvalidParameterValueException',
      status: 400,
      message: `Unzipped size must be smaller than ${LIMIT} bytes`,
    });
    // Each fits; the function's code with both does not: refused, and the function keeps its layers.
    const half = await publish(c, 'half', { 'half.bin': 'y'.repeat(LIMIT / 2 + 100) });
    const other = await publish(c, 'other-half', { 'half.bin': 'z'.repeat(LIMIT / 2 + 100) });
    const combined = await failure(
      c.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: 'node-layered',
          Layers: [half.LayerVersionArn!, other.LayerVersionArn!],
        }),
      ),
    );
    assert.equal(combined.name, 'InvalidParameterValueException');
    assert.match(
      combined.message,
      new RegExp(
        `^Function code combined with layers exceeds the maximum allowed size of ${LIMIT} bytes\\. The actual size is \\d+ bytes\\.$`,
      ),
    );
    const conf = await c.send(new GetFunctionConfigurationCommand({ FunctionName: 'node-layered' }));
    assert.deepEqual(
      conf.Layers?.map((l) => l.Arn),
      [lib.LayerVersionArn],
    );
  });
});
