import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListStreamsCommand,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { clientConfig, skipReason, tempDir } from '../harness/helpers.js';
import { createNodeFunction, decode } from '../lambda/lambda-helpers.js';
import {
  runRefusedServer,
  spawnServer,
  stopServer,
  type ServerProcess,
  oneLine,
} from '../harness/server-process.js';

function kinesis(server: ServerProcess): KinesisClient {
  return new KinesisClient(clientConfig(server));
}

async function putOne(server: ServerProcess, stream: string, data: string): Promise<void> {
  const k = kinesis(server);
  await k.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 1 }));
  await k.send(new PutRecordCommand({ StreamName: stream, PartitionKey: 'p', Data: Buffer.from(data) }));
}

async function readAll(server: ServerProcess, stream: string): Promise<string[]> {
  const k = kinesis(server);
  const { ShardIterator } = await k.send(
    new GetShardIteratorCommand({
      StreamName: stream,
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  const { Records } = await k.send(new GetRecordsCommand({ ShardIterator }));
  return (Records ?? []).map((r) => Buffer.from(r.Data!).toString());
}

describe('one server per data dir', () => {
  const servers: ServerProcess[] = [];
  after(async () => {
    for (const s of servers) await s.kill9();
  });

  it('refuses a second server on the same data dir, naming the dir and the pid; a SIGKILLed holder frees it', async () => {
    const dataDir = tempDir('tributary-lock-');
    const first = await spawnServer(['--data-dir', dataDir]);
    servers.push(first);
    await putOne(first, 'kept', 'acknowledged');

    const refused = await runRefusedServer(['--data-dir', dataDir]);
    assert.equal(
      oneLine(refused),
      `tributary: data dir ${dataDir} is in use by another Tributary server (pid ${first.child.pid}); ` +
        'stop it or use another --data-dir',
    );
    // The same dir through another spelling (relative, trailing slash) is the same dir.
    const again = await runRefusedServer(['--data-dir', `../${basename(dataDir)}/`], { cwd: dataDir });
    assert.match(
      oneLine(again),
      new RegExp(`in use by another Tributary server \\(pid ${first.child.pid}\\)`),
    );
    // --in-memory keeps nothing there, so it takes no lock.
    const memory = await spawnServer(['--in-memory', '--data-dir', dataDir]);
    servers.push(memory);
    assert.deepEqual((await kinesis(memory).send(new ListStreamsCommand({}))).StreamNames, []);
    await stopServer(memory);
    // The refused servers changed nothing: the first still serves its data.
    assert.deepEqual(await readAll(first, 'kept'), ['acknowledged']);

    // SIGKILL: no chance to clean up; the OS drops the lock with the process.
    await first.kill9();
    const next = await spawnServer(['--data-dir', dataDir]);
    servers.push(next);
    assert.deepEqual(await readAll(next, 'kept'), ['acknowledged']);
    assert.equal(readFileSync(join(dataDir, 'tributary.lock'), 'utf8'), `${next.child.pid}\n`);
    assert.equal(await stopServer(next), 0);

    // A clean stop frees it as well.
    const last = await spawnServer(['--data-dir', dataDir]);
    servers.push(last);
    assert.deepEqual(await readAll(last, 'kept'), ['acknowledged']);
    assert.equal(await stopServer(last), 0);
  });
});

describe('data dir paths', () => {
  const servers: ServerProcess[] = [];
  after(async () => {
    for (const s of servers) await s.kill9();
  });

  /** Starts on `arg` (from `cwd`), writes, stops, starts again and reads back; returns the second server. */
  async function keepsData(arg: string, cwd?: string): Promise<void> {
    const first = await spawnServer(['--data-dir', arg], { cwd });
    servers.push(first);
    await putOne(first, 'paths', `in ${arg}`);
    assert.equal(await stopServer(first), 0);
    const second = await spawnServer(['--data-dir', arg], { cwd });
    servers.push(second);
    assert.deepEqual(await readAll(second, 'paths'), [`in ${arg}`]);
    assert.equal(await stopServer(second), 0);
    // lmdb's files are inside the directory (lmdb-js would take a dotted name for the database file itself).
    const dir = resolve(cwd ?? process.cwd(), arg);
    assert.ok(existsSync(join(dir, 'data.mdb')), `${dir}/data.mdb`);
    assert.ok(existsSync(join(dir, 'lock.mdb')), `${dir}/lock.mdb`);
  }

  it('a dotted name (/srv/tributary.data) that does not exist yet', async () => {
    await keepsData(join(tempDir(), 'tributary.data'));
  });

  it('an existing empty directory made by mktemp (tmp.XXXXXXXXXX)', async () => {
    await keepsData(mkdtempSync(join(tmpdir(), 'tmp.')));
  });

  it('a relative path, resolved from the working directory', async () => {
    await keepsData('data/rel', tempDir());
  });

  it('a path with spaces; function code under it runs across a restart', async () => {
    const dataDir = join(tempDir(), 'my data dir', 'v1.2 data');
    const first = await spawnServer(['--data-dir', dataDir]);
    servers.push(first);
    const lambda1 = new LambdaClient(clientConfig(first));
    await createNodeFunction(lambda1, 'spaced', 'export const handler = async () => process.cwd();');
    await putOne(first, 'spaced', 'one');
    assert.equal(await stopServer(first), 0);

    const second = await spawnServer(['--data-dir', dataDir]);
    servers.push(second);
    assert.deepEqual(await readAll(second, 'spaced'), ['one']);
    const lambda2 = new LambdaClient(clientConfig(second));
    const res = await lambda2.send(new InvokeCommand({ FunctionName: 'spaced' }));
    assert.equal(res.FunctionError, undefined, Buffer.from(res.Payload ?? []).toString());
    const cwd = decode(res.Payload) as string;
    assert.ok(cwd.startsWith(join(dataDir, 'lambda', 'code', 'spaced')), cwd);
    assert.equal(await stopServer(second), 0);
  });
});

describe('data dirs that cannot be used', () => {
  it('a regular file: one line, exit code 1', async () => {
    const file = join(tempDir(), 'not-a-dir');
    writeFileSync(file, 'x');
    assert.equal(
      oneLine(await runRefusedServer(['--data-dir', file])),
      `tributary: data dir ${file} is not a directory`,
    );
    assert.equal(readFileSync(file, 'utf8'), 'x');
  });

  it('a path under a regular file: one line, exit code 1', async () => {
    const file = join(tempDir(), 'file');
    writeFileSync(file, 'x');
    assert.match(
      oneLine(await runRefusedServer(['--data-dir', join(file, 'data')])),
      new RegExp(`^tributary: cannot use data dir ${join(file, 'data')} \\(ENOTDIR: not a directory`),
    );
  });

  // Root may write anywhere: drop every capability through setpriv (util-linux) where the test runs as root.
  const root = process.getuid?.() === 0;
  const setpriv = spawnSync('setpriv', ['--version']).status === 0;
  it(
    'an unwritable directory, and one that cannot be created: one line, exit code 1',
    { skip: skipReason(root && !setpriv ? 'running as root without setpriv to drop privileges' : false) },
    async () => {
      const parent = tempDir();
      chmodSync(parent, 0o755);
      const readOnly = join(parent, 'read-only');
      mkdirSync(readOnly, { mode: 0o555 });
      chmodSync(readOnly, 0o555);
      // Root without any capability: it still owns (and reads) the checkout wherever it was cloned, which
      // nobody may not be able to reach (a mktemp -d clone is mode 700).
      const wrap = root ? ['setpriv', '--bounding-set=-all', '--inh-caps=-all'] : [];
      assert.equal(
        oneLine(await runRefusedServer(['--data-dir', readOnly], { wrap })),
        `tributary: data dir ${readOnly} is not writable (EACCES: permission denied, access '${readOnly}')`,
      );
      const below = join(readOnly, 'data');
      assert.equal(
        oneLine(await runRefusedServer(['--data-dir', below], { wrap })),
        `tributary: cannot create data dir ${below} (EACCES: permission denied, mkdir '${below}')`,
      );
    },
  );
});
