/**
 * Filtering Kinesis records: which keys a pattern sees (the record metadata of the event's `kinesis` object
 * plus the parsed `data`), records whose data is not JSON, ORing of filters, and parsing data lazily once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FilterableKinesisRecord } from '../../src/mappings/filter/index.js';
import { filterOf, record } from './filter-test-kit.js';

describe('record metadata', () => {
  it('filters on partitionKey together with data (the AWS documentation example)', () => {
    const filter = filterOf({ partitionKey: ['1'], data: { Location: ['Los Angeles'] } });
    assert.equal(filter.matches(record({ Location: 'Los Angeles' }, { partitionKey: '1' })), true);
    assert.equal(filter.matches(record({ Location: 'Los Angeles' }, { partitionKey: '2' })), false);
    assert.equal(filter.matches(record({ Location: 'Seattle' }, { partitionKey: '1' })), false);
  });

  it('sees sequenceNumber, approximateArrivalTimestamp (a number) and kinesisSchemaVersion', () => {
    assert.equal(filterOf({ sequenceNumber: [{ prefix: '4959' }] }).matches(record({})), true);
    assert.equal(filterOf({ sequenceNumber: [{ prefix: '1' }] }).matches(record({})), false);
    const recent = filterOf({ approximateArrivalTimestamp: [{ numeric: ['>=', 1545084650.987] }] });
    assert.equal(recent.matches(record({}, { approximateArrivalTimestamp: 1545084650.987 })), true);
    assert.equal(recent.matches(record({}, { approximateArrivalTimestamp: 1545084650.986 })), false);
    assert.equal(filterOf({ kinesisSchemaVersion: ['1.0'] }).matches(record({})), true);
  });

  it('does not see event-level keys or a `kinesis` wrapper: they are absent', () => {
    for (const pattern of [
      { eventSource: ['aws:kinesis'] },
      { awsRegion: [{ exists: true }] },
      { kinesis: { partitionKey: ['1'] } },
      { data: { partitionKey: ['1'] } },
      { toString: [{ exists: true }] },
      '{"__proto__": [{"exists": true}]}',
      { data: { constructor: [{ exists: true }], hasOwnProperty: [{ exists: true }] } },
    ]) {
      assert.equal(filterOf(pattern).matches(record({})), false, JSON.stringify(pattern));
    }
    assert.equal(filterOf({ eventSource: [{ exists: false }] }).matches(record({})), true);
  });

  it('treats keys named like Object.prototype members as ordinary data keys', () => {
    const filter = filterOf('{"data": {"__proto__": ["x"], "constructor": [{"exists": true}]}}');
    assert.equal(filter.matches(record('{"__proto__": "x", "constructor": 1}')), true);
    assert.equal(filter.matches(record('{"__proto__": "y", "constructor": 1}')), false);
    assert.equal(filter.matches(record('{"__proto__": "x"}')), false);
  });

  it('applies numeric ranges to data (the AWS Temperature example)', () => {
    const filter = filterOf({ data: { Temperature: [{ numeric: ['>', 50, '<=', 60] }] } });
    assert.deepEqual(
      [50, 50.5, 60, 61].map((t) => filter.matches(record({ City: 'Seattle', Temperature: t }))),
      [false, true, true, false],
    );
  });
});

describe('data that is not JSON', () => {
  const plain = record('Hello, this is a test.', { partitionKey: 'pk-1' });

  it('never matches a pattern on data, not even one asking for absent fields', () => {
    assert.equal(filterOf({ data: { a: [{ exists: false }] } }).matches(plain), false);
    assert.equal(
      filterOf({ partitionKey: ['pk-1'], data: { a: [{ exists: false }] } }).matches(plain),
      false,
    );
    assert.equal(
      filterOf({ $or: [{ partitionKey: ['pk-1'] }, { data: { a: ['x'] } }] }).matches(plain),
      false,
    );
  });

  it('still matches metadata-only patterns, alone or ORed with data patterns', () => {
    assert.equal(filterOf({ partitionKey: [{ prefix: 'pk-' }] }).matches(plain), true);
    assert.equal(filterOf({ data: { a: ['x'] } }, { partitionKey: ['pk-1'] }).matches(plain), true);
  });

  it('includes empty data, invalid UTF-8 and almost-JSON', () => {
    const filter = filterOf({ data: { a: [{ exists: false }] } });
    // `{"b":"\xff"}` is well-formed JSON structure around a byte that is not UTF-8: still not JSON.
    const badString = Uint8Array.from([...Buffer.from('{"b":"'), 0xff, ...Buffer.from('"}')]);
    for (const data of [
      new Uint8Array(0),
      Uint8Array.from([0x7b, 0xff, 0x7d]),
      badString,
      '{"a":1,}',
      "{'a':1}",
    ]) {
      assert.equal(filter.matches(record(data)), false, String(data));
    }
    assert.equal(filter.matches(record('{}')), true);
  });

  it('finds a byte that is not UTF-8 anywhere in a long string, next to matching all-ASCII and UTF-8 records', () => {
    // The scanner knows a record is UTF-8 without checking when every string byte it loaded was ASCII; put
    // one bad byte (or a valid two-byte character) at each position of the 16-byte blocks it loads.
    const filter = filterOf({ data: { a: ['x'] } });
    for (let at = 0; at < 48; at++) {
      const text = (middle: number[]): Uint8Array =>
        Uint8Array.from([
          ...Buffer.from('{"a":"x","b":"' + 'p'.repeat(at)),
          ...middle,
          ...Buffer.from('q'.repeat(48 - at) + '"}'),
        ]);
      assert.equal(filter.matches(record(text([0xff]))), false, `0xff at ${at}`);
      assert.equal(filter.matches(record(text([0x41]))), true, `A at ${at}`);
      assert.equal(filter.matches(record(text([0xc3, 0xa9]))), true, `é at ${at}`);
      assert.equal(filter.matches(record(text([0xc3]))), false, `truncated é at ${at}`);
    }
  });

  it('treats JSON scalars and arrays as JSON without the named fields', () => {
    const absent = filterOf({ data: { a: [{ exists: false }] } });
    const present = filterOf({ data: { a: [{ exists: true }] } });
    for (const data of ['"text"', '42', 'null', '[1,2]']) {
      assert.equal(absent.matches(record(data)), true, data);
      assert.equal(present.matches(record(data)), false, data);
    }
  });
});

describe('several filters', () => {
  it('ORs them: a record passes when any one matches', () => {
    const filter = filterOf(
      { data: { type: ['buy'] } },
      { data: { type: ['sell'], qty: [{ numeric: ['>', 100] }] } },
      { partitionKey: ['vip'] },
    );
    assert.equal(filter.matches(record({ type: 'buy' })), true);
    assert.equal(filter.matches(record({ type: 'sell', qty: 500 })), true);
    assert.equal(filter.matches(record({ type: 'sell', qty: 5 })), false);
    assert.equal(filter.matches(record({ type: 'hold' }, { partitionKey: 'vip' })), true);
    assert.equal(filter.matches(record({ type: 'hold' })), false);
  });
});

/** A record that counts how often its data is read. */
function countingRecord(
  data: unknown,
  partitionKey = '1',
): { rec: FilterableKinesisRecord; reads: () => number } {
  const inner = record(data, { partitionKey });
  let reads = 0;
  const rec = {
    partitionKey: inner.partitionKey,
    sequenceNumber: inner.sequenceNumber,
    approximateArrivalTimestamp: inner.approximateArrivalTimestamp,
    get data() {
      reads++;
      return inner.data;
    },
  };
  return { rec, reads: () => reads };
}

