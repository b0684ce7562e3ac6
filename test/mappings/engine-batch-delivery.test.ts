// BatchDelivery (issue 14/15): a batch whose invoke fails while its shard is stopping (a worker killed at the
// shutdown timeout, a disable, an update) is not counted as a failure: it is neither retried nor discarded to the
// on-failure destination, and stays undone so the restart delivers it again.
import { strict as assert } from 'node:assert';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { InvokeResult } from '../../src/lambda/invoker.js';
import { BatchDelivery, Stopped } from '../../src/mappings/engine/batch-delivery.js';
import { judgeInvoke } from '../../src/mappings/engine/batch-outcome.js';
import { compileMapping } from '../../src/mappings/engine/compiled-mapping.js';
import { buildPayload, encodeRecord, eventContext } from '../../src/mappings/engine/event-builder.js';
import type { MappingEvents } from '../../src/mappings/engine/events.js';
import { VirtualClock } from '../harness/virtual-clock.js';
import { unitEngineDeps, unitMappingMeta } from './engine-unit-fixtures.js';

function setup(maxRetries: number, invoke: (abort: AbortController) => Promise<InvokeResult>) {
  const clock = new VirtualClock();
  const abort = new AbortController();
  const events = new EventEmitter<MappingEvents>();
  const discarded: string[] = [];
  const done: string[] = [];
  const deps = unitEngineDeps({
    invoker: { invoke: () => invoke(abort) },
    clock,
    events,
    bugs: { bug: (err) => assert.fail(String(err)) },
  });
  const m = compileMapping(
    unitMappingMeta('u', { MaximumRetryAttempts: maxRetries }),
    's',
    'arn:aws:kinesis:us-east-1:000000000000:stream/s',
    undefined,
    1,
  );
  const delivery = new BatchDelivery(m, deps, {
    shardId: 'shardId-000000000000',
    signal: abort.signal,
    discarded: (records) => discarded.push(...records.map((r) => r.record.sequenceNumber)),
    oldestPendingAge: () => undefined,
  });
  const ctx = eventContext({
    shardId: 'shardId-000000000000',
    streamArn: m.streamArn,
    region: 'us-east-1',
    role: '',
  });
  const batch = ['1', '2'].map((n, i) =>
    encodeRecord(
      { sequenceNumber: n, partitionKey: 'k', data: Buffer.from(n), arrival: clock.now(), position: i },
      ctx,
    ),
  );
  const strategy = {
    payload: (records: Parameters<typeof buildPayload>[0]) => buildPayload(records, ctx),
    judge: (result: InvokeResult, records: Parameters<typeof judgeInvoke>[1]) =>
      judgeInvoke(result, records, false),
    succeeded: (records: Parameters<typeof buildPayload>[0]) =>
      done.push(...records.map((r) => r.record.sequenceNumber)),
  };
  return { delivery, batch, strategy, discarded, done };
}

const failed: InvokeResult = {
  statusCode: 200,
  functionError: 'Unhandled',
  payload: Buffer.from('{"errorMessage":"killed"}'),
  executedVersion: '$LATEST',
  requestId: 'r',
  durationMs: 1,
};

describe('BatchDelivery while stopping', () => {
  it('leaves a batch whose invoke failed during the stop undone: no retry, no discard', async () => {
    let invokes = 0;
    const s = setup(0, (abort) => {
      invokes++;
      abort.abort(); // the stop happens while the function runs, and the function then fails
      return Promise.resolve(failed);
    });
    await assert.rejects(s.delivery.process(s.batch, s.strategy), Stopped);
    assert.equal(invokes, 1);
    assert.deepEqual(s.discarded, []);
    assert.deepEqual(s.done, []);
  });

  it('still discards a failing batch when nothing is stopping (MaximumRetryAttempts 0)', async () => {
    const s = setup(0, () => Promise.resolve(failed));
    await s.delivery.process(s.batch, s.strategy);
    assert.deepEqual(s.discarded, ['1', '2']);
  });
});
