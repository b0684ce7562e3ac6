// UpdateEventSourceMapping mid-stream (issue 14): a new function, filters, destination, batch size or parallelization
// take effect on the next batch; nothing already processed is delivered again and nothing is skipped.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { waitFor } from '../harness/helpers.js';
import {
  enabledMapping,
  createRecordingFunction,
  createStream,
  mappingState,
  mappingTestServer,
} from './mapping-fixtures.js';

async function put(k: KinesisClient, stream: string, datas: string[]): Promise<void> {
  await k.send(
    new PutRecordsCommand({
      StreamName: stream,
      Records: datas.map((d, i) => ({ PartitionKey: `k${i % 4}`, Data: Buffer.from(d) })),
    }),
  );
}

describe('UpdateEventSourceMapping mid-stream', () => {
  it('moves to a new function with new filters on the next batch, without re-delivering or skipping', async () => {
    await using server = await mappingTestServer();
    const { app, k, l } = server;
    const arn = await createStream(k, app, 'moving');
    const a = await createRecordingFunction(app, l, 'fn-a');
    const b = await createRecordingFunction(app, l, 'fn-b');
    const m = await enabledMapping(app, l, {
      FunctionName: a.name,
      EventSourceArn: arn,
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 5,
    });
    const uuid = m.UUID!;
    const first = Array.from({ length: 10 }, (_, i) => JSON.stringify({ n: i, keep: i % 2 === 0 }));
    await put(k, 'moving', first);
    await waitFor(() => a.datas().length === 10, 20_000, 'the first records at fn-a');

    await l.send(
      new UpdateEventSourceMappingCommand({
        UUID: uuid,
        FunctionName: b.name,
        BatchSize: 2,
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ data: { keep: [true] } }) }] },
      }),
    );
    await mappingState(app, uuid, 'Enabled');
    const second = Array.from({ length: 10 }, (_, i) => JSON.stringify({ n: 10 + i, keep: i % 2 === 0 }));
    await put(k, 'moving', second);
    const kept = second.filter((d) => (JSON.parse(d) as { keep: boolean }).keep);
    await waitFor(() => b.datas().length >= kept.length, 20_000, 'the kept records at fn-b');
    assert.deepEqual(a.datas(), first, 'fn-a got the first records once and nothing after the update');
    assert.deepEqual(b.datas(), kept, 'fn-b got only the kept records put after the update, in order');
    assert.ok(
      b.invokes().every((i) => i.event.Records.length <= 2),
      'the new batch size applies',
    );
  });

  it('changes batch size and parallelization while records flow, delivering each record exactly once', async () => {
    await using server = await mappingTestServer();
    const { app, k, l } = server;
    const arn = await createStream(k, app, 'flowing', 2);
    const f = await createRecordingFunction(app, l, 'fn-flow', { BEHAVIOUR: 'sleep:20' });
    const m = await enabledMapping(app, l, {
      FunctionName: f.name,
      EventSourceArn: arn,
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 3,
    });
    const uuid = m.UUID!;
    const all = Array.from({ length: 120 }, (_, i) => `r${i}`);
    await put(k, 'flowing', all.slice(0, 60));
    await waitFor(() => f.datas().length >= 10, 20_000, 'processing under way');
    await l.send(new UpdateEventSourceMappingCommand({ UUID: uuid, BatchSize: 7, ParallelizationFactor: 3 }));
    await put(k, 'flowing', all.slice(60));
    await mappingState(app, uuid, 'Enabled');
    await waitFor(() => f.datas().length >= all.length, 30_000, 'every record');
    const seen = f.datas();
    assert.equal(seen.length, all.length, 'no record delivered twice');
    assert.deepEqual([...seen].sort(), [...all].sort(), 'no record skipped');
  });
});