describe('lazy data parsing', () => {
  it('does not read data for metadata-only filters', () => {
    const { rec, reads } = countingRecord({ a: 1 });
    assert.equal(
      filterOf({ partitionKey: ['2'] }, { sequenceNumber: [{ exists: true }] }).matches(rec),
      true,
    );
    assert.equal(filterOf({ partitionKey: ['2'] }).matches(rec), false);
    assert.equal(reads(), 0);
  });

  it('does not read data when a metadata-only filter already matched', () => {
    const { rec, reads } = countingRecord({ a: 1 });
    assert.equal(filterOf({ data: { a: [1] } }, { partitionKey: ['1'] }).matches(rec), true);
    assert.equal(reads(), 0);
  });

  it('does not read data when the metadata conditions of every data filter fail', () => {
    const { rec, reads } = countingRecord({ a: 1 }, 'pk-9');
    const filter = filterOf(
      { partitionKey: ['pk-1'], data: { a: [1] } },
      { sequenceNumber: [{ prefix: 'x' }], data: { $or: [{ a: [1] }, { b: [2] }] } },
    );
    assert.equal(filter.matches(rec), false);
    assert.equal(reads(), 0);
    assert.equal(filter.matches(record({ a: 1 }, { partitionKey: 'pk-1' })), true);
    assert.equal(filter.matches(record({ a: 2 }, { partitionKey: 'pk-1' })), false);
  });

  it('reads and parses data once however many filters use it', () => {
    const { rec, reads } = countingRecord({ a: 3 });
    const filter = filterOf(
      { data: { a: [1] } },
      { data: { a: [2] } },
      { data: { b: [{ exists: false }], a: [3] } },
    );
    assert.equal(filter.matches(rec), true);
    assert.equal(reads(), 1);
  });
});

describe('patterns at the size limit', () => {
  it('compiles and runs the widest and the deepest patterns 4096 characters allow', () => {
    // Matchers and walkers are generated code: one function per level and leaf, one local per key.
    const keys = Array.from({ length: 300 }, (_, i) => `k${i}`);
    const wide = `{"data":{${keys.map((k, i) => `"${k}":[${i}]`).join(',')}}}`;
    let deep = '["x"]';
    let depth = 0;
    while (`{"data":{"d":${deep}}}`.length <= 4096) {
      deep = `{"d":${deep}}`;
      depth++;
    }
    const filter = filterOf(wide, `{"data":${deep}}`);
    assert.ok(wide.length <= 4096 && depth > 600, `${wide.length} ${depth}`);
    assert.equal(filter.matches(record(Object.fromEntries(keys.map((k, i) => [k, i])))), true);
    assert.equal(filter.matches(record(Object.fromEntries(keys.map((k, i) => [k, i + 1])))), false);
    let doc: unknown = 'x';
    for (let i = 0; i < depth; i++) doc = { d: doc };
    assert.equal(filter.matches(record(doc)), true);
    assert.equal(filter.matches(record({ d: { d: 'x' } })), false);
  });
});
