import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { App } from '../../src/app/app.js';
import { serverLogger } from '../../src/server/logger.js';
import { clientConfig, cliEnv, startTestServer, tempDir } from '../harness/helpers.js';
import { oneLine, runRefusedServer } from '../harness/server-process.js';

const exec = promisify(execFile);
const ROOT = { accessKeyId: 'AKIATRIBUTARYROOT001', secretAccessKey: 'tributary-root-secret-0123456789' };
type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/** The server's own logger (serverLogger, as `tributary up` builds it), writing into `lines`. */
function capture(level: string, lines: string[]) {
  return serverLogger(level, { write: (s: string) => void lines.push(s) });
}

const iam = (app: App) => new IAMClient(clientConfig(app, 'default', { credentials: ROOT, maxAttempts: 1 }));
const sts = (app: App, credentials: Creds) =>
  new STSClient(clientConfig(app, 'default', { credentials, maxAttempts: 1 }));

async function userKey(app: App, user: string): Promise<Creds> {
  await iam(app).send(new CreateUserCommand({ UserName: user }));
  const { AccessKey } = await iam(app).send(new CreateAccessKeyCommand({ UserName: user }));
  return { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
}

const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);

describe('secret keys at rest: the data dir is readable by the server user only', () => {
  const dataDir = join(tempDir('tributary-secrets-'), 'data');
  let alice: Creds;

  it("a new data dir is the owner's only (dir 0700, files 0600), without a warning", async () => {
    const lines: string[] = [];
    const app = await startTestServer({ ...ROOT, dataDir, logger: capture('warn', lines) });
    try {
      alice = await userKey(app, 'alice');
    } finally {
      await app.close();
    }
    assert.equal(mode(dataDir), '700');
    for (const f of ['data.mdb', 'lock.mdb', 'tributary.lock'])
      assert.equal(mode(join(dataDir, f)), '600', f);
    assert.deepEqual(lines, []);
  });

  it('a data dir readable by others is made private at start, one log line per fix; its keys still work', async () => {
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'data.mdb'), 0o644);
    const lines: string[] = [];
    const app = await startTestServer({ ...ROOT, dataDir, logger: capture('warn', lines) });
    try {
      assert.equal(mode(dataDir), '700');
      assert.equal(mode(join(dataDir, 'data.mdb')), '600');
      const msgs = lines.map((l) => (JSON.parse(l) as { level: number; msg: string }).msg);
      assert.deepEqual(msgs, [
        `data dir ${dataDir} was mode 0755, readable by other users, and holds secret keys: now 0700`,
        `data file ${join(dataDir, 'data.mdb')} was mode 0644, readable by other users, and holds secret keys: now 0600`,
      ]);
      // Across the restart the user's key is still known and still signs.
      const me = await sts(app, alice).send(new GetCallerIdentityCommand({}));
      assert.equal(me.Arn, 'arn:aws:iam::000000000000:user/alice');
    } finally {
      await app.close();
    }
  });
});

describe('secret keys are never logged nor returned after CreateAccessKey', () => {
  it('the log at trace level has the requests but no secret key, session token or signature', async () => {
    const lines: string[] = [];
    const app = await startTestServer({ ...ROOT, logger: capture('trace', lines) });
    const secrets: string[] = [ROOT.secretAccessKey];
    try {
      const bob = await userKey(app, 'bob');
      secrets.push(bob.secretAccessKey);
      await iam(app).send(
        new CreateRoleCommand({
          RoleName: 'deployer',
          AssumeRolePolicyDocument: JSON.stringify({
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: 'arn:aws:iam::000000000000:user/bob' },
                Action: 'sts:AssumeRole',
              },
            ],
          }),
        }),
      );
      const { Credentials: temp } = await sts(app, bob).send(
        new AssumeRoleCommand({
          RoleArn: 'arn:aws:iam::000000000000:role/deployer',
          RoleSessionName: 'session',
        }),
      );
      secrets.push(temp!.SecretAccessKey!, temp!.SessionToken!);
      const asRole = {
        accessKeyId: temp!.AccessKeyId!,
        secretAccessKey: temp!.SecretAccessKey!,
        sessionToken: temp!.SessionToken!,
      };
      await sts(app, asRole).send(new GetCallerIdentityCommand({}));
      // Refused calls: a wrong secret, and a role without Kinesis permissions.
      await assert.rejects(
        sts(app, { ...bob, secretAccessKey: 'wrong-secret-0123456789' }).send(
          new GetCallerIdentityCommand({}),
        ),
      );
      const k = new KinesisClient(clientConfig(app, 'default', { credentials: asRole, maxAttempts: 1 }));
      await assert.rejects(k.send(new ListStreamsCommand({})), { name: 'AccessDeniedException' });
      k.destroy();
    } finally {
      await app.close();
    }
    const text = lines.join('');
    assert.match(text, /"msg":"request"/, 'the requests were logged at this level');
    for (const s of secrets) assert.ok(!text.includes(s), `a secret is in the log: ${s.slice(0, 6)}...`);
    assert.doesNotMatch(text, /Signature=[0-9a-f]{64}|AWS4-HMAC-SHA256 Credential/);
  });

  it('ListAccessKeys answers without the secret (on the wire, through the AWS CLI)', async () => {
    const app = await startTestServer({ ...ROOT });
    try {
      const carol = await userKey(app, 'carol');
      const env = {
        ...cliEnv(),
        AWS_ACCESS_KEY_ID: ROOT.accessKeyId,
        AWS_SECRET_ACCESS_KEY: ROOT.secretAccessKey,
      };
      const { stdout, stderr } = await exec(
        'aws',
        ['--endpoint-url', app.endpoint, '--debug', 'iam', 'list-access-keys', '--user-name', 'carol'],
        { env, maxBuffer: 16 * 1024 * 1024 },
      );
      assert.match(stdout, new RegExp(carol.accessKeyId));
      assert.match(stderr, /ListAccessKeysResponse/, 'the raw answer is in the debug output');
      assert.ok(!stderr.includes(carol.secretAccessKey) && !stdout.includes(carol.secretAccessKey));
      assert.doesNotMatch(stderr, /<SecretAccessKey>/);
    } finally {
      await app.close();
    }
  });

  it('a secret access key the server refuses is not printed in the refusal', async () => {
    const secret = 'too-short-secret'.slice(0, 15);
    const r = await runRefusedServer(['--in-memory'], {
      env: { ...process.env, TRIBUTARY_ACCESS_KEY_ID: ROOT.accessKeyId, TRIBUTARY_SECRET_ACCESS_KEY: secret },
    });
    const line = oneLine(r);
    assert.equal(
      line,
      'tributary: invalid --secret-access-key (TRIBUTARY_SECRET_ACCESS_KEY): must be at least 16 characters',
    );
    assert.ok(!line.includes(secret));
  });
});
