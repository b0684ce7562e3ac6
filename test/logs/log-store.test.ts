import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { eventsBefore, eventsFrom } from '../../src/logs/event-reader.js';
import { LogStore } from '../../src/logs/log-store.js';
import { eventSize } from '../../src/logs/model.js';
import { MemoryStore } from '../../src/store/memory-store.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-01-10T00:00:00Z');
const log = pino({ level: 'silent' });

const messages = (it: Iterable<{ message: string }>): string[] => [...it].map((e) => e.message);

/** The LogStore alone, over the in-memory store engine: blocks, gaps, retention, the cap, and a restart. */
describe('LogStore', () => {
  it('reads forward and backward across blocks and the gaps retention leaves', async () => {
    const store = new MemoryStore();
    const logs = new LogStore(store, log, { maxStoredBytes: 1 << 30 });
    logs.start();
    await logs.createGroup('g', T0);
    const s = await logs.createStream('g', 's', T0);
    // Blocks: [a0 a1] (day 0), [b0] (day 5), [c0 c1 c2] (day 1), [d0] (day 6).
    await logs.append(
      s,
      [
        { timestamp: T0, message: 'a0' },
        { timestamp: T0, message: 'a1' },
      ],
      T0,
    );
    await logs.append(s, [{ timestamp: T0 + 5 * DAY, message: 'b0' }], T0);
    await logs.append(
      s,
      [1, 2, 3].map((i) => ({ timestamp: T0 + DAY, message: `c${i - 1}` })),
      T0,
    );
    await logs.append(s, [{ timestamp: T0 + 6 * DAY, message: 'd0' }], T0);
    assert.deepEqual(messages(eventsFrom(logs, s, 0)), ['a0', 'a1', 'b0', 'c0', 'c1', 'c2', 'd0']);
    assert.deepEqual(messages(eventsFrom(logs, s, 4)), ['c1', 'c2', 'd0']);
    assert.deepEqual(messages(eventsBefore(logs, s, 5)), ['c1', 'c0', 'b0', 'a1', 'a0']);
    assert.deepEqual(
      messages(eventsFrom(logs, s, 0, T0 + 5 * DAY)),
      ['b0', 'd0'],
      'older blocks passed over',
    );

    // A 3-day policy at day 7: the head block goes, and (as it is set) the day-1 block in the middle too.
    await logs.setRetention('g', 3, T0 + 7 * DAY);
    assert.deepEqual(messages(eventsFrom(logs, s, 0)), ['b0', 'd0']);
    assert.deepEqual(messages(eventsFrom(logs, s, 3)), ['d0'], 'an index in the gap reads on after it');
    assert.deepEqual(messages(eventsBefore(logs, s, 6)), ['b0'], 'and back before it');
    assert.equal(s.firstEventTimestamp, T0 + 5 * DAY);
    assert.equal(logs.totalBytes, eventSize('b0') + eventSize('d0'));

    // The periodic sweep takes what has expired since, from the front.
    await logs.sweep(T0 + 9 * DAY);
    assert.deepEqual(messages(eventsFrom(logs, s, 0)), ['d0']);

    // A restart reads the same bounds and sizes back.
    const again = new LogStore(store, log, { maxStoredBytes: 1 << 30 });
    again.start();
    await again.measured();
    const s2 = again.mustStream('g', 's');
    assert.equal(again.totalBytes, eventSize('d0'));
    assert.deepEqual(
      [s2.firstIndex, s2.nextIndex, s2.firstEventTimestamp, s2.lastEventTimestamp],
      [6, 7, T0 + 6 * DAY, T0 + 6 * DAY],
    );
    assert.equal(again.group('g')?.rec.retentionInDays, 3);
  });

  it('past maxStoredBytes removes the oldest blocks over every group, down to 90% of it', async () => {
    const store = new MemoryStore();
    const cap = 10 * eventSize('x'.repeat(74)); // ten events of 100 bytes
    const logs = new LogStore(store, log, { maxStoredBytes: cap });
    logs.start();
    await logs.createGroup('a', T0);
    await logs.createGroup('b', T0);
    const sa = await logs.createStream('a', 's', T0);
    const sb = await logs.createStream('b', 's', T0);
    const put = (s: typeof sa, t: number, tag: string) =>
      logs.append(s, [{ timestamp: T0 + t, message: tag.padEnd(74, 'x') }], T0);
    for (let i = 0; i < 5; i++) {
      await put(sa, 2 * i, `a${i}`);
      await put(sb, 2 * i + 1, `b${i}`);
    }
    assert.equal(logs.totalBytes, cap, 'at the cap, nothing removed');
    await put(sa, 20, 'a5');
    // 11 events over a cap of 10: down to 9 by removing the two oldest (a0, then b0).
    assert.equal(logs.totalBytes, 9 * 100);
    assert.equal(messages(eventsFrom(logs, sa, 0))[0]!.slice(0, 2), 'a1');
    assert.equal(messages(eventsFrom(logs, sb, 0))[0]!.slice(0, 2), 'b1');
  });

  it('a deleted stream leaves no events behind; re-created, it starts empty', async () => {
    const store = new MemoryStore();
    const logs = new LogStore(store, log, { maxStoredBytes: 1 << 30 });
    logs.start();
    await logs.createGroup('g', T0);
    const s = await logs.createStream('g', 's', T0);
    await logs.append(s, [{ timestamp: T0, message: 'old' }], T0);
    await logs.deleteStream('g', 's');
    assert.equal(store.lastSeq(s.rec.log), undefined);
    const fresh = await logs.createStream('g', 's', T0);
    assert.notEqual(fresh.rec.log, s.rec.log);
    assert.deepEqual(messages(eventsFrom(logs, fresh, 0)), []);
    assert.equal(logs.totalBytes, 0);
  });
});
