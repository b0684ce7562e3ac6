import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { MAX_HASH_KEY } from '../../src/kinesis/hash-keys.js';
import { withFanOut } from '../../src/kinesis/fan-out/fan-out.js';
import { testIterators } from '../kinesis/kinesis-fixtures.js';
import type { AppContext } from '../../src/server/context.js';
import { testAppContext } from '../harness/app-context.js';
import type { KinesisContext } from '../../src/kinesis/kinesis-context.js';
import { KinesisEvents } from '../../src/kinesis/kinesis-events.js';
import { StreamRegistry } from '../../src/kinesis/stream-registry.js';
import type { KinesisRecord } from '../../src/kinesis/model.js';
import { RegistryStreamView } from '../../src/mappings/engine/registry-stream-view.js';
import type { ReadResult, ShardReader } from '../../src/mappings/engine/shard-reader.js';

const SHARD0 = 'shardId-000000000000';
/** The children of SHARD0 after a split in the middle of the hash key range. */
const LOW_CHILD = 'shardId-000000000001';
const HIGH_CHILD = 'shardId-000000000002';

function datas(r: ReadResult): string[] {
  assert.ok(Array.isArray(r), `expected records, got ${JSON.stringify(r)}`);
  return r.map((x) => Buffer.from(x.data).toString('utf8'));
}

function positions(r: ReadResult): number[] {
  assert.ok(Array.isArray(r), `expected records, got ${JSON.stringify(r)}`);
  return r.map((x) => x.position);
}

/** Whether a promise has settled once everything already queued has run (no timer involved). */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise<void>((resolve) => setImmediate(resolve));
  return done;
}

