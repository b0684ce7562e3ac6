import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import { Checkpoints } from '../../src/mappings/engine/checkpoints.js';
import { LmdbStore } from '../../src/store/lmdb-store.js';
import type { Store } from '../../src/store/store.js';
import { tempDir } from '../harness/helpers.js';

/** The real lmdb store, counting checkpoint writes and the turns they were issued in. */
function counting(store: Store): { store: Store; writes: () => number; rounds: () => number } {
  let writes = 0;
  let rounds = 0;
  let inTurn = false;
  const wrapped = Object.create(store) as Store;
  wrapped.putDoc = (ns, id, doc) => {
    writes++;
    if (!inTurn) {
      inTurn = true;
      rounds++;
      queueMicrotask(() => (inTurn = false));
    }
    return store.putDoc(ns, id, doc);
  };
  return { store: wrapped, writes: () => writes, rounds: () => rounds };
}

describe('mapping checkpoints', () => {
  const dir = tempDir();
  const store = new LmdbStore(dir);
  after(() => store.close());

  it('group the shards of a mapping into one write round and keep the newest value per shard', async () => {
    const c = counting(store);
    const cps = new Checkpoints(c.store, 'm1', 1, 20);
    const done = [
      cps.set('shard-0', { position: 1 }),
      cps.set('shard-1', { position: 5 }),
      cps.set('shard-0', { position: 2 }),
      cps.set('shard-2', { position: 9, finished: true }),
    ];
    // Not yet durable, but visible to the engine at once.
    assert.deepEqual(cps.get('shard-0'), { position: 2 });
    await Promise.all(done);
    assert.equal(c.rounds(), 1);
    assert.equal(c.writes(), 3);
    // Durable: a fresh reader of the store sees them.
    const fresh = new Checkpoints(store, 'm1', 1);
    assert.deepEqual(fresh.get('shard-0'), { position: 2 });
    assert.deepEqual(fresh.get('shard-1'), { position: 5 });
    assert.deepEqual(fresh.get('shard-2'), { position: 9, finished: true });
    assert.deepEqual(Checkpoints.ids(store, 'm1').sort(), ['m1/1/shard-0', 'm1/1/shard-1', 'm1/1/shard-2']);
    // A checkpoint is a position, never a sequence number: the sequence number layout can change (it did, to
    // AWS's) without any stored checkpoint to convert or misread.
    assert.deepEqual(store.getDoc('mapping.checkpoint', 'm1/1/shard-0'), { position: 2 });
  });

  it('write a value set during a round in the next round, and resolve each caller only when its value is durable', async () => {
    const c = counting(store);
    const cps = new Checkpoints(c.store, 'm2', 1, 0);
    const first = cps.set('s', { position: 10 });
    await Promise.resolve();
    await Promise.resolve();
    // The first round has taken its snapshot; this one must not ride on it.
    const second = cps.set('s', { position: 11 });
    await first;
    await second;
    assert.deepEqual(new Checkpoints(store, 'm2', 1).get('s'), { position: 11 });
    assert.ok(c.rounds() >= 1 && c.rounds() <= 2, `rounds: ${c.rounds()}`);
  });

  it('keep a checkpoint whose write failed and write it with the next round', async () => {
    let failNext = true;
    const flaky = Object.create(store) as Store;
    flaky.putDoc = (ns, id, doc) => {
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('disk full'));
      }
      return store.putDoc(ns, id, doc);
    };
    const cps = new Checkpoints(flaky, 'm4', 1, 0);
    await assert.rejects(cps.set('a', { position: 7 }), /disk full/);
    assert.deepEqual(cps.get('a'), { position: 7 });
    await cps.set('b', { position: 1 });
    assert.deepEqual(new Checkpoints(store, 'm4', 1).get('a'), { position: 7 });
    assert.deepEqual(new Checkpoints(store, 'm4', 1).get('b'), { position: 1 });
  });

  it('flush() waits for everything set so far; clear() removes the mapping', async () => {
    const cps = new Checkpoints(store, 'm3', 1, 50);
    void cps.set('a', { position: 3 });
    void cps.set('b', { position: 4 });
    await cps.flush();
    assert.deepEqual(new Checkpoints(store, 'm3', 1).get('a'), { position: 3 });
    await Checkpoints.clear(store, 'm3');
    assert.equal(new Checkpoints(store, 'm3', 1).get('b'), undefined);
  });

  it('are kept per stream generation: a re-created stream sees none of the old ones', async () => {
    const old = new Checkpoints(store, 'm5', 100);
    await old.set('shardId-000000000000', { position: 42 });
    const fresh = new Checkpoints(store, 'm5', 200);
    assert.equal(fresh.get('shardId-000000000000'), undefined);
    assert.ok(fresh.isEmpty());
    await fresh.set('shardId-000000000000', { position: 1 });
    await Checkpoints.clear(store, 'm5', 200);
    assert.deepEqual(Checkpoints.ids(store, 'm5'), ['m5/200/shardId-000000000000']);
  });

  it('written before generations (uuid/shardId) move under the current generation once', async () => {
    await store.putDoc('mapping.checkpoint', 'm6/shardId-000000000001', { position: 9 });
    await Checkpoints.migrateLegacy(store, 'm6', 300);
    assert.deepEqual(new Checkpoints(store, 'm6', 300).get('shardId-000000000001'), { position: 9 });
    assert.deepEqual(Checkpoints.ids(store, 'm6'), ['m6/300/shardId-000000000001']);
  });
});
