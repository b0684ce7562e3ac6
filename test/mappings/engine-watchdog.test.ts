// The watchdog (issue 14): a shard with records pending and nothing under way for longer than stallMs is a bug:
// reported with the mapping and shard, counted by a `stall` event, and its reader restarted from the checkpoint.
// Simulated here with a reader that loses its wake-ups (the bug that once stalled mappings after a reshard).
import { strict as assert } from 'node:assert';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { withFanOut } from '../../src/kinesis/fan-out/fan-out.js';
import { testIterators } from '../kinesis/kinesis-fixtures.js';
import { KinesisEvents } from '../../src/kinesis/kinesis-events.js';
import { StreamRegistry } from '../../src/kinesis/stream-registry.js';
import type { InvokeResult } from '../../src/lambda/invoker.js';
import { compileMapping } from '../../src/mappings/engine/compiled-mapping.js';
import type { MappingEvents } from '../../src/mappings/engine/events.js';
import { MappingRunner } from '../../src/mappings/engine/mapping-runner.js';
import { RegistryStreamView } from '../../src/mappings/engine/registry-stream-view.js';
import type { ShardReader, StreamView } from '../../src/mappings/engine/shard-reader.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { testAppContext } from '../harness/app-context.js';
import { VirtualClock } from '../harness/virtual-clock.js';
import { unitEngineDeps, unitMappingMeta } from './engine-unit-fixtures.js';

/** A view whose first reader of each shard never hears wake(): it sleeps through every append. */
function losingWakeUps(view: StreamView): StreamView & { broken: number } {
  const seen = new Set<string>();
  const out: StreamView & { broken: number } = {
    broken: 0,
    streamName: view.streamName,
    streamArn: view.streamArn,
    generation: view.generation,
    alive: () => view.alive(),
    shards: () => view.shards(),
    bounds: (shardId) => view.bounds(shardId),
    endPosition: (shardId) => view.endPosition(shardId),
    arrivalAt: (shardId, position) => view.arrivalAt(shardId, position),
    positionAtTimestamp: (shardId, ms) => view.positionAtTimestamp(shardId, ms),
    reader: (shardId, position, consumerArn): ShardReader => {
      const r = view.reader(shardId, position, consumerArn);
      if (seen.has(shardId)) return r;
      seen.add(shardId);
      out.broken++;
      return { next: (max) => r.next(max), wake: () => undefined, close: () => r.close() };
    },
  };
  return out;
}

describe('the mapping watchdog', () => {
  it('restarts a reader that sleeps with records pending, reports it as a bug, and the records are delivered', async () => {
    const clock = new VirtualClock();
    const store = new MemoryStore();
    const ctx = testAppContext(store);
    const kinesisEvents = new KinesisEvents();
    const streams = new StreamRegistry(ctx, kinesisEvents, clock);
    await streams.create('w', 1, 'PROVISIONED');
    const events = new EventEmitter<MappingEvents>();
    const delivered: string[] = [];
    const bugs: string[] = [];
    const deps = unitEngineDeps({
      invoker: {
        invoke: (_arn, payload): Promise<InvokeResult> => {
          const e = JSON.parse(payload.toString()) as { Records: Array<{ kinesis: { data: string } }> };
          delivered.push(...e.Records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString()));
          return Promise.resolve({
            statusCode: 200,
            payload: Buffer.from('{}'),
            executedVersion: '$LATEST',
            requestId: 'r',
            durationMs: 1,
          });
        },
      },
      clock,
      events,
      bugs: { bug: (err, where) => bugs.push(`${where.what}: ${String(err)}`) },
    });
    const meta = unitMappingMeta('u1');
    const m = compileMapping(meta, 'w', streams.get('w').arn, undefined, 1);
    const view = losingWakeUps(
      new RegistryStreamView(
        withFanOut({ app: ctx, streams, events: kinesisEvents, iterators: testIterators() }),
        streams.get('w'),
      ),
    );
    const runner = new MappingRunner(m, deps, view, store, {
      startingPosition: 'TRIM_HORIZON',
      startingTimestampMs: undefined,
      role: '',
      checkpointDelayMs: 0,
      stallMs: 5000,
    });
    kinesisEvents.on('append', (e) => runner.onAppend(e.shardId));
    const stalls: Array<MappingEvents['stall'][0]> = [];
    const lags: Array<MappingEvents['lag'][0]> = [];
    events.on('stall', (e) => stalls.push(e));
    events.on('lag', (e) => lags.push(e));
    await runner.start();
    // Mappings runs one timer for all its runners; this test is that timer.
    const stopTicks = clock.every(1000, () => runner.tick());
    await clock.advance(10);
    await streams.put('w', [
      { partitionKey: 'a', data: Buffer.from('one') },
      { partitionKey: 'a', data: Buffer.from('two') },
    ]);
    // The broken reader sleeps through the append: nothing for almost stallMs...
    await clock.advance(4500);
    assert.deepEqual(delivered, []);
    assert.equal(stalls.length, 0);
    // ...and the lag sampler shows the backlog and a rising IteratorAge meanwhile.
    const ages = lags.map((l) => l.iteratorAgeMs);
    assert.ok(
      ages.length >= 4 && ages.every((a, i) => i === 0 || a > ages[i - 1]!),
      `ages ${ages.join(',')}`,
    );
    assert.ok(lags.every((l) => l.recordsBehind === 2 && l.shards[0]?.shardId === 'shardId-000000000000'));
    // Past stallMs the watchdog restarts the reader from the checkpoint.
    await clock.advance(2000);
    assert.equal(stalls.length, 1);
    assert.equal(stalls[0]!.shardId, 'shardId-000000000000');
    assert.equal(stalls[0]!.recordsBehind, 2);
    assert.equal(bugs.length, 1);
    assert.match(bugs[0]!, /watchdog/);
    assert.deepEqual(delivered, ['one', 'two']);
    assert.deepEqual(runner.lag(), [{ shardId: 'shardId-000000000000', recordsBehind: 0, iteratorAgeMs: 0 }]);
    assert.equal(view.broken, 1);
    stopTicks();
    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    await clock.until(() => stopped, 10_000);
    await stopping;
  });
});
