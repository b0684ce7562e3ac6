import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode as cborXDecode, encode as cborXEncode } from 'cbor-x';
import {
  CborDecodeError,
  CborTextError,
  decodeCbor,
  encodeCbor,
} from '../../src/server/protocols/smithy-cbor.js';

/**
 * The Smithy RPC v2 CBOR codec (CloudWatch's protocol for botocore) against cbor-x, an independent
 * implementation, for everything but timestamps; timestamps (tag 1, epoch seconds) against hand-made bytes.
 */
describe('Smithy RPC v2 CBOR codec', () => {
  const sample = {
    Namespace: 'AWS/Lambda',
    Period: 60,
    Big: 2 ** 31,
    Negative: -1_000_000,
    Ratio: 0.25,
    Pi: Math.PI,
    Flag: true,
    Off: false,
    Unicode: 'Ünïcödé ✓',
    List: ['a', 1, [2, 3], { x: 'y' }],
    Empty: {},
    Long: 'x'.repeat(70_000),
  };

  it('encodes what cbor-x decodes to the same value, and decodes what cbor-x encodes', () => {
    assert.deepEqual(cborXDecode(encodeCbor(sample)), sample);
    assert.deepEqual(decodeCbor(cborXEncode(sample)), sample);
    assert.deepEqual(decodeCbor(encodeCbor(Buffer.from([1, 2, 3]))), Buffer.from([1, 2, 3]));
    // 64-bit integers (cbor-x reads them as bigint).
    assert.deepEqual(decodeCbor(encodeCbor({ n: 2 ** 40, m: -(2 ** 40) })), { n: 2 ** 40, m: -(2 ** 40) });
  });

  it('reads tag 1 as epoch seconds, integer or float, and writes Dates that way', () => {
    // tag 1, uint32 1714564800 (2024-05-01T12:00:00Z)
    assert.deepEqual(decodeCbor(Buffer.from('c11a66322ec0', 'hex')), new Date('2024-05-01T12:00:00Z'));
    // tag 1, float64 1714564800.5
    const f = Buffer.alloc(10);
    f[0] = 0xc1;
    f[1] = 0xfb;
    f.writeDoubleBE(1714564800.5, 2);
    assert.deepEqual(decodeCbor(f), new Date(Date.parse('2024-05-01T12:00:00Z') + 500));
    assert.equal(encodeCbor(new Date('2024-05-01T12:00:00Z')).toString('hex'), 'c11a66322ec0');
    assert.equal(
      encodeCbor(new Date(Date.parse('2024-05-01T12:00:00Z') + 500)).toString('hex'),
      'c1fb' + f.subarray(2).toString('hex'),
    );
  });

  it('reads indefinite-length strings, lists and maps, and half-precision floats', () => {
    // {_ "a": [_ 1, 2], "s": (_ "ab" "c")}, then half floats 1.5 and -0.0
    const bytes = Buffer.from('bf61619f0102ff61737f6261626163ffff', 'hex');
    assert.deepEqual(decodeCbor(bytes), { a: [1, 2], s: 'abc' });
    assert.equal(decodeCbor(Buffer.from('f93e00', 'hex')), 1.5);
    assert.ok(Object.is(decodeCbor(Buffer.from('f98000', 'hex')), -0));
  });

  it('leaves null members out, as Smithy reads them', () => {
    assert.deepEqual(decodeCbor(Buffer.from('a2616101616bf6', 'hex')), { a: 1 });
  });

  it('rejects malformed input with CborDecodeError', () => {
    for (const hex of ['', '62', 'a1', '0101', 'a10101', 'ff', 'bf61', '1c']) {
      assert.throws(() => decodeCbor(Buffer.from(hex, 'hex')), CborDecodeError, hex);
    }
  });

  it('refuses a text string that is not UTF-8 (CborTextError), never reading U+FFFD in its place', () => {
    // "k" -> a 2-byte text string c3 28; then an indefinite-length text string with a bad chunk; a CESU surrogate.
    for (const hex of ['a1616b62c328', 'a1616b7f616161ffff', 'a1616b63eda080']) {
      assert.throws(() => decodeCbor(Buffer.from(hex, 'hex')), CborTextError, hex);
    }
    assert.deepEqual(decodeCbor(Buffer.from('a1616b63efbfbd', 'hex')), { k: '\uFFFD' });
  });
});
