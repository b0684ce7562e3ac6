/**
 * The projecting JSON scanner accepts exactly the documents JSON.parse accepts (after strict UTF-8 decoding,
 * up to the nesting limit) and yields the same projection as parsing fully and then projecting.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_NESTING_DEPTH, NOT_JSON, scanProjected } from '../../src/mappings/filter/json-scanner.js';
import { OPAQUE_OBJECT, ProjectedObject } from '../../src/mappings/filter/projected-object.js';
import { ProjectionNode, projectParsed } from '../../src/mappings/filter/projection.js';

const strictDecoder = new TextDecoder('utf-8', { fatal: true });

function depthOf(v: unknown): number {
  if (Array.isArray(v)) return 1 + Math.max(0, ...v.map(depthOf));
  if (typeof v === 'object' && v !== null) return 1 + Math.max(0, ...Object.values(v).map(depthOf));
  return 0;
}

/** What the scanner must return: the full parse, projected (NOT_JSON where parsing fails). */
function reference(bytes: Uint8Array, node: ProjectionNode): unknown {
  let value: unknown;
  try {
    value = JSON.parse(strictDecoder.decode(bytes));
  } catch {
    return NOT_JSON;
  }
  return depthOf(value) > MAX_NESTING_DEPTH ? NOT_JSON : projectParsed(value, node);
}

