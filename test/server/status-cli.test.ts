import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { before, describe, it } from 'node:test';
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateEventSourceMappingCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { App } from '../../src/app/app.js';
import type { StatusReport } from '../../src/app/status-report.js';
import { serverEndpoint as statusEndpoint } from '../../src/cli/common.js';
import { CLEAR, renderStatus, status } from '../../src/cli/status.js';
import { kinesisClient, withTestServer } from '../harness/helpers.js';
import {
  createRecordingFunction,
  createStream,
  lambdaClient,
  recordsDelivered,
  type RecordingFunction,
} from '../mappings/mapping-fixtures.js';

const exec = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/tributary.js', import.meta.url));

/** `tributary status [--watch] [--endpoint URL] [--json]` against a running server. */
describe('tributary status', () => {
  let app: App;
  let k: KinesisClient;
  let l: LambdaClient;
  let fn: RecordingFunction;
  let uuid = '';

  const put = async (n: number): Promise<void> => {
    await k.send(
      new PutRecordsCommand({
        StreamName: 'orders',
        Records: Array.from({ length: n }, (_, i) => ({ Data: Buffer.alloc(100), PartitionKey: `p${i}` })),
      }),
    );
  };

  withTestServer(
    {},
    (a) => ({ k: kinesisClient(a), l: lambdaClient(a) }),
    (a, made) => {
      app = a;
      ({ k, l } = made);
    },
  );
  before(async () => {
    const arn = await createStream(k, app, 'orders', 2);
    fn = await createRecordingFunction(app, l, 'process-orders');
    await put(50);
    uuid = (
      await l.send(
        new CreateEventSourceMappingCommand({
          FunctionName: 'process-orders',
          EventSourceArn: arn,
          StartingPosition: 'TRIM_HORIZON',
        }),
      )
    ).UUID!;
    await recordsDelivered(app, uuid, 50);
  });

  /** The cells of the row of a section that starts with `first`. */
  function row(out: string, section: string, first: string): string[] {
    const lines = out.split('\n');
    const start = lines.indexOf(section);
    assert.ok(start >= 0, `section ${section} in:\n${out}`);
    const line = lines.slice(start + 1).find((x) => x.trim().startsWith(first));
    assert.ok(line, `row ${first} in ${section}:\n${out}`);
    return line.trim().split(/ {2,}/);
  }

  it('prints streams, mappings and functions with their figures', async () => {
    const { stdout } = await exec(process.execPath, [BIN, 'status', '--endpoint', app.endpoint]);
    assert.deepEqual(row(stdout, 'STREAMS', 'NAME'), [
      'NAME',
      'STATUS',
      'SHARDS',
      'RETENTION',
      'RECORDS IN',
      'BYTES IN',
      'RECORDS READ',
    ]);
    assert.deepEqual(row(stdout, 'STREAMS', 'orders'), [
      'orders',
      'ACTIVE',
      '2',
      '24 h',
      '50',
      `${((50 * 100 + 10 * 2 + 40 * 3) / 1024).toFixed(1)} KiB`,
      '50',
    ]);
    const m = row(stdout, 'EVENT SOURCE MAPPINGS', uuid);
    assert.deepEqual(m.slice(0, 8), [uuid, 'process-orders', 'orders', 'Enabled', 'OK', '50', '0', '0']);
    assert.equal(m[8], '0', 'records behind');
    assert.match(m[9]!, /^\d+(\.\d)? (ms|s)$/, 'IteratorAge');
    const f = row(stdout, 'FUNCTIONS', 'process-orders');
    assert.deepEqual(f.slice(0, 6), [
      'process-orders',
      'Active',
      'nodejs20.x',
      String(fn.invokes().length),
      '0',
      '0',
    ]);
    assert.equal(f[8], '0', 'nothing running now');
    assert.deepEqual(row(stdout, 'WORKERS', 'ALIVE'), [
      'ALIVE',
      'MAX',
      'WAITING FOR A WORKER',
      'WAIT TIMEOUTS',
    ]);
    const lines = stdout.split('\n');
    const [alive, max, waiting, timeouts] = lines[lines.indexOf('WORKERS') + 2]!.trim().split(/ {2,}/);
    assert.ok(Number(alive) >= 1 && Number(alive) <= Number(max), `${alive} of ${max} alive`);
    assert.deepEqual([waiting, timeouts], ['0', '0']);
  });

  it('prints the raw report with --json', async () => {
    const { stdout } = await exec(process.execPath, [
      BIN,
      'status',
      '--json',
      '--endpoint-url',
      app.endpoint,
    ]);
    const report = JSON.parse(stdout) as StatusReport;
    assert.deepEqual(
      report.streams.map((s) => [s.name, s.incomingRecords, s.getRecordsRecords]),
      [['orders', 50, 50]],
    );
    assert.deepEqual(
      report.mappings.map((x) => [x.uuid, x.state, x.lastProcessingResult, x.metrics?.records]),
      [[uuid, 'Enabled', 'OK', 50]],
    );
    assert.deepEqual(
      report.functions.map((x) => [x.name, x.invocations]),
      [['process-orders', fn.invokes().length]],
    );
  });

  it('fails with a message when no server answers', async () => {
    await assert.rejects(
      exec(process.execPath, [BIN, 'status', '--endpoint', 'http://127.0.0.1:1']),
      (err: { code: number; stderr: string }) => {
        assert.equal(err.code, 1);
        assert.match(err.stderr, /Cannot get status from Tributary at http:\/\/127.0.0.1:1/);
        return true;
      },
    );
  });

  it('redraws with --watch until interrupted, showing new records', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'status', '--watch', '--interval', '0.2', '--endpoint', app.endpoint],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    // Its stdout is a pipe: plain frames one after another, each starting with its heading.
    const frames = (): string[] =>
      out.split(/^(?=Tributary at )/m).filter((f) => f.startsWith('Tributary at '));
    /** Resolves when a complete frame (ending with the FUNCTIONS table) satisfies `check`. */
    const frame = (check: (f: string) => boolean): Promise<void> =>
      new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no matching frame in:\n${out.slice(-3000)}`)), 20_000);
        const test = (): void => {
          if (frames().some((f) => /FUNCTIONS\n.*\n.*process-orders.*\n/.test(f) && check(f))) {
            clearTimeout(t);
            child.stdout.off('data', onData);
            resolve();
          }
        };
        const onData = (c: Buffer): void => {
          out += c.toString();
          test();
        };
        child.stdout.on('data', onData);
        test();
      });
    try {
      await frame((f) => row(f, 'STREAMS', 'orders')[4] === '50');
      assert.match(
        frames()[0]!,
        new RegExp(
          `^Tributary at ${app.endpoint.replace(/[./]/g, '\\$&')} — \\d{4}-\\d\\d-\\d\\dT.* every 0.2s, Ctrl-C to quit`,
        ),
      );
      await put(10);
      await recordsDelivered(app, uuid, 60);
      await frame(
        (f) => row(f, 'STREAMS', 'orders')[4] === '60' && row(f, 'EVENT SOURCE MAPPINGS', uuid)[5] === '60',
      );
      assert.ok(frames().length >= 2);
      assert.ok(!out.includes('\x1b'), 'no escape codes into a pipe');
      const exited = once(child, 'exit');
      child.kill('SIGINT');
      const [code] = await exited;
      assert.equal(code, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('--watch into a pipe whose reader closes early (`| head`) ends quietly with code 0', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'status', '--watch', '--interval', '0.05', '--endpoint', app.endpoint],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = once(child, 'exit');
    try {
      // Like `head -3`: read the first lines, then close the pipe while the command goes on writing frames.
      let out = '';
      for await (const chunk of child.stdout) {
        out += (chunk as Buffer).toString();
        if (out.split('\n').length > 3) break;
      }
      assert.match(out, /^Tributary at /);
      child.stdout.destroy();
      const [code, signal] = await exited;
      assert.deepEqual([code, signal], [0, null]);
      assert.equal(stderr, '');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('--watch redraws a terminal in place; other output gets plain frames; an EPIPE ends it with 0', async () => {
    /** A stdout whose reader goes away after `frames` writes. */
    class Output extends Writable {
      readonly frames: string[] = [];
      constructor(readonly isTTY: boolean) {
        super();
      }
      override _write(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error) => void): void {
        this.frames.push(chunk.toString());
        if (this.frames.length < 3) done();
        else done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      }
    }
    const errors = new PassThrough();
    for (const isTTY of [true, false]) {
      const out = new Output(isTTY);
      const code = await status({ watch: true, interval: '0.01', endpoint: app.endpoint }, out, errors);
      assert.equal(code, 0);
      assert.equal(out.frames.length, 3);
      for (const [i, f] of out.frames.entries()) {
        const heading = f.replace(CLEAR, '').replace(/^\n/, '').split('\n')[0]!;
        assert.match(heading, /^Tributary at .* every 0.01s, Ctrl-C to quit$/);
        if (isTTY) assert.ok(f.startsWith(CLEAR), 'a terminal is cleared before each frame');
        else {
          assert.ok(!f.includes('\x1b'), 'no escape codes');
          assert.ok(
            f.startsWith(i === 0 ? 'Tributary at ' : '\nTributary at '),
            'a blank line between frames',
          );
        }
        assert.match(f, /FUNCTIONS\n/);
      }
    }
    assert.equal(errors.read(), null, 'nothing on stderr');
  });

  it('renders empty sections and picks the endpoint from flags, then environment', () => {
    const text = renderStatus({ generatedAt: 0, streams: [], mappings: [], functions: [] });
    assert.equal(text, 'STREAMS\n  (none)\n\nEVENT SOURCE MAPPINGS\n  (none)\n\nFUNCTIONS\n  (none)\n');
    const runtimes = renderStatus({
      generatedAt: 0,
      streams: [],
      mappings: [],
      functions: [],
      runtimes: [
        {
          runtime: 'python3.12',
          command: '/usr/bin/python3.11',
          version: '3.11.7',
          note: 'python3.12 runs on Python 3.11.7 on this machine',
        },
        { runtime: 'provided.al2023', command: null, version: null, note: null },
      ],
    });
    assert.match(
      runtimes,
      /\nRUNTIMES\n +RUNTIME +RUNS ON +VERSION +NOTE\n +python3\.12 +\/usr\/bin\/python3\.11 +3\.11\.7 +python3\.12 runs on Python 3\.11\.7 on this machine\n/,
    );
    assert.match(runtimes, /provided\.al2023 +the zip's bootstrap +-/);
    const workers = renderStatus({
      generatedAt: 0,
      streams: [],
      mappings: [],
      functions: [],
      workers: { alive: 3, maxWorkers: 8, waiting: 1200, waitTimeouts: 2 },
    });
    assert.ok(
      workers.endsWith(
        '\n\nWORKERS\n  ALIVE  MAX  WAITING FOR A WORKER  WAIT TIMEOUTS\n' +
          '      3    8                 1,200              2\n',
      ),
      workers,
    );
    assert.equal(statusEndpoint({}, {}), 'http://127.0.0.1:4600');
    assert.equal(statusEndpoint({}, { TRIBUTARY_PORT: '5000' }), 'http://127.0.0.1:5000');
    assert.equal(statusEndpoint({}, { TRIBUTARY_ENDPOINT: 'http://h:1/' }), 'http://h:1');
    assert.equal(
      statusEndpoint({ endpoint: 'http://x:2' }, { TRIBUTARY_ENDPOINT: 'http://h:1' }),
      'http://x:2',
    );
  });
});
