import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { before, describe, it } from 'node:test';
import type { App } from '../../src/app/app.js';
import {
  awsCli,
  createFunctionWithCli,
  rawBlobArgs,
  cliEnv,
  tempDir,
  withServer,
} from '../harness/helpers.js';
import { makeZip, ROLE, versionedCode } from './lambda-helpers.js';

const exec = promisify(execFile);
const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';

/** boto3: publish, alias with weights, invoke through it, tags and the account's settings, an alias error. */
const BOTO3_FLOW = String.raw`
import boto3, json, os, sys
lam = boto3.client('lambda', endpoint_url=os.environ['ENDPOINT'], region_name=os.environ['AWS_DEFAULT_REGION'])
out = {}
v = lam.publish_version(FunctionName='cli-fn', Description='from boto3')
out['version'] = v['Version']
a = lam.create_alias(FunctionName='cli-fn', Name='boto', FunctionVersion=v['Version'],
                     RoutingConfig={'AdditionalVersionWeights': {'1': 0.0}})
out['aliasArn'] = a['AliasArn']
out['weights'] = a['RoutingConfig']['AdditionalVersionWeights']
r = lam.invoke(FunctionName='cli-fn', Qualifier='boto', Payload=b'{}')
out['executed'] = r['ExecutedVersion']
out['body'] = json.loads(r['Payload'].read())
lam.tag_resource(Resource=os.environ['FN_ARN'], Tags={'from': 'boto3'})
out['tags'] = lam.list_tags(Resource=os.environ['FN_ARN'])['Tags']
out['functionCount'] = lam.get_account_settings()['AccountUsage']['FunctionCount']
lam.put_function_event_invoke_config(FunctionName='cli-fn', Qualifier='boto', MaximumEventAgeInSeconds=120)
cfg = lam.get_function_event_invoke_config(FunctionName='cli-fn', Qualifier='boto')
out['config'] = [cfg['FunctionArn'], cfg['MaximumEventAgeInSeconds']]
try:
    lam.get_alias(FunctionName='cli-fn', Name='absent')
except lam.exceptions.ResourceNotFoundException as e:
    out['error'] = e.response['Error']['Message']
json.dump(out, sys.stdout)
`;