/** A projection over the keys the generator uses, three levels deep, with some keys needing nothing below. */
function testProjection(): ProjectionNode {
  const root = new ProjectionNode();
  const fill = (node: ProjectionNode, level: number): void => {
    for (const key of ['a', 'type', 'é', 'a b', 'q"k']) {
      const child = node.child(key);
      if (level < 3 && key !== 'a b') fill(child, level + 1);
    }
    node.child('leafOnly');
  };
  fill(root, 0);
  return root;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const KEYS = [
  '"a"',
  '"type"',
  '"ty\\u0070e"',
  '"\\u00e9"',
  '"é"',
  '"a b"',
  '"q\\"k"',
  '"leafOnly"',
  '"other"',
  '"z"',
];
const STRINGS = [
  '""',
  '"buy"',
  '"sell"',
  '"a\\nb"',
  '"\\"q\\""',
  '"\\/path\\\\x"',
  '"\\u0041\\u00e9\\ud83d\\ude00"',
  '"\\ud800"',
  '"héllo wörld"',
  '"😀 emoji"',
  '"' + 'long text '.repeat(12) + '"',
  '"type"',
];
const NUMBERS = [
  '0',
  '-0',
  '1',
  '-17',
  '3.25',
  '-0.5',
  '1e5',
  '2E-3',
  '1.5e+10',
  '123456789012345678',
  '0.1234567',
  '1e400',
  '-0.0',
];
const WS = ['', '', '', ' ', '\n', '\t ', '\r\n  '];

function generate(rand: () => number, depth: number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const ws = (): string => pick(WS);
  const r = rand();
  if (depth < 4 && r < 0.3) {
    const members = Array.from(
      { length: Math.floor(rand() * 5) },
      () => `${ws()}${pick(KEYS)}${ws()}:${ws()}${generate(rand, depth + 1)}${ws()}`,
    );
    return `{${members.join(',')}${members.length ? '' : ws()}}`;
  }
  if (depth < 4 && r < 0.45) {
    const items = Array.from(
      { length: Math.floor(rand() * 4) },
      () => `${ws()}${generate(rand, depth + 1)}${ws()}`,
    );
    return `[${items.join(',')}]`;
  }
  if (r < 0.7) return pick(STRINGS);
  if (r < 0.9) return pick(NUMBERS);
  return pick(['true', 'false', 'null']);
}

const INTERESTING = [
  0x7b, 0x7d, 0x5b, 0x5d, 0x22, 0x5c, 0x2c, 0x3a, 0x30, 0x2d, 0x2e, 0x65, 0x74, 0x6e, 0x20, 0x00, 0x01, 0x0a,
  0xff, 0xc3, 0x80,
];

function mutate(bytes: Uint8Array, rand: () => number): Uint8Array {
  const out = Array.from(bytes);
  const at = Math.floor(rand() * (out.length + 1));
  const byte = INTERESTING[Math.floor(rand() * INTERESTING.length)] as number;
  const kind = rand();
  if (kind < 0.3) out.splice(at, 1);
  else if (kind < 0.6) out.splice(at, 0, byte);
  else if (kind < 0.9) out[Math.min(at, out.length - 1)] = byte;
  else out.length = at;
  return Uint8Array.from(out);
}

const encoder = new TextEncoder();
const node = testProjection();

function assertSame(bytes: Uint8Array): void {
  const expected = reference(bytes, node);
  const actual = scanProjected(bytes, node);
  assert.deepStrictEqual(actual, expected, Buffer.from(bytes).toString('latin1'));
}

describe('json scanner', () => {
  it('projects random valid documents exactly like JSON.parse + projection', () => {
    const rand = rng(1);
    for (let i = 0; i < 3000; i++) {
      const bytes = encoder.encode(WS[i % WS.length] + generate(rand, 0) + WS[(i >> 3) % WS.length]);
      assert.notEqual(reference(bytes, node), NOT_JSON);
      assertSame(bytes);
    }
  });

  it('agrees with JSON.parse on randomly corrupted documents', () => {
    const rand = rng(2);
    let invalid = 0;
    for (let i = 0; i < 6000; i++) {
      const bytes = mutate(encoder.encode(generate(rand, 0)), rand);
      if (reference(bytes, node) === NOT_JSON) invalid++;
      assertSame(bytes);
    }
    assert.ok(invalid > 1000, `only ${invalid} corrupted documents were invalid`);
  });

  it('agrees with JSON.parse + projection for random projections, valid and corrupted documents alike', () => {
    // Projections of every shape the generator's keys allow: some keys named, some levels needing nothing below.
    const rand = rng(3);
    const randomProjection = (depth: number, into = new ProjectionNode()): ProjectionNode => {
      for (const key of ['a', 'type', 'é', 'a b', 'q"k', 'leafOnly', 'other', 'z']) {
        if (rand() < 0.4) {
          const child = into.child(key);
          if (depth < 3 && rand() < 0.5) randomProjection(depth + 1, child);
        }
      }
      return into;
    };
    for (let p = 0; p < 40; p++) {
      const projection = randomProjection(0);
      for (let i = 0; i < 150; i++) {
        const text = generate(rand, 0);
        for (const bytes of [encoder.encode(text), mutate(encoder.encode(text), rand)]) {
          assert.deepStrictEqual(
            scanProjected(bytes, projection),
            reference(bytes, projection),
            Buffer.from(bytes).toString('latin1'),
          );
        }
      }
    }
  });

  it('finds quotes, backslashes and control characters inside long strings at every offset and alignment', () => {
    // Strings are scanned 16 bytes at a time: put each special byte at every position of a long string (first,
    // second and third block, and the bytes left over at its end), in views that start at every byte offset
    // of their buffer.
    const specials = ['"', '\\', '\\"', '\\u00e9', '\u0001', '\u001f', '\n', '\t', '\u007f', 'é', '🙂'];
    for (const special of specials) {
      for (let at = 0; at < 40; at++) {
        const text = `{"k":"${'a'.repeat(at)}${special}${'b'.repeat(41 - at)}","m":1}`;
        for (let offset = 0; offset < 4; offset++) {
          const encoded = encoder.encode(text);
          const padded = new Uint8Array(encoded.length + offset);
          padded.set(encoded, offset);
          assertSame(padded.subarray(offset));
        }
      }
    }
  });

  it('scans documents larger than any before it, and switches between projections', () => {
    const other = new ProjectionNode();
    other.child('z');
    const big = encoder.encode(
      JSON.stringify({ pad: 'x'.repeat(300_000), a: [1, { type: 'buy' }], z: 'last' }),
    );
    assertSame(big);
    const small = encoder.encode('{"a":"small","z":"zed"}');
    for (const doc of [small, big, small]) {
      assert.deepStrictEqual(
        scanProjected(doc, other),
        projectParsed(JSON.parse(Buffer.from(doc).toString()), other),
      );
      assertSame(doc);
    }
  });

  it('rejects malformed details JSON.parse rejects', () => {
    const bad = [
      '',
      ' ',
      '{',
      '{"a":1,}',
      '[1,]',
      '{"a" 1}',
      '{a:1}',
      "{'a':1}",
      '01',
      '1.',
      '.5',
      '+1',
      '-',
      '1e',
      '1e+',
      'tru',
      'nul',
      'True',
      '"unterminated',
      '"bad \\x escape"',
      '"bad \\u12G4"',
      '"raw \u0001 control"',
      '"raw \n newline"',
      '{"a":1} x',
      '{"a":1}{}',
      'NaN',
      'Infinity',
    ];
    for (const text of bad) {
      assert.equal(scanProjected(encoder.encode(text), node), NOT_JSON, JSON.stringify(text));
      assert.equal(reference(encoder.encode(text), node), NOT_JSON, JSON.stringify(text));
    }
  });

  it('rejects invalid UTF-8, and accepts a leading byte-order mark like TextDecoder', () => {
    assert.equal(scanProjected(Uint8Array.from([0x22, 0xc3, 0x22]), node), NOT_JSON); // truncated sequence
    assert.equal(scanProjected(Uint8Array.from([0x22, 0xed, 0xa0, 0x80, 0x22]), node), NOT_JSON); // UTF-8 surrogate
    const withBom = Uint8Array.from([0xef, 0xbb, 0xbf, ...encoder.encode('{"a":"x"}')]);
    assertSame(withBom);
    assert.deepStrictEqual((scanProjected(withBom, node) as ProjectedObject).slots[node.slotOf('a')], 'x');
  });

  it('finds keys written with escapes and keeps the last of duplicate keys', () => {
    const out = scanProjected(encoder.encode('{"ty\\u0070e":"buy","a":1,"a":2}'), node) as ProjectedObject;
    assert.equal(out.slots[node.slotOf('type')], 'buy');
    assert.equal(out.slots[node.slotOf('a')], 2);
  });

  it('reads numbers to the same doubles as JSON.parse', () => {
    const texts = [
      '0',
      '-0',
      '-0.0',
      '7',
      '12.5',
      '0.1',
      '0.3',
      '1.005',
      '123456789012345',
      '1234567890123456789',
      '9007199254740993',
      '1e21',
      '1E-7',
      '2.5e3',
      '-12.000001',
    ];
    for (const t of texts) {
      const out = scanProjected(encoder.encode(`{"a":${t}}`), node) as ProjectedObject;
      assert.ok(Object.is(out.slots[node.slotOf('a')], JSON.parse(t)), t);
    }
  });

  it('returns the right strings when short values repeat (interned) past the table and pool sizes', () => {
    // 5000 distinct values, up to 32 bytes, each seen several times: more ids than the table holds and more
    // bytes than its pool, so it is cleared and refilled along the way.
    const values = Array.from({ length: 20_000 }, (_, i) =>
      `v${(i * 7919) % 5000}`.padEnd(4 + (i % 29), '.'),
    );
    for (const v of values) {
      const out = scanProjected(
        encoder.encode(JSON.stringify({ a: v, type: [v, 'x'] })),
        node,
      ) as ProjectedObject;
      assert.equal(out.slots[node.slotOf('a')], v);
      assert.deepStrictEqual(out.slots[node.slotOf('type')], [v, 'x']);
    }
  });

  it('forgets strings first seen in a document that turned out not to be JSON or needed a full parse', () => {
    // The strings get ids while the document is scanned; the host never reads that tape, so the ids must not
    // be handed out again as already known.
    for (let round = 0; round < 3; round++) {
      const fresh = `fresh-${round}`;
      assert.equal(scanProjected(encoder.encode(`{"a":"${fresh}","type":"${fresh}!",}`), node), NOT_JSON);
      assertSame(encoder.encode(`{"a":"${fresh}","type":"${fresh}!"}`));
      const parsed = `parsed-${round}`;
      const escapedKey = encoder.encode(`{"a":"${parsed}","ty\\u0070e":"${parsed}?"}`);
      assertSame(escapedKey);
      assert.equal(
        (scanProjected(escapedKey, node) as ProjectedObject).slots[node.slotOf('type')],
        `${parsed}?`,
      );
      assertSame(encoder.encode(`{"a":"${parsed}?","type":"${parsed}"}`));
    }
  });

  it(`treats nesting deeper than ${MAX_NESTING_DEPTH} as not JSON, in projected and skipped parts alike`, () => {
    const nested = (depth: number, key: string): string =>
      `{"${key}":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
    assert.notEqual(scanProjected(encoder.encode(nested(MAX_NESTING_DEPTH, 'a')), node), NOT_JSON);
    assert.notEqual(scanProjected(encoder.encode(nested(MAX_NESTING_DEPTH, 'other')), node), NOT_JSON);
    assert.equal(scanProjected(encoder.encode(nested(MAX_NESTING_DEPTH + 1, 'a')), node), NOT_JSON);
    assert.equal(scanProjected(encoder.encode(nested(MAX_NESTING_DEPTH + 1, 'other')), node), NOT_JSON);
    assert.equal(scanProjected(encoder.encode('['.repeat(100_000)), node), NOT_JSON);
  });

  it('returns an opaque object where no pattern looks inside', () => {
    const out = scanProjected(encoder.encode('{"leafOnly":{"deep":[1,2]}}'), node) as ProjectedObject;
    assert.equal(out.slots[node.slotOf('leafOnly')], OPAQUE_OBJECT);
  });
});
