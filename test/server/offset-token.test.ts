import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { AwsError } from '../../src/server/errors.js';
import { offsetOf, offsetToken } from '../../src/server/offset-token.js';

const invalid = (): AwsError => new AwsError('InvalidNextToken', 'this operation refuses it');

describe('offset NextTokens', () => {
  it('give back the offset they were made from; no token is the first page', () => {
    for (const n of [0, 1, 500, 100_800]) assert.equal(offsetOf(offsetToken(n), invalid), n);
    assert.equal(offsetOf(undefined, invalid), 0);
  });

  it("refuse a token that is not one of ours with the operation's own error", () => {
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    for (const t of [
      '',
      'x',
      b64('null'),
      b64('5'),
      b64('{"o":-1}'),
      b64('{"o":1.5}'),
      b64('{"o":"3"}'),
      b64('{"l":3}'),
    ])
      assert.throws(() => offsetOf(t, invalid), {
        name: 'InvalidNextToken',
        message: 'this operation refuses it',
      });
  });
});