describe('engine: registry stream view and shard reader', () => {
  let ctx: AppContext;
  let streams: StreamRegistry;
  let k: KinesisContext;
  const readers: ShardReader[] = [];

  let events: KinesisEvents;

  beforeEach(() => {
    ctx = testAppContext();
    events = new KinesisEvents();
    streams = new StreamRegistry(ctx, events);
    k = withFanOut({ app: ctx, streams, events, iterators: testIterators() });
  });

  /** A registry built now, so that it reads the time through whatever Date.now is at this point (a mock). */
  function newRegistry(): void {
    streams.close();
    streams = new StreamRegistry(ctx, events);
    k = withFanOut({ app: ctx, streams, events, iterators: testIterators() });
  }

  afterEach(async () => {
    for (const r of readers.splice(0)) r.close();
    streams.close();
    await ctx.store.close();
  });

  async function put(stream: string, items: string[], explicitHashKey?: bigint): Promise<void> {
    await streams.put(
      stream,
      items.map((d) => ({
        data: Buffer.from(d),
        partitionKey: `k-${d}`,
        ...(explicitHashKey !== undefined ? { explicitHashKey } : {}),
      })),
    );
  }

  function view(stream: string): RegistryStreamView {
    return new RegistryStreamView(k, streams.get(stream));
  }

  function reader(v: RegistryStreamView, shardId: string, position: number): ShardReader {
    const r = v.reader(shardId, position, undefined);
    readers.push(r);
    return r;
  }

  it('returns the records in order, at most `max` at a time, from its start position', async () => {
    await streams.create('s', 1, 'PROVISIONED');
    await put('s', ['r0', 'r1', 'r2']);
    await put('s', ['r3', 'r4']);
    const v = view('s');
    assert.ok(v.alive());
    assert.deepEqual(
      v.shards().map((s) => s.shardId),
      [SHARD0],
    );
    assert.deepEqual(v.bounds(SHARD0), { first: 0, last: 4 });
    const r = reader(v, SHARD0, 0);
    const first = await r.next(2);
    assert.deepEqual(positions(first), [0, 1]);
    assert.deepEqual(datas(first), ['r0', 'r1']);
    const rest = await r.next(10);
    assert.deepEqual(positions(rest), [2, 3, 4], 'the next read starts after the last record returned');
    assert.deepEqual(datas(rest), ['r2', 'r3', 'r4']);
    assert.equal((rest as KinesisRecord[])[0]!.partitionKey, 'k-r2');
    // From the middle of the shard.
    assert.deepEqual(datas(await reader(v, SHARD0, 3).next(10)), ['r3', 'r4']);
  });

  it('when caught up, waits; an append and wake() resolve it with the new records (never an empty read)', async () => {
    await streams.create('s', 1, 'PROVISIONED');
    await put('s', ['a']);
    const r = reader(view('s'), SHARD0, 0);
    assert.deepEqual(datas(await r.next(10)), ['a']);
    const pending = r.next(10);
    assert.equal(await settled(pending), false, 'nothing to read: the reader waits');
    // A wake with nothing new keeps it waiting: a reader never answers with an empty batch.
    r.wake();
    assert.equal(await settled(pending), false, 'woken with nothing new, it waits again');
    await put('s', ['b', 'c']);
    r.wake();
    assert.deepEqual(datas(await pending), ['b', 'c']);
  });

  it("driven by the registry's append events, it misses none of many puts", async () => {
    await streams.create('s', 1, 'PROVISIONED');
    const r = reader(view('s'), SHARD0, 0);
    events.on('append', (e) => {
      if (e.stream === 's' && e.shardId === SHARD0) r.wake();
    });
    const total = 200;
    const got: number[] = [];
    const consumer = (async () => {
      while (got.length < total) got.push(...positions(await r.next(7)));
    })();
    for (let i = 0; i < total; i += 4) await put('s', ['x', 'y', 'z', 'w']);
    await consumer;
    assert.deepEqual(
      got,
      Array.from({ length: total }, (_, i) => i),
    );
  });

  it('after a split, the parent drains its records and then ends (once woken)', async () => {
    await streams.create('s', 1, 'PROVISIONED');
    await put('s', ['p0', 'p1', 'p2']);
    const v = view('s');
    const caughtUp = reader(v, SHARD0, 0);
    const behind = reader(v, SHARD0, 1);
    assert.deepEqual(positions(await caughtUp.next(10)), [0, 1, 2]);
    const pending = caughtUp.next(10);
    assert.equal(await settled(pending), false);

    await streams.split('s', SHARD0, MAX_HASH_KEY / 2n);
    assert.equal(v.alive(), true, 'a reshard is the same stream generation');
    assert.deepEqual(
      v.shards().map((s) => s.shardId),
      [SHARD0, LOW_CHILD, HIGH_CHILD],
    );
    caughtUp.wake();
    assert.deepEqual(await pending, { kind: 'end' });
    assert.deepEqual(await caughtUp.next(10), { kind: 'end' }, 'and stays ended');

    // A reader still behind gets the parent's remaining records first, then the end.
    assert.deepEqual(datas(await behind.next(10)), ['p1', 'p2']);
    assert.deepEqual(await behind.next(10), { kind: 'end' });
    // A reader started at the parent's end (its finished checkpoint) ends at once.
    assert.deepEqual(await reader(v, SHARD0, 3).next(10), { kind: 'end' });

    // The children hold what is put after the split.
    await put('s', ['low'], 0n);
    await put('s', ['high'], MAX_HASH_KEY);
    assert.deepEqual(datas(await reader(v, LOW_CHILD, 0).next(10)), ['low']);
    assert.deepEqual(datas(await reader(v, HIGH_CHILD, 0).next(10)), ['high']);
  });

  it('a put still being written when the shard closes is read before the end', async () => {
    await streams.create('s', 1, 'PROVISIONED');
    await put('s', ['p0']);
    const v = view('s');
    const r = reader(v, SHARD0, 0);
    assert.deepEqual(datas(await r.next(10)), ['p0']);
    // Hold the store's writes: the next put gets position 1 but is not durable (not readable) yet.
    const store = ctx.store;
    const append = store.append.bind(store);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    store.append = async (log, entries) => {
      await held;
      return append(log, entries);
    };
    const inFlight = put('s', ['p1']);
    await streams.split('s', SHARD0, MAX_HASH_KEY / 2n);
    const pending = r.next(10);
    r.wake();
    assert.equal(await settled(pending), false, 'the shard ends after position 1, which is still to come');
    release();
    await inFlight;
    r.wake();
    assert.deepEqual(datas(await pending), ['p1']);
    assert.deepEqual(await r.next(10), { kind: 'end' });
  });

  it('a shard closed with no records ends at once', async () => {
    await streams.create('s', 1, 'PROVISIONED');
    const v = view('s');
    await streams.split('s', SHARD0, MAX_HASH_KEY / 2n);
    assert.deepEqual(await reader(v, SHARD0, 0).next(10), { kind: 'end' });
  });

  it('after a merge, both parents drain and end', async () => {
    await streams.create('s', 2, 'PROVISIONED');
    const v = view('s');
    await put('s', ['lo'], 0n);
    await put('s', ['hi'], MAX_HASH_KEY);
    const a = reader(v, SHARD0, 0);
    const b = reader(v, 'shardId-000000000001', 0);
    assert.deepEqual(datas(await a.next(10)), ['lo']);
    const pendingA = a.next(10);
    await streams.merge('s', SHARD0, 'shardId-000000000001');
    a.wake();
    assert.deepEqual(await pendingA, { kind: 'end' });
    assert.deepEqual(datas(await b.next(10)), ['hi']);
    assert.deepEqual(await b.next(10), { kind: 'end' });
  });

  it('after DeleteStream, a waiting reader (once woken) and any new reader say gone: stream-deleted', async () => {
    await streams.create('s', 1, 'PROVISIONED');
    await put('s', ['a']);
    const v = view('s');
    const r = reader(v, SHARD0, 1);
    const pending = r.next(10);
    assert.equal(await settled(pending), false);
    await streams.delete('s');
    r.wake();
    assert.deepEqual(await pending, { kind: 'gone', reason: 'stream-deleted' });
    assert.equal(v.alive(), false);
    assert.deepEqual(v.shards(), []);
    assert.equal(v.bounds(SHARD0), undefined);
    // Even from a position with records before the deletion: nothing of a deleted stream is read.
    assert.deepEqual(await reader(v, SHARD0, 0).next(10), { kind: 'gone', reason: 'stream-deleted' });
  });

  it('a stream being deleted (DELETING) is already gone for its readers', async () => {
    await streams.create('s', 1, 'PROVISIONED');
    await put('s', ['a', 'b']);
    const v = view('s');
    const r = reader(v, SHARD0, 0);
    // The default transition delay: DeleteStream answers, the stream stays DELETING for a while.
    ctx.options.transitionDelayMs = 60_000;
    await streams.delete('s');
    assert.equal(streams.get('s').status, 'DELETING');
    assert.equal(v.alive(), false);
    assert.deepEqual(v.shards(), []);
    assert.deepEqual(await r.next(10), { kind: 'gone', reason: 'stream-deleted' });
  });

  it('a stream created again under the same name is another generation: the old view is gone for good', async (t) => {
    let now = 1_800_000_000_000;
    t.mock.method(Date, 'now', () => now);
    newRegistry();
    await streams.create('s', 1, 'PROVISIONED');
    await put('s', ['old0', 'old1', 'old2']);
    const v1 = view('s');
    const r1 = reader(v1, SHARD0, 0);
    assert.deepEqual(positions(await r1.next(10)), [0, 1, 2]);
    const pending = r1.next(10);
    await streams.delete('s');
    // The new stream is created a second later (the next test: within the same millisecond).
    now += 1000;
    await streams.create('s', 1, 'PROVISIONED');
    await put('s', ['new0', 'new1', 'new2', 'new3', 'new4']);
    r1.wake();
    // The old reader must not go on reading the new stream from its old position (that would skip new0..new2).
    assert.deepEqual(await pending, { kind: 'gone', reason: 'stream-deleted' });
    assert.equal(v1.alive(), false);
    assert.deepEqual(v1.shards(), []);
    assert.deepEqual(await reader(v1, SHARD0, 0).next(10), { kind: 'gone', reason: 'stream-deleted' });

    const v2 = view('s');
    assert.notEqual(v2.generation, v1.generation);
    assert.equal(v2.streamArn, v1.streamArn, 'same name, same ARN: only the generation tells them apart');
    assert.ok(v2.alive());
    assert.deepEqual(datas(await reader(v2, SHARD0, 0).next(10)), ['new0', 'new1', 'new2', 'new3', 'new4']);
  });

  it('a stream deleted and created again within the same millisecond is still another generation', async (t) => {
    // The generation is the creation time: a re-create in the same millisecond (in-process clients, tests
    // on virtual time) must not give the new stream the old one's identity, or the old view stays alive and
    // its reader goes on in the new stream from its old position, skipping the new stream's first records.
    const now = 1_800_000_000_000;
    t.mock.method(Date, 'now', () => now);
    newRegistry();
    await streams.create('s', 1, 'PROVISIONED');
    await put('s', ['old0', 'old1', 'old2']);
    const v1 = view('s');
    const r1 = reader(v1, SHARD0, 3);
    await streams.delete('s');
    await streams.create('s', 1, 'PROVISIONED');
    await put('s', ['new0', 'new1', 'new2', 'new3', 'new4']);
    const v2 = view('s');
    assert.notEqual(v2.generation, v1.generation, 'a new stream, a new generation');
    assert.equal(v1.alive(), false, 'the old generation must not be alive');
    assert.deepEqual(await r1.next(10), { kind: 'gone', reason: 'stream-deleted' });
    assert.deepEqual(datas(await reader(v2, SHARD0, 0).next(10)), ['new0', 'new1', 'new2', 'new3', 'new4']);
  });

  it('close() ends a pending next() (gone) and every later one', async () => {
    await streams.create('s', 1, 'PROVISIONED');
    const r = reader(view('s'), SHARD0, 0);
    const pending = r.next(10);
    assert.equal(await settled(pending), false);
    r.close();
    assert.deepEqual(await pending, { kind: 'gone', reason: 'stream-deleted' });
    await put('s', ['late']);
    assert.deepEqual(
      await r.next(10),
      { kind: 'gone', reason: 'stream-deleted' },
      'a closed reader reads nothing',
    );
  });
});