describe('Versions and aliases through the AWS CLI and boto3', () => {
  let app: App;
  let dir: string;
  withServer((a) => (app = a));
  before(async () => {
    dir = tempDir('tributary-versions-cli-');
    writeFileSync(join(dir, 'one.zip'), await makeZip({ 'index.mjs': versionedCode('one') }));
    writeFileSync(join(dir, 'two.zip'), await makeZip({ 'index.mjs': versionedCode('two') }));
  });

  it('publish-version, create-alias, invoke --qualifier, update-alias, list-versions-by-function', async () => {
    await createFunctionWithCli(app, { name: 'cli-fn', zip: join(dir, 'one.zip'), role: ROLE });
    const v1 = (await awsCli(app, ['lambda', 'publish-version', '--function-name', 'cli-fn'])).json as {
      Version: string;
      FunctionArn: string;
    };
    assert.equal(v1.Version, '1');
    assert.equal(v1.FunctionArn, `${ARN}:cli-fn:1`);
    await awsCli(app, [
      'lambda',
      'update-function-code',
      '--function-name',
      'cli-fn',
      '--zip-file',
      `fileb://${join(dir, 'two.zip')}`,
    ]);
    const alias = (
      await awsCli(app, [
        'lambda',
        'create-alias',
        '--function-name',
        'cli-fn',
        '--name',
        'prod',
        '--function-version',
        '1',
      ])
    ).json as { AliasArn: string; FunctionVersion: string };
    assert.equal(alias.AliasArn, `${ARN}:cli-fn:prod`);

    const outFile = join(dir, 'out.json');
    const invoked = (
      await awsCli(app, [
        'lambda',
        'invoke',
        '--function-name',
        'cli-fn',
        '--qualifier',
        'prod',
        ...(await rawBlobArgs()),
        '--payload',
        '{}',
        outFile,
      ])
    ).json as { ExecutedVersion: string; StatusCode: number };
    assert.equal(invoked.StatusCode, 200);
    assert.equal(invoked.ExecutedVersion, '1');
    assert.deepEqual(JSON.parse(readFileSync(outFile, 'utf8')), {
      code: 'one',
      env: '1',
      fv: '1',
      arn: `${ARN}:cli-fn:prod`,
    });
    await awsCli(app, ['lambda', 'invoke', '--function-name', 'cli-fn', outFile]);
    assert.equal((JSON.parse(readFileSync(outFile, 'utf8')) as { code: string }).code, 'two');

    await awsCli(app, ['lambda', 'publish-version', '--function-name', 'cli-fn', '--description', 'second']);
    const moved = (
      await awsCli(app, [
        'lambda',
        'update-alias',
        '--function-name',
        'cli-fn',
        '--name',
        'prod',
        '--function-version',
        '2',
        '--routing-config',
        'AdditionalVersionWeights={1=0.25}',
      ])
    ).json as { FunctionVersion: string; RoutingConfig: unknown };
    assert.equal(moved.FunctionVersion, '2');
    assert.deepEqual(moved.RoutingConfig, { AdditionalVersionWeights: { '1': 0.25 } });
    const listed = (await awsCli(app, ['lambda', 'list-versions-by-function', '--function-name', 'cli-fn']))
      .json as {
      Versions: Array<{ Version: string; Description: string }>;
    };
    assert.deepEqual(
      listed.Versions.map((v) => [v.Version, v.Description]),
      [
        ['$LATEST', ''],
        ['1', ''],
        ['2', 'second'],
      ],
    );
    await assert.rejects(
      awsCli(app, [
        'lambda',
        'create-alias',
        '--function-name',
        'cli-fn',
        '--name',
        'prod',
        '--function-version',
        '1',
      ]),
      (e: { stderr: string }) => {
        assert.match(e.stderr, /ResourceConflictException/);
        assert.match(
          e.stderr,
          /Alias already exists: arn:aws:lambda:us-east-1:000000000000:function:cli-fn:prod/,
        );
        return true;
      },
    );
  });

  it('boto3 publishes, routes through an alias, tags and reads the account settings', async () => {
    const { stdout } = await exec('python3', ['-c', BOTO3_FLOW], {
      env: {
        ...cliEnv(),
        ENDPOINT: app.endpoint,
        FN_ARN: `${ARN}:cli-fn`,
      },
    });
    const out = JSON.parse(stdout) as Record<string, unknown>;
    // $LATEST (code two) did not change since version 2: no new version.
    assert.equal(out['version'], '2');
    assert.equal(out['aliasArn'], `${ARN}:cli-fn:boto`);
    assert.deepEqual(out['weights'], { '1': 0 });
    assert.equal(out['executed'], '2');
    assert.deepEqual(out['body'], { code: 'two', env: '2', fv: '2', arn: `${ARN}:cli-fn:boto` });
    assert.deepEqual(out['tags'], { from: 'boto3' });
    assert.equal(out['functionCount'], 1);
    assert.deepEqual(out['config'], [`${ARN}:cli-fn:boto`, 120]);
    assert.equal(out['error'], `Alias not found: ${ARN}:cli-fn:absent`);
  });

  it('the README commands: the event invoke config of an alias with an SQS destination, tags, account settings, delete-alias', async () => {
    await awsCli(app, ['sqs', 'create-queue', '--queue-name', 'cli-failed']);
    const put = (
      await awsCli(app, [
        'lambda',
        'put-function-event-invoke-config',
        '--function-name',
        'cli-fn',
        '--qualifier',
        'prod',
        '--maximum-retry-attempts',
        '0',
        '--maximum-event-age-in-seconds',
        '3600',
        '--destination-config',
        '{"OnFailure":{"Destination":"arn:aws:sqs:us-east-1:000000000000:cli-failed"}}',
      ])
    ).json as Record<string, unknown>;
    assert.equal(put['FunctionArn'], `${ARN}:cli-fn:prod`);
    assert.equal(put['MaximumRetryAttempts'], 0);
    assert.deepEqual(put['DestinationConfig'], {
      OnSuccess: {},
      OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:cli-failed' },
    });
    const listed = (
      await awsCli(app, ['lambda', 'list-function-event-invoke-configs', '--function-name', 'cli-fn'])
    ).json as { FunctionEventInvokeConfigs: Array<{ FunctionArn: string }> };
    assert.ok(listed.FunctionEventInvokeConfigs.some((e) => e.FunctionArn === `${ARN}:cli-fn:prod`));

    await awsCli(app, [
      'lambda',
      'tag-resource',
      '--resource',
      `${ARN}:cli-fn`,
      '--tags',
      'team=data,env=dev',
    ]);
    await awsCli(app, ['lambda', 'untag-resource', '--resource', `${ARN}:cli-fn`, '--tag-keys', 'env']);
    const tags = (await awsCli(app, ['lambda', 'list-tags', '--resource', `${ARN}:cli-fn`])).json as {
      Tags: Record<string, string>;
    };
    assert.equal(tags.Tags['team'], 'data');
    assert.equal(tags.Tags['env'], undefined);

    const settings = (await awsCli(app, ['lambda', 'get-account-settings'])).json as {
      AccountLimit: Record<string, number>;
      AccountUsage: Record<string, number>;
    };
    assert.equal(settings.AccountLimit['ConcurrentExecutions'], 1000);
    assert.equal(settings.AccountLimit['CodeSizeZipped'], 52_428_800);
    assert.equal(settings.AccountUsage['FunctionCount'], 1);

    const aliases = (await awsCli(app, ['lambda', 'list-aliases', '--function-name', 'cli-fn'])).json as {
      Aliases: Array<{ Name: string }>;
    };
    assert.deepEqual(
      aliases.Aliases.map((a) => a.Name),
      ['boto', 'prod'],
    );
    await awsCli(app, ['lambda', 'delete-alias', '--function-name', 'cli-fn', '--name', 'prod']);
    await assert.rejects(
      awsCli(app, [
        'lambda',
        'get-function-event-invoke-config',
        '--function-name',
        'cli-fn',
        '--qualifier',
        'prod',
      ]),
      (e: { stderr: string }) => {
        assert.match(e.stderr, /ResourceNotFoundException/);
        return true;
      },
    );
  });
});
