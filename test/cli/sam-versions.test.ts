import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  GetAliasCommand,
  GetEventSourceMappingCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  ListVersionsByFunctionCommand,
} from '@aws-sdk/client-lambda';
import { tempDir } from '../harness/helpers.js';
import { withMappingServer, type MappingTestServer } from '../mappings/mapping-fixtures.js';
import { tributary } from './cli-helpers.js';

/** AutoPublishAlias (AWS::Lambda::Version + Alias) and AWS::Lambda::LayerVersion through `tributary deploy`. */
describe('tributary deploy: versions, aliases and layers', () => {
  let s: MappingTestServer;
  withMappingServer((x) => (s = x));

  it('publishes a version per code change behind the alias the mapping invokes, with the layer in /opt', async () => {
    const dir = join(tempDir('tributary-sam-ver-'), 'versioned');
    mkdirSync(join(dir, 'src'), { recursive: true });
    mkdirSync(join(dir, 'layer', 'nodejs', 'node_modules', 'greet'), { recursive: true });
    writeFileSync(
      join(dir, 'layer', 'nodejs', 'node_modules', 'greet', 'index.js'),
      "exports.greet = (n) => 'hello ' + n;\n",
    );
    const code = (v: number): void =>
      writeFileSync(
        join(dir, 'src', 'index.js'),
        `const { greet } = require('greet');\nexports.handler = async () => ({ v: ${v}, g: greet('sam') });\n`,
      );
    code(1);
    const file = join(dir, 'template.yaml');
    writeFileSync(
      file,
      `Transform: AWS::Serverless-2016-10-31
Resources:
  Greetings:
    Type: AWS::Lambda::LayerVersion
    Properties:
      Content: layer/
      CompatibleRuntimes: [nodejs20.x]
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
      Layers: [!Ref Greetings]
      AutoPublishAlias: live
      Events:
        Records:
          Type: Kinesis
          Properties:
            Stream: !GetAtt Stream.Arn
            StartingPosition: LATEST
  Stream:
    Type: AWS::Kinesis::Stream
`,
    );
    const first = await tributary(['deploy', file, '--endpoint', s.app.endpoint, '--json']);
    assert.equal(first.code, 0, first.stderr);
    const changes = (
      JSON.parse(first.stdout) as {
        Changes: Array<{ action: string; logicalId: string; type: string; physicalId: string }>;
      }
    ).Changes;
    assert.deepEqual(changes.map((c) => c.type).sort(), [
      'AWS::IAM::Role',
      'AWS::Kinesis::Stream',
      'AWS::Lambda::Alias',
      'AWS::Lambda::EventSourceMapping',
      'AWS::Lambda::Function',
      'AWS::Lambda::LayerVersion',
      'AWS::Lambda::Version',
    ]);
    const layerArn = changes.find((c) => c.type === 'AWS::Lambda::LayerVersion')!.physicalId;
    const cfg = await s.l.send(new GetFunctionConfigurationCommand({ FunctionName: 'versioned-Fn' }));
    assert.deepEqual(
      cfg.Layers?.map((l) => l.Arn),
      [layerArn],
    );
    const uuid = changes.find((c) => c.type === 'AWS::Lambda::EventSourceMapping')!.physicalId;
    const mapping = await s.l.send(new GetEventSourceMappingCommand({ UUID: uuid }));
    assert.match(mapping.FunctionArn!, /:function:versioned-Fn:live$/);
    assert.equal(
      (await s.l.send(new GetAliasCommand({ FunctionName: 'versioned-Fn', Name: 'live' }))).FunctionVersion,
      '1',
    );
    const invoked = await s.l.send(new InvokeCommand({ FunctionName: 'versioned-Fn', Qualifier: 'live' }));
    assert.deepEqual(JSON.parse(Buffer.from(invoked.Payload!).toString()), { v: 1, g: 'hello sam' });

    // New code: version 2 published, the alias moved to it, version 1 kept (SAM retains published versions).
    code(2);
    const second = await tributary(['deploy', file, '--endpoint', s.app.endpoint]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /^\+ FnVersion[0-9a-f]{10} \(AWS::Lambda::Version\)/m);
    assert.match(second.stdout, /^~ FnAliaslive \(AWS::Lambda::Alias\) .*\[FunctionVersion\]$/m);
    assert.match(second.stdout, /^- FnVersion[0-9a-f]{10} \(AWS::Lambda::Version\) .* \(kept: not deleted/m);
    assert.match(second.stdout, /^~ Fn \(AWS::Lambda::Function\) versioned-Fn \[Code\]$/m);
    assert.equal(
      (await s.l.send(new GetAliasCommand({ FunctionName: 'versioned-Fn', Name: 'live' }))).FunctionVersion,
      '2',
    );
    const versions = await s.l.send(new ListVersionsByFunctionCommand({ FunctionName: 'versioned-Fn' }));
    assert.deepEqual(
      versions.Versions?.map((v) => v.Version),
      ['$LATEST', '1', '2'],
    );
    const live = await s.l.send(new InvokeCommand({ FunctionName: 'versioned-Fn', Qualifier: 'live' }));
    assert.deepEqual(JSON.parse(Buffer.from(live.Payload!).toString()), { v: 2, g: 'hello sam' });
    assert.equal((await s.l.send(new GetEventSourceMappingCommand({ UUID: uuid }))).UUID, uuid);
  });

  it('hand-written AWS::Lambda::Version and AWS::Lambda::Alias: the mapping invokes the alias; moving it updates in place; a removed version is deleted', async () => {
    const dir = join(tempDir('tributary-sam-alias-'), 'handmade');
    mkdirSync(dir);
    const file = join(dir, 'template.yaml');
    const template = (code: string, versions: string[], aliasTo: string): string => `Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      Role: arn:aws:iam::000000000000:role/handmade
      Code: { ZipFile: "exports.handler = async () => '${code}'" }
${versions
  .map(
    (v) => `  ${v}:
    Type: AWS::Lambda::Version
    Properties: { FunctionName: !Ref Fn, Description: ${v} }
`,
  )
  .join('')}  Live:
    Type: AWS::Lambda::Alias
    Properties:
      FunctionName: !Ref Fn
      Name: live
      FunctionVersion: !GetAtt ${aliasTo}.Version
  Stream:
    Type: AWS::Kinesis::Stream
    Properties: { ShardCount: 1 }
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Live
      EventSourceArn: !GetAtt Stream.Arn
      StartingPosition: LATEST
Outputs:
  AliasArn: { Value: !Ref Live }
`;
    const invokeLive = async (): Promise<unknown> => {
      const r = await s.l.send(new InvokeCommand({ FunctionName: 'handmade-Fn', Qualifier: 'live' }));
      return JSON.parse(Buffer.from(r.Payload!).toString());
    };
    writeFileSync(file, template('one', ['V1'], 'V1'));
    const first = await tributary(['deploy', file, '--endpoint', s.app.endpoint, '--json']);
    assert.equal(first.code, 0, first.stderr);
    const deployed = JSON.parse(first.stdout) as {
      Changes: Array<{ logicalId: string; physicalId: string }>;
      Outputs: Record<string, string>;
    };
    const uuid = deployed.Changes.find((c) => c.logicalId === 'Mapping')!.physicalId;
    assert.match(deployed.Outputs['AliasArn']!, /:function:handmade-Fn:live$/);
    assert.match(
      (await s.l.send(new GetEventSourceMappingCommand({ UUID: uuid }))).FunctionArn!,
      /:function:handmade-Fn:live$/,
    );
    assert.equal(await invokeLive(), 'one');

    // New code and a second version; the alias moves to it (updated in place: the mapping stays).
    writeFileSync(file, template('two', ['V1', 'V2'], 'V2'));
    const second = await tributary(['deploy', file, '--endpoint', s.app.endpoint]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /^\+ V2 \(AWS::Lambda::Version\)/m);
    assert.match(second.stdout, /^~ Live \(AWS::Lambda::Alias\) .*\[FunctionVersion\]$/m);
    assert.equal(
      (await s.l.send(new GetAliasCommand({ FunctionName: 'handmade-Fn', Name: 'live' }))).FunctionVersion,
      '2',
    );
    assert.equal(await invokeLive(), 'two');
    assert.equal((await s.l.send(new GetEventSourceMappingCommand({ UUID: uuid }))).UUID, uuid);

    // A version that left the template is deleted (written by hand, it is not one SAM retains).
    writeFileSync(file, template('two', ['V2'], 'V2'));
    const third = await tributary(['deploy', file, '--endpoint', s.app.endpoint]);
    assert.equal(third.code, 0, third.stderr);
    assert.match(third.stdout, /^- V1 \(AWS::Lambda::Version\)/m);
    const versions = await s.l.send(new ListVersionsByFunctionCommand({ FunctionName: 'handmade-Fn' }));
    assert.deepEqual(
      versions.Versions?.map((v) => v.Version),
      ['$LATEST', '2'],
    );
  });
});
