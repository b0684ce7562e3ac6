/**
 * FilterCriteria validation: every kind of invalid pattern is rejected with Lambda's
 * InvalidParameterValueException "Invalid filter pattern definition.", over-long patterns with the model's
 * ValidationException, and empty criteria compile to "no filter".
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AwsError } from '../../src/server/errors.js';
import { compileFilterCriteria, MAX_FILTERS, MAX_PATTERN_LENGTH } from '../../src/mappings/filter/index.js';

function rejects(criteria: unknown): AwsError {
  try {
    compileFilterCriteria(criteria);
  } catch (err) {
    assert.ok(err instanceof AwsError, `expected an AwsError, got ${String(err)}`);
    return err;
  }
  assert.fail(`accepted ${JSON.stringify(criteria)}`);
}

function assertInvalidPattern(pattern: unknown): void {
  const text = typeof pattern === 'string' ? pattern : JSON.stringify(pattern);
  const err = rejects({ Filters: [{ Pattern: text }] });
  assert.equal(err.type, 'InvalidParameterValueException', text);
  assert.equal(err.message, 'Invalid filter pattern definition.');
  assert.equal(err.status, 400);
  assert.deepEqual(err.extra, { Type: 'User' });
}

function accepts(pattern: unknown): void {
  const text = typeof pattern === 'string' ? pattern : JSON.stringify(pattern);
  assert.ok(compileFilterCriteria({ Filters: [{ Pattern: text }] }), text);
}

describe('invalid patterns', () => {
  const cases: [string, unknown][] = [
    ['not JSON', '{"data": {"a": ["x"]'],
    ['empty string', ''],
    ['a JSON array', '[{"a": ["x"]}]'],
    ['a JSON string', '"data"'],
    ['an empty object', {}],
    ['an empty nested object', { data: {} }],
    ['a leaf that is a string', { data: { a: 'x' } }],
    ['a leaf that is a number', { data: { a: 1 } }],
    ['a leaf that is null', { data: { a: null } }],
    ['a leaf that is a boolean', { partitionKey: true }],
    ['an empty leaf array', { data: { a: [] } }],
    ['an array inside a leaf array', { data: { a: [['x']] } }],
    ['an unknown operator', { data: { a: [{ contains: 'x' }] } }],
    ['cidr (not a Lambda operator here)', { data: { ip: [{ cidr: '10.0.0.0/24' }] } }],
    ['an operator object with two operators', { data: { a: [{ prefix: 'x', suffix: 'y' }] } }],
    ['an empty operator object', { data: { a: [{}] } }],
    ['prefix with a number', { data: { a: [{ prefix: 1 }] } }],
    ['suffix with an unknown nested operator', { data: { a: [{ suffix: { wildcard: 'x' } }] } }],
    ['equals-ignore-case with a list', { data: { a: [{ 'equals-ignore-case': ['x'] }] } }],
    ['wildcard with consecutive stars', { data: { a: [{ wildcard: 'a**b' }] } }],
    ['wildcard with an unknown escape', { data: { a: [{ wildcard: 'a\\b' }] } }],
    ['numeric with a string operand', { data: { a: [{ numeric: ['>', '5'] }] } }],
    ['numeric that is not an array', { data: { a: [{ numeric: 5 }] } }],
    ['numeric with an unknown operator', { data: { a: [{ numeric: ['!=', 5] }] } }],
    ['numeric with an upper bound first', { data: { a: [{ numeric: ['<', 10, '>', 0] }] } }],
    ['numeric with too many terms', { data: { a: [{ numeric: ['>', 0, '<', 10, '<', 20] }] } }],
    ['numeric = with a second term', { data: { a: [{ numeric: ['=', 1, '<', 2] }] } }],
    ['numeric with an empty range', { data: { a: [{ numeric: ['>', 5, '<', 5] }] } }],
    ['numeric beyond 5e11', { data: { a: [{ numeric: ['>', 6e11] }] } }],
    ['numeric with seven decimals', { data: { a: [{ numeric: ['>', 0.1234567] }] } }],
    ['exists with a string', { data: { a: [{ exists: 'true' }] } }],
    ['exists with null', { data: { a: [{ exists: null }] } }],
    ['anything-but with mixed types', { data: { a: [{ 'anything-but': ['x', 1] }] } }],
    ['anything-but with an empty list', { data: { a: [{ 'anything-but': [] }] } }],
    ['anything-but with a boolean', { data: { a: [{ 'anything-but': true }] } }],
    ['anything-but with null in its list', { data: { a: [{ 'anything-but': [null] }] } }],
    ['anything-but with an empty prefix', { data: { a: [{ 'anything-but': { prefix: '' } }] } }],
    [
      'anything-but with an unknown nested operator',
      { data: { a: [{ 'anything-but': { numeric: ['>', 1] } }] } },
    ],
    ['$or that is not an array', { data: { $or: { a: ['x'] } } }],
    ['$or with one branch', { data: { $or: [{ a: ['x'] }] } }],
    ['$or with a non-object branch', { data: { $or: [{ a: ['x'] }, ['y']] } }],
    ['an operator name used as a field inside $or', { data: { $or: [{ prefix: ['x'] }, { b: ['y'] }] } }],
    [
      'an operator name used as a field below $or',
      { data: { $or: [{ a: ['x'] }, { b: { exists: ['y'] } }] } },
    ],
    ['a leaf on data (Kinesis data filters must be JSON)', { data: ['x'] }],
    [
      'a leaf on data inside a top-level $or',
      { $or: [{ data: [{ exists: true }] }, { partitionKey: ['1'] }] },
    ],
  ];
  for (const [name, pattern] of cases) {
    it(`rejects ${name}`, () => assertInvalidPattern(pattern));
  }

  it('accepts the boundary cases of the same rules', () => {
    accepts({ data: { a: [{ numeric: ['>=', -5e11, '<=', 5e11] }] } });
    accepts({ data: { a: [{ numeric: ['=', 0.123456] }] } });
    accepts({ data: { a: [{ 'anything-but': { 'equals-ignore-case': [] } }] } });
    accepts({ data: { a: [{ prefix: '' }] } });
    accepts({ data: { a: [null, true, 1, 'x', { exists: false }] } });
    accepts({ data: { prefix: ['y'], numeric: { exists: ['z'] } } }); // operator names are fine as fields outside $or
    accepts({ partitionKey: ['1'], sequenceNumber: [{ exists: true }], eventSource: ['aws:kinesis'] });
  });
});

describe('criteria shape and limits', () => {
  it('returns undefined when there is nothing to filter on', () => {
    assert.equal(compileFilterCriteria(undefined), undefined);
    assert.equal(compileFilterCriteria(null), undefined);
    assert.equal(compileFilterCriteria({}), undefined);
    assert.equal(compileFilterCriteria({ Filters: [] }), undefined);
    assert.equal(compileFilterCriteria({ Filters: null }), undefined);
  });

  it(`accepts ${MAX_FILTERS} filters and rejects one more`, () => {
    const filter = { Pattern: JSON.stringify({ data: { a: ['x'] } }) };
    assert.ok(compileFilterCriteria({ Filters: Array.from({ length: MAX_FILTERS }, () => filter) }));
    const err = rejects({ Filters: Array.from({ length: MAX_FILTERS + 1 }, () => filter) });
    assert.equal(err.type, 'InvalidParameterValueException');
    assert.equal(err.message, 'Invalid filter pattern definition.');
  });

  it(`accepts a ${MAX_PATTERN_LENGTH}-character pattern and rejects a longer one with ValidationException`, () => {
    const sized = (length: number): string => {
      const head = '{"data":{"a":["';
      const tail = '"]}}';
      return head + 'x'.repeat(length - head.length - tail.length) + tail;
    };
    assert.equal(sized(MAX_PATTERN_LENGTH).length, MAX_PATTERN_LENGTH);
    assert.ok(compileFilterCriteria({ Filters: [{ Pattern: sized(MAX_PATTERN_LENGTH) }] }));
    const long = sized(MAX_PATTERN_LENGTH + 1);
    const err = rejects({ Filters: [{ Pattern: '{"data":{"a":["x"]}}' }, { Pattern: long }] });
    assert.equal(err.type, 'ValidationException');
    assert.equal(
      err.message,
      `1 validation error detected: Value '${long}' at 'filterCriteria.filters.2.member.pattern' failed to ` +
        'satisfy constraint: Member must have length less than or equal to 4096',
    );
  });

  it('checks pattern length before the number of filters, like the model validation AWS runs first', () => {
    const filters = Array.from({ length: 6 }, () => ({ Pattern: 'x'.repeat(MAX_PATTERN_LENGTH + 1) }));
    const err = rejects({ Filters: filters });
    assert.equal(err.type, 'ValidationException');
    assert.match(err.message, /^6 validation errors detected: /);
  });

  it('rejects a filter without a string Pattern, and malformed criteria', () => {
    for (const criteria of [
      { Filters: [{}] },
      { Filters: [{ Pattern: null }] },
      { Filters: [{ Pattern: 5 }] },
      { Filters: ['{"data":{"a":["x"]}}'] },
      { Filters: { Pattern: '{"data":{"a":["x"]}}' } },
      'filters',
    ]) {
      const err = rejects(criteria);
      assert.equal(err.type, 'InvalidParameterValueException', JSON.stringify(criteria));
    }
  });

  it('rejects the whole criteria when any one of its filters is invalid', () => {
    const err = rejects({
      Filters: [{ Pattern: '{"data":{"a":["x"]}}' }, { Pattern: '{"data":{"a":"x"}}' }],
    });
    assert.equal(err.type, 'InvalidParameterValueException');
  });
});
