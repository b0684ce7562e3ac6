/**
 * Each comparison operator of Lambda event filtering (EventBridge pattern syntax), matching and not matching,
 * applied to the JSON `data` of Kinesis records.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { passing } from './filter-test-kit.js';

describe('exact values', () => {
  it('matches a string exactly, case-sensitively, and only as a string', () => {
    const docs = [
      { type: 'buy' },
      { type: 'BUY' },
      { type: 'buyer' },
      { type: ['buy'] },
      { other: 'buy' },
      { type: 1 },
    ];
    assert.deepEqual(passing({ type: ['buy'] }, docs), [{ type: 'buy' }, { type: ['buy'] }]);
  });

  it('ORs the values of one leaf array', () => {
    const docs = [{ pay: 'Credit' }, { pay: 'Debit' }, { pay: 'Cash' }];
    assert.deepEqual(passing({ pay: ['Credit', 'Debit'] }, docs), [{ pay: 'Credit' }, { pay: 'Debit' }]);
  });

  it('matches numbers by value but never the same digits in a string', () => {
    const docs = ['{"n":100}', '{"n":100.0}', '{"n":1e2}', '{"n":"100"}', '{"n":101}'];
    assert.deepEqual(passing({ n: [100] }, docs), ['{"n":100}', '{"n":100.0}', '{"n":1e2}']);
  });

  it('matches booleans as booleans, not as strings', () => {
    const docs = [{ b: true }, { b: 'true' }, { b: false }];
    assert.deepEqual(passing({ b: [true] }, docs), [{ b: true }]);
    assert.deepEqual(passing({ b: [false] }, docs), [{ b: false }]);
  });

  it('[null] matches a null value, not a missing field or the string "null"', () => {
    const docs = [{ u: null }, {}, { u: 'null' }, { u: 0 }];
    assert.deepEqual(passing({ u: [null] }, docs), [{ u: null }]);
  });

  it('[""] matches only the empty string', () => {
    const docs = [{ s: '' }, { s: ' ' }, {}, { s: null }];
    assert.deepEqual(passing({ s: [''] }, docs), [{ s: '' }]);
  });
});

describe('prefix and suffix', () => {
  it('prefix matches strings beginning with it, and nothing else', () => {
    const docs = [{ r: 'us-east-1' }, { r: 'eu-west-1' }, { r: 'US-east-1' }, { r: 5 }, {}];
    assert.deepEqual(passing({ r: [{ prefix: 'us-' }] }, docs), [{ r: 'us-east-1' }]);
  });

  it('prefix with equals-ignore-case ignores case', () => {
    const docs = [{ r: 'US-east-1' }, { r: 'us-west-2' }, { r: 'eu-west-1' }];
    assert.deepEqual(passing({ r: [{ prefix: { 'equals-ignore-case': 'Us-' } }] }, docs), [
      { r: 'US-east-1' },
      { r: 'us-west-2' },
    ]);
  });

  it('suffix matches strings ending with it', () => {
    const docs = [{ f: 'a.png' }, { f: 'a.PNG' }, { f: 'a.png.txt' }, { f: ['x.jpg', 'y.png'] }];
    assert.deepEqual(passing({ f: [{ suffix: '.png' }] }, docs), [{ f: 'a.png' }, { f: ['x.jpg', 'y.png'] }]);
    assert.deepEqual(passing({ f: [{ suffix: { 'equals-ignore-case': '.PNG' } }] }, docs), [
      { f: 'a.png' },
      { f: 'a.PNG' },
      { f: ['x.jpg', 'y.png'] },
    ]);
  });
});

describe('equals-ignore-case and wildcard', () => {
  it('equals-ignore-case compares whole strings regardless of case', () => {
    const docs = [{ n: 'alice' }, { n: 'ALICE' }, { n: 'Alicia' }, { n: 1 }];
    assert.deepEqual(passing({ n: [{ 'equals-ignore-case': 'Alice' }] }, docs), [
      { n: 'alice' },
      { n: 'ALICE' },
    ]);
  });

  it('wildcard * matches any run of characters; \\* is a literal star', () => {
    const docs = [{ p: 'dir/a.png' }, { p: 'dir/sub/b.png' }, { p: 'dir/a.jpg' }, { p: 'other/a.png' }];
    assert.deepEqual(passing({ p: [{ wildcard: 'dir/*.png' }] }, docs), [
      { p: 'dir/a.png' },
      { p: 'dir/sub/b.png' },
    ]);
    assert.deepEqual(passing({ p: [{ wildcard: 'a\\*b' }] }, [{ p: 'a*b' }, { p: 'axb' }]), [{ p: 'a*b' }]);
  });
});

describe('anything-but', () => {
  it('with a list matches any present value not in the list, of any type, but not a missing field', () => {
    const docs = [{ s: 'ok' }, { s: 'Raining' }, { s: 'Snowing' }, {}, { s: 5 }, { s: null }];
    assert.deepEqual(passing({ s: [{ 'anything-but': ['Raining', 'Snowing'] }] }, docs), [
      { s: 'ok' },
      { s: 5 },
      { s: null },
    ]);
  });

  it('with a single string or number', () => {
    assert.deepEqual(passing({ s: [{ 'anything-but': 'init' }] }, [{ s: 'init' }, { s: 'run' }]), [
      { s: 'run' },
    ]);
    assert.deepEqual(
      passing({ n: [{ 'anything-but': 0 }] }, ['{"n":0}', '{"n":0.0}', '{"n":1}', '{"n":"0"}']),
      ['{"n":1}', '{"n":"0"}'],
    );
  });

  it('with a list of numbers compares by value', () => {
    const docs = ['{"n":1}', '{"n":2.0}', '{"n":3}', '{"n":"2"}'];
    assert.deepEqual(passing({ n: [{ 'anything-but': [1, 2] }] }, docs), ['{"n":3}', '{"n":"2"}']);
  });

  it('on an array matches when any element is outside the list', () => {
    const docs = [{ t: ['a', 'b'] }, { t: ['a'] }, { t: [] }];
    assert.deepEqual(passing({ t: [{ 'anything-but': ['a'] }] }, docs), [{ t: ['a', 'b'] }]);
  });

  it('{prefix} excludes strings with the prefix; non-strings pass', () => {
    const docs = [{ r: 'us-east-1' }, { r: 'eu-west-1' }, { r: 7 }, {}];
    assert.deepEqual(passing({ r: [{ 'anything-but': { prefix: 'us-' } }] }, docs), [
      { r: 'eu-west-1' },
      { r: 7 },
    ]);
  });

  it('{suffix} and {equals-ignore-case}', () => {
    assert.deepEqual(
      passing({ f: [{ 'anything-but': { suffix: '.png' } }] }, [{ f: 'a.png' }, { f: 'a.gif' }]),
      [{ f: 'a.gif' }],
    );
    const docs = [{ s: 'INIT' }, { s: 'init' }, { s: 'done' }];
    assert.deepEqual(passing({ s: [{ 'anything-but': { 'equals-ignore-case': ['Init', 'x'] } }] }, docs), [
      { s: 'done' },
    ]);
  });
});

describe('numeric', () => {
  const docs = ['{"p":-1}', '{"p":0}', '{"p":5}', '{"p":5.5}', '{"p":10}', '{"p":100}', '{"p":"5"}', '{}'];
  const through = (expr: unknown[]) => passing({ p: [{ numeric: expr }] }, docs);

  it('= < <= > >=', () => {
    assert.deepEqual(through(['=', 5]), ['{"p":5}']);
    assert.deepEqual(through(['<', 5]), ['{"p":-1}', '{"p":0}']);
    assert.deepEqual(through(['<=', 5]), ['{"p":-1}', '{"p":0}', '{"p":5}']);
    assert.deepEqual(through(['>', 10]), ['{"p":100}']);
    assert.deepEqual(through(['>=', 10]), ['{"p":10}', '{"p":100}']);
  });

  it('ranges, open and closed at either end', () => {
    assert.deepEqual(through(['>', 0, '<=', 5]), ['{"p":5}']);
    assert.deepEqual(through(['>=', 0, '<', 10]), ['{"p":0}', '{"p":5}', '{"p":5.5}']);
  });

  it('compares decimals and exponents by value', () => {
    assert.deepEqual(
      passing({ p: [{ numeric: ['=', 300] }] }, ['{"p":300.0}', '{"p":3.0e2}', '{"p":300.5}']),
      ['{"p":300.0}', '{"p":3.0e2}'],
    );
  });

  it('ignores values the engine cannot compare: beyond +/-5e11 or more than six decimals', () => {
    const big = ['{"p":1e12}', '{"p":500000000000}', '{"p":0.1234567}', '{"p":0.123456}'];
    assert.deepEqual(passing({ p: [{ numeric: ['>', 0] }] }, big), ['{"p":500000000000}', '{"p":0.123456}']);
  });

  it('matches any element of an array of numbers', () => {
    assert.deepEqual(passing({ q: [{ numeric: ['>=', 100] }] }, [{ q: [1, 150] }, { q: [1, 2] }]), [
      { q: [1, 150] },
    ]);
  });
});

describe('exists', () => {
  it('exists: true needs a leaf value (null counts; an object or an empty array does not)', () => {
    const docs = [{ a: 1 }, { a: null }, { a: [] }, { a: { b: 1 } }, {}, { a: [1] }];
    assert.deepEqual(passing({ a: [{ exists: true }] }, docs), [{ a: 1 }, { a: null }, { a: [1] }]);
  });

  it('exists: false is the complement', () => {
    const docs = [{ a: 1 }, { a: null }, { a: [] }, { a: { b: 1 } }, {}, { a: [1] }];
    assert.deepEqual(passing({ a: [{ exists: false }] }, docs), [{ a: [] }, { a: { b: 1 } }, {}]);
  });

  it('exists: false under a missing parent matches', () => {
    assert.deepEqual(
      passing({ p: { q: [{ exists: false }] } }, [{}, { p: 1 }, { p: { q: 1 } }, { p: { r: 1 } }]),
      [{}, { p: 1 }, { p: { r: 1 } }],
    );
  });

  it('can be ORed with values in one leaf array', () => {
    assert.deepEqual(passing({ a: ['x', { exists: false }] }, [{ a: 'x' }, { a: 'y' }, {}]), [
      { a: 'x' },
      {},
    ]);
  });
});

describe('nested objects and arrays', () => {
  it('descends into nested objects (AWS example: order.type)', () => {
    const buy = { record: 12345, order: { type: 'buy', stock: 'ANYCO', quantity: 1000 } };
    const sell = { record: 12346, order: { type: 'sell', stock: 'ANYCO', quantity: 1000 } };
    assert.deepEqual(passing({ order: { type: ['buy'] } }, [buy, sell, { order: 'buy' }]), [buy]);
  });

  it('requires every field (AND) across levels', () => {
    const pattern = { a: { b: ['1'], c: { d: [{ prefix: 'x' }] } }, e: [{ exists: true }] };
    const ok = { a: { b: '1', c: { d: 'xy' } }, e: 0 };
    assert.deepEqual(
      passing(pattern, [ok, { ...ok, e: undefined }, { a: { b: '2', c: { d: 'xy' } }, e: 0 }]),
      [ok],
    );
  });

  it('a leaf array matches any element of an array value, nested arrays included', () => {
    assert.deepEqual(passing({ t: ['vip'] }, [{ t: ['a', 'vip'] }, { t: [['x'], ['vip']] }, { t: ['a'] }]), [
      { t: ['a', 'vip'] },
      { t: [['x'], ['vip']] },
    ]);
  });

  it('an object pattern over an array of objects needs one element to match all its fields', () => {
    const pattern = { items: { sku: ['A'], qty: [2] } };
    const same = {
      items: [
        { sku: 'B', qty: 1 },
        { sku: 'A', qty: 2 },
      ],
    };
    const split = {
      items: [
        { sku: 'A', qty: 1 },
        { sku: 'B', qty: 2 },
      ],
    };
    assert.deepEqual(passing(pattern, [same, split]), [same]);
  });

  it('matches data whose top level is an array of objects', () => {
    assert.deepEqual(passing({ k: ['v'] }, ['[{"k":"x"},{"k":"v"}]', '[{"k":"x"}]']), [
      '[{"k":"x"},{"k":"v"}]',
    ]);
  });

  it('leaf operators do not match an object value', () => {
    assert.deepEqual(passing({ a: [{ 'anything-but': 'x' }] }, [{ a: { b: 1 } }, { a: 'y' }]), [{ a: 'y' }]);
  });
});

describe('$or', () => {
  it('matches when any branch matches', () => {
    const pattern = { $or: [{ c: [{ numeric: ['>', 0, '<=', 5] }] }, { d: [{ numeric: ['<', 10] }] }] };
    const docs = [{ c: 3 }, { d: 9 }, { c: 9, d: 11 }, {}];
    assert.deepEqual(passing(pattern, docs), [{ c: 3 }, { d: 9 }]);
  });

  it('is ANDed with the other fields of its level and can nest', () => {
    const pattern = { src: ['x'], $or: [{ a: ['1'] }, { $or: [{ b: ['2'] }, { c: ['3'] }] }] };
    const docs = [
      { src: 'x', c: '3' },
      { src: 'y', a: '1' },
      { src: 'x', a: '1' },
      { src: 'x', d: '4' },
    ];
    assert.deepEqual(passing(pattern, docs), [
      { src: 'x', c: '3' },
      { src: 'x', a: '1' },
    ]);
  });

  it('works inside nested objects', () => {
    const pattern = { o: { $or: [{ a: ['1'] }, { b: [{ exists: true }] }] } };
    assert.deepEqual(passing(pattern, [{ o: { a: '1' } }, { o: { b: null } }, { o: { a: '2' } }]), [
      { o: { a: '1' } },
      { o: { b: null } },
    ]);
  });
});
