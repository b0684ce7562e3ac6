import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFilterPattern } from '../../src/logs/filter-pattern.js';

const matches = (pattern: string, message: string): boolean => compileFilterPattern(pattern)(message);

describe('CloudWatch Logs filter patterns', () => {
  it('terms: all of them, ?any, -none, "phrases", %regex%, case sensitive', () => {
    assert.equal(matches('', 'anything'), true);
    assert.equal(matches('ERROR', 'an ERROR here'), true);
    assert.equal(matches('ERROR', 'an error here'), false);
    assert.equal(matches('ERROR disk', 'ERROR: disk full'), true);
    assert.equal(matches('ERROR disk', 'ERROR: net down'), false);
    assert.equal(matches('?WARN ?ERROR', 'WARN slow'), true);
    assert.equal(matches('?WARN ?ERROR', 'INFO ok'), false);
    assert.equal(matches('ERROR -retrying', 'ERROR retrying'), false);
    assert.equal(matches('"Task timed out"', 'Task timed out after 3.00 seconds'), true);
    assert.equal(matches('"Task timed out"', 'Task: timed out'), false);
    assert.equal(matches('"say \\"hi\\""', 'they say "hi"'), true);
    assert.equal(matches('%5\\d\\d%', 'status 503'), true);
    assert.equal(matches('%5\\d\\d%', 'status 404'), false);
  });

  it('JSON: comparisons, wildcards, && || and parentheses, IS NULL, NOT EXISTS; not JSON never matches', () => {
    const doc = JSON.stringify({
      level: 'ERROR',
      latency: 250,
      user: { id: 7, tags: ['a', 'b'] },
      gone: null,
      ok: false,
    });
    assert.equal(matches('{ $.level = "ERROR" }', doc), true);
    assert.equal(matches('{ $.level = ERROR }', doc), true);
    assert.equal(matches('{ $.level = "ERR*" }', doc), true);
    assert.equal(matches('{ $.level != "ERROR" }', doc), false);
    assert.equal(matches('{ $.latency > 100 && $.latency <= 250 }', doc), true);
    assert.equal(matches('{ $.latency < 100 || $.user.id = 7 }', doc), true);
    assert.equal(matches('{ ($.latency < 100 || $.user.id = 8) && $.level = "ERROR" }', doc), false);
    assert.equal(matches('{ $.user.tags[1] = "b" }', doc), true);
    assert.equal(matches('{ $.gone IS NULL }', doc), true);
    assert.equal(matches('{ $.ok IS FALSE }', doc), true);
    assert.equal(matches('{ $.missing NOT EXISTS }', doc), true);
    assert.equal(matches('{ $.level NOT EXISTS }', doc), false);
    assert.equal(matches('{ $.level = "ERROR" }', 'level = ERROR'), false);
  });

  it('refuses what it cannot read, as InvalidParameterException', () => {
    for (const bad of ['{ $.a = }', '{ $.a > "x" }', '{ a = 1 }', '"open', '%(%', '{ $.a = 1 ) }'])
      assert.throws(
        () => compileFilterPattern(bad),
        (err: Error) =>
          err.name === 'InvalidParameterException' && /^Invalid filter pattern/.test(err.message),
        bad,
      );
  });
});
