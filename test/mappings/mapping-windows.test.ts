import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import {
  CreateEventSourceMappingCommand,
  type CreateEventSourceMappingCommandInput,
  type CreateEventSourceMappingCommandOutput,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import type { App } from '../../src/app/app.js';
import { waitFor } from '../harness/helpers.js';
import {
  createRecordingFunction,
  createStream,
  RECORDING_RUNTIMES,
  runtimeTestOptions,
  type RecordedInvoke,
  type RecordingRuntime,
  type RecordingFunction,
  withMappingServer,
} from './mapping-fixtures.js';
import { hooks } from '../harness/hooks.js';

interface WindowEvent {
  Records: RecordedInvoke['event']['Records'];
  window: { start: string; end: string };
  state: { count?: number; sum?: number };
  shardId: string;
  eventSourceARN: string;
  isFinalInvokeForWindow: boolean;
  isWindowTerminatedEarly: boolean;
}

const events = (inv: RecordedInvoke[]): WindowEvent[] => inv.map((i) => i.event as unknown as WindowEvent);

/** Records counted by the final invokes' states so far: every record once its window has ended. */
const countInFinalStates = (fn: RecordingFunction): number =>
  events(fn.invokes())
    .filter((e) => e.isFinalInvokeForWindow)
    .reduce((a, e) => a + (e.state.count ?? 0), 0);

describe('tumbling windows', () => {
  let app: App;
  let k: KinesisClient;
  let l: LambdaClient;
  withMappingServer((s) => ({ app, k, l } = s), { mappings: { retryBaseMs: 5, retryMaxMs: 50 } });

  /** A stream of one shard, a recording function with `behaviour`, and a TRIM_HORIZON mapping with `fields`. */
  const windowedMapping = async (
    stream: string,
    behaviour: string,
    fields: Omit<
      CreateEventSourceMappingCommandInput,
      'FunctionName' | 'EventSourceArn' | 'StartingPosition'
    >,
    runtime?: RecordingRuntime,
  ): Promise<{
    fn: RecordingFunction;
    mapping: CreateEventSourceMappingCommandOutput;
    streamArn: string;
  }> => {
    const streamArn = await createStream(k, app, stream, 1);
    const fn = await createRecordingFunction(app, l, `${stream}-fn`, { BEHAVIOUR: behaviour }, 10, runtime);
    const mapping = await l.send(
      new CreateEventSourceMappingCommand({
        FunctionName: fn.name,
        EventSourceArn: streamArn,
        StartingPosition: 'TRIM_HORIZON',
        ...fields,
      }),
    );
    return { fn, mapping, streamArn };
  };
  /** One record per value, all with partition key `p`. */
  const putValues = (stream: string, values: number[]): Promise<unknown> =>
    k.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: values.map((v) => ({ Data: Buffer.from(String(v)), PartitionKey: 'p' })),
      }),
    );

  it('carries state between invocations of a window and ends each window with one final invoke', async () => {
    const { fn, streamArn } = await windowedMapping('win', 'window', {
      TumblingWindowInSeconds: 1,
      BatchSize: 2,
    });
    const values = [1, 2, 3, 4, 5, 6, 7];
    await putValues('win', values);
    // Every record lands in some window; wait until the windows holding them all had their final invoke.
    await waitFor(() => countInFinalStates(fn) === values.length, 15_000, 'final invokes');
    const ev = events(fn.invokes());
    const windows = new Map<string, WindowEvent[]>();
    for (const e of ev) windows.set(e.window.start, [...(windows.get(e.window.start) ?? []), e]);
    let total = 0;
    for (const [start, list] of windows) {
      assert.match(start, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(Date.parse(list[0]!.window.end) - Date.parse(start), 1000);
      assert.deepEqual(list[0]!.state, {}, 'the first invoke of a window gets {}');
      const finals = list.filter((e) => e.isFinalInvokeForWindow);
      assert.equal(finals.length, 1, 'one final invoke per window');
      assert.equal(list.at(-1)!.isFinalInvokeForWindow, true, 'the final invoke is the last');
      // State carried: each invoke sees the count of every record before it in the window.
      let seen = 0;
      for (const e of list) {
        assert.equal(e.state.count ?? 0, seen);
        seen += e.Records.length;
        assert.equal(e.shardId, 'shardId-000000000000');
        assert.equal(e.eventSourceARN, streamArn);
        assert.equal(e.isWindowTerminatedEarly, false);
        assert.ok(e.Records.length <= 2);
      }
      total += finals[0]!.state.sum ?? 0;
    }
    assert.equal(
      total,
      values.reduce((a, b) => a + b, 0),
    );
  });

  it('ends a window early when the state outgrows 1 MB', async () => {
    const { fn } = await windowedMapping('winbig', 'window-big', {
      TumblingWindowInSeconds: 300,
      BatchSize: 1,
    });
    await putValues('winbig', [1, 2]);
    await waitFor(
      () => events(fn.invokes()).some((e) => e.isWindowTerminatedEarly),
      15_000,
      'early termination',
    );
    const ev = events(fn.invokes());
    const early = ev.find((e) => e.isWindowTerminatedEarly)!;
    assert.equal(early.isFinalInvokeForWindow, true);
    assert.equal(early.Records.length, 0);
    assert.equal(ev[0]!.Records.length, 1);
  });

  it('retries a failed window invoke without applying its state', async () => {
    const { fn } = await windowedMapping('winerr', 'window-fail-first', {
      TumblingWindowInSeconds: 1,
      BatchSize: 10,
    });
    await putValues('winerr', [5, 6]);
    await waitFor(() => countInFinalStates(fn) === 2, 15_000, 'final invoke after the retry');
    const finals = events(fn.invokes()).filter((e) => e.isFinalInvokeForWindow);
    assert.equal(
      finals.reduce((a, e) => a + (e.state.sum ?? 0), 0),
      11,
      'the failed invoke counted nothing',
    );
  });

  for (const runtime of RECORDING_RUNTIMES)
    it(
      `with ReportBatchItemFailures keeps the state of the records before the failed one and retries from it (${runtime})`,
      runtimeTestOptions(runtime),
      async () => {
        const stream = `winrbif-${runtime.replace('.', '')}`;
        const { fn, mapping: m } = await windowedMapping(
          stream,
          'window-report:30',
          {
            TumblingWindowInSeconds: 300,
            BatchSize: 10,
            FunctionResponseTypes: ['ReportBatchItemFailures'],
            MaximumRetryAttempts: 1,
          },
          runtime,
        );
        const discarded = new Promise<number>((resolve) => {
          const on = (e: { uuid: string; records: number }): void => {
            if (e.uuid === m.UUID) {
              hooks(app).mappings.off('discard', on);
              resolve(e.records);
            }
          };
          hooks(app).mappings.on('discard', on);
        });
        await putValues(stream, [10, 20, 30, 40]);
        assert.equal(
          await discarded,
          2,
          'the failed record and those after it are discarded once retries run out',
        );
        const ev = events(fn.invokes());
        assert.deepEqual(ev[0]!.Records.length, 4);
        assert.deepEqual(
          ev[1]!.state,
          { count: 2, sum: 30 },
          'the retry carries the state of the records before the failure',
        );
        assert.deepEqual(
          ev[1]!.Records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString()),
          ['30', '40'],
        );
      },
    );

  it('with BisectBatchOnFunctionError isolates a poison record inside a window; the rest count in the state', async () => {
    const { fn } = await windowedMapping('winbisect', 'window-fail-on:7', {
      TumblingWindowInSeconds: 1,
      BatchSize: 4,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 0,
    });
    await putValues('winbisect', [1, 2, 7, 4]);
    await waitFor(() => countInFinalStates(fn) === 3, 15_000, 'final state without the poison record');
    const finals = events(fn.invokes()).filter((e) => e.isFinalInvokeForWindow);
    assert.equal(
      finals.reduce((a, e) => a + (e.state.sum ?? 0), 0),
      7,
      '1 + 2 + 4: the poison record is left out',
    );
  });
});
