import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Writable } from 'node:stream';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { CreateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { tempDir } from '../harness/helpers.js';
import {
  createRecordingFunction,
  createStream,
  withMappingServer,
  type MappingTestServer,
} from '../mappings/mapping-fixtures.js';
import { put } from '../../src/cli/put.js';
import { startTributary, tributary } from './cli-helpers.js';

interface TailLine {
  ShardId: string;
  SequenceNumber: string;
  PartitionKey: string;
  Data: string;
  Text?: string;
}

const lines = (out: string): TailLine[] =>
  out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as TailLine);

/** put, tail, invoke, logs and replay against a server on an ephemeral port, through the real `tributary` bin. */
describe('tributary put / tail / invoke / logs / replay', () => {
  let s: MappingTestServer;
  withMappingServer((x) => (s = x));
  const E = (): string[] => ['--endpoint', s.app.endpoint];

  it('put: text, @file and stdin; --count N spreads `{i}` keys over the shards; tail reads them back, filtered by the mappings’ engine', async () => {
    await createStream(s.k, s.app, 'cli-put', 2);
    const one = await tributary(['put', 'cli-put', '--key', 'k1', 'hello', ...E()]);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /^put shardId-\d{12} \d+\n$/);
    const file = join(tempDir('tributary-cli-'), 'event.json');
    writeFileSync(file, '{"from":"file"}');
    const fromFile = await tributary(['put', 'cli-put', '--key', 'k2', `@${file}`, '--json', ...E()]);
    assert.deepEqual(Object.keys(JSON.parse(fromFile.stdout) as object), ['ShardId', 'SequenceNumber']);
    const fromStdin = await tributary(['put', 'cli-put', '--key', 'k3', '-', ...E()], {
      input: 'from stdin',
    });
    assert.equal(fromStdin.code, 0, fromStdin.stderr);
    const many = await tributary([
      'put',
      'cli-put',
      '--key',
      'user-{i}',
      '--count',
      '1200',
      '{"n":{i}}',
      '--json',
      ...E(),
    ]);
    assert.equal(many.code, 0, many.stderr);
    const summary = JSON.parse(many.stdout) as { Records: number; Shards: Record<string, number> };
    assert.equal(summary.Records, 1200);
    assert.equal(Object.keys(summary.Shards).length, 2, 'both shards got records');
    // Not a terminal: no progress bar on stderr.
    assert.equal(many.stderr, '');

    const all = await tributary([
      'tail',
      'cli-put',
      '--from',
      'trim-horizon',
      '--no-follow',
      '--json',
      ...E(),
    ]);
    assert.equal(all.code, 0, all.stderr);
    const read = lines(all.stdout);
    assert.equal(read.length, 1203);
    assert.deepEqual(
      ['hello', '{"from":"file"}', 'from stdin'].map((t) => read.find((r) => r.Text === t)?.PartitionKey),
      ['k1', 'k2', 'k3'],
    );
    const filtered = await tributary([
      'tail',
      'cli-put',
      '--from',
      'trim-horizon',
      '--no-follow',
      '--json',
      '--filter',
      '{"data": {"n": [{"numeric": [">=", 1197]}]}}',
      ...E(),
    ]);
    assert.deepEqual(
      lines(filtered.stdout)
        .map((r) => r.Text)
        .sort(),
      ['{"n":1197}', '{"n":1198}', '{"n":1199}'],
    );
    const bad = await tributary(['tail', 'cli-put', '--filter', '{"data": 1}', ...E()]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--filter: Invalid filter pattern definition/);
  });

  it('put --count draws its progress bar on a terminal (and colours nothing elsewhere)', async () => {
    await createStream(s.k, s.app, 'cli-bar');
    const sink = (tty: boolean): Writable & { isTTY: boolean; text: string } => {
      const w = Object.assign(
        new Writable({
          write(chunk: Buffer, _enc, cb) {
            w.text += chunk.toString();
            cb();
          },
        }),
        { isTTY: tty, text: '' },
      );
      return w;
    };
    const out = sink(false);
    const err = sink(true);
    const code = await put(
      'cli-bar',
      'x',
      { key: 'k{i}', count: '1000', endpoint: s.app.endpoint },
      out,
      err,
    );
    assert.equal(code, 0);
    assert.match(err.text, /^\r\[ {30}\] 0\/1000\r\[#{15} {15}\] 500\/1000\r\[#{30}\] 1000\/1000\n$/);
    assert.match(out.text, /^put 1000 records to cli-bar in \d+ ms \(shardId-000000000000: 1000\)\n$/);
  });

  it('tail follows new records from a timestamp until interrupted', async () => {
    await createStream(s.k, s.app, 'cli-tail');
    // From a time before the put: the tail cannot miss it however late its iterators are taken.
    const from = new Date(Date.now() - 1000).toISOString();
    const tail = startTributary(['tail', 'cli-tail', '--from', from, ...E()]);
    try {
      await s.k.send(
        new PutRecordsCommand({
          StreamName: 'cli-tail',
          Records: [{ PartitionKey: 'pk', Data: Buffer.from('live one') }],
        }),
      );
      const out = await tail.waitFor(/live one/);
      assert.match(out, /shardId-000000000000 pk live one/);
    } finally {
      await tail.stop();
    }
    assert.equal(tail.child.exitCode, 0);
  });

  it('invoke prints the response (exit 1 and the error on stderr for a function error); logs prints its log', async () => {
    const ok = await createRecordingFunction(s.app, s.l, 'cli-ok', { BEHAVIOUR: 'return:{"ok":true}' });
    const r = await tributary(['invoke', ok.name, '{"a":1}', ...E()]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '{"ok":true}\n');
    const j = await tributary(['invoke', ok.name, '--json', ...E()]);
    const answer = JSON.parse(j.stdout) as { StatusCode: number; Payload: unknown; Log: string };
    assert.equal(answer.StatusCode, 200);
    assert.deepEqual(answer.Payload, { ok: true });
    assert.match(answer.Log, /START RequestId/);

    const failing = await createRecordingFunction(s.app, s.l, 'cli-fails', { BEHAVIOUR: 'fail-all' });
    const f = await tributary(['invoke', failing.name, ...E()]);
    assert.equal(f.code, 1);
    assert.match(f.stderr, /Unhandled: .*always failing/);
    const notJson = await tributary(['invoke', ok.name, 'nope', ...E()]);
    assert.equal(notJson.code, 2);

    const log = await tributary(['logs', ok.name, ...E()]);
    assert.equal(log.code, 0, log.stderr);
    assert.equal(log.stdout.match(/^START RequestId/gm)?.length, 2);
    const jsonLog = await tributary(['logs', ok.name, '--json', ...E()]);
    const docs = jsonLog.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { FunctionName: string; Line: string });
    assert.equal(
      docs.filter((d) => d.FunctionName === ok.name && d.Line.startsWith('START RequestId')).length,
      2,
    );
  });

  it('logs --follow prints the past lines, then each new invocation’s as it comes, until interrupted', async () => {
    const fn = await createRecordingFunction(s.app, s.l, 'cli-followed', { BEHAVIOUR: 'return:{}' });
    const invoke = () => tributary(['invoke', fn.name, ...E()]);
    assert.equal((await invoke()).code, 0);
    const follow = startTributary(['logs', fn.name, '--follow', ...E()]);
    try {
      // The past invocation's lines first: the log is being followed from here on.
      await follow.waitFor(/^REPORT RequestId/m);
      assert.equal((await invoke()).code, 0);
      const out = await follow.waitFor(/(^REPORT RequestId[^]*){2}/m);
      assert.equal(out.match(/^START RequestId/gm)?.length, 2);
    } finally {
      await follow.stop();
    }
    assert.equal(follow.child.exitCode, 0);
  });

  it('tail --from latest skips what the stream holds (trim-horizon shows it)', async () => {
    await createStream(s.k, s.app, 'cli-latest');
    await s.k.send(
      new PutRecordsCommand({
        StreamName: 'cli-latest',
        Records: [{ PartitionKey: 'pk', Data: Buffer.from('old') }],
      }),
    );
    const tail = (from: string) =>
      tributary(['tail', 'cli-latest', '--from', from, '--no-follow', '--json', ...E()]);
    const latest = await tail('latest');
    assert.equal(latest.code, 0, latest.stderr);
    assert.equal(latest.stdout, '');
    assert.deepEqual(
      lines((await tail('trim-horizon')).stdout).map((r) => r.Text),
      ['old'],
    );
  });

  it('replay sends a batch to the function again, by range or from an on-failure message on stdin', async () => {
    const arn = await createStream(s.k, s.app, 'cli-replay');
    const fn = await createRecordingFunction(s.app, s.l, 'cli-replayed');
    const put = await s.k.send(
      new PutRecordsCommand({
        StreamName: 'cli-replay',
        Records: ['a', 'b', 'c'].map((d) => ({ PartitionKey: 'pk', Data: Buffer.from(d) })),
      }),
    );
    const seqs = put.Records!.map((x) => x.SequenceNumber!);
    const { UUID } = await s.l.send(
      new CreateEventSourceMappingCommand({
        FunctionName: fn.name,
        EventSourceArn: arn,
        StartingPosition: 'TRIM_HORIZON',
      }),
    );
    assert.equal((await tributary(['wait', UUID!, ...E()])).code, 0);
    const before = fn.invokes().length;

    const byRange = await tributary([
      'replay',
      UUID!,
      '--shard',
      'shardId-000000000000',
      '--from',
      seqs[0]!,
      '--to',
      seqs[1]!,
      ...E(),
    ]);
    assert.equal(byRange.code, 0, byRange.stderr);
    assert.match(byRange.stdout, /^processed: 2 record\(s\) to .*:function:cli-replayed/);
    const message = JSON.stringify({
      requestContext: { condition: 'RetryAttemptsExhausted' },
      KinesisBatchInfo: {
        shardId: 'shardId-000000000000',
        startSequenceNumber: seqs[2],
        endSequenceNumber: seqs[2],
        streamArn: arn,
      },
    });
    const fromFailure = await tributary(['replay', UUID!, '--from-failure', '-', '--json', ...E()], {
      input: message,
    });
    assert.equal(fromFailure.code, 0, fromFailure.stderr);
    assert.equal((JSON.parse(fromFailure.stdout) as { Records: number }).Records, 1);
    assert.deepEqual(
      fn
        .invokes()
        .slice(before)
        .map((i) => i.event.Records.map((x) => Buffer.from(x.kinesis.data, 'base64').toString())),
      [['a', 'b'], ['c']],
    );
    // The message as @file and as the argument itself: the same batch again.
    const file = join(tempDir('tributary-cli-'), 'failure.json');
    writeFileSync(file, message);
    for (const given of [`@${file}`, message]) {
      const r = await tributary(['replay', UUID!, '--from-failure', given, ...E()]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^processed: 1 record\(s\) /);
    }
    assert.equal(fn.invokes().length, before + 4);
    const neither = await tributary(['replay', UUID!, '--shard', 'shardId-000000000000', ...E()]);
    assert.equal(neither.code, 2);
    assert.match(neither.stderr, /give --from-failure MESSAGE, or --shard, --from and --to/);
  });

  it('every command has help with examples', async () => {
    for (const cmd of [
      'up',
      'deploy',
      'status',
      'put',
      'tail',
      'logs',
      'invoke',
      'replay',
      'wait',
      'console-link',
    ]) {
      const r = await tributary([cmd, '--help']);
      assert.equal(r.code, 0, `${cmd}: ${r.stderr}`);
      assert.match(r.stdout, /Examples:\n {2}\$ tributary /, cmd);
      // `up` is the server; every other command talks to one.
      assert.match(r.stdout, cmd === 'up' ? /--template/ : /--endpoint/, cmd);
    }
  });
});
