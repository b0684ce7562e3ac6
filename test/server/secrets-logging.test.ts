import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { serverLogger } from '../../src/server/logger.js';

describe("the server's log redacts signatures, session tokens and secret keys", () => {
  it('wherever a logged object carries them: top level, one level down, and in headers', () => {
    const lines: string[] = [];
    const log = serverLogger('debug', { write: (s: string) => void lines.push(s) });
    log.info(
      {
        'x-amz-security-token': 'SECRET-1',
        headers: { authorization: 'SECRET-2', 'x-amz-security-token': 'SECRET-3', host: 'kept' },
        req: { headers: { Authorization: 'SECRET-4' } },
        options: { secretAccessKey: 'SECRET-5', accessKeyId: 'AKIAKEPT' },
        SecretAccessKey: 'SECRET-6',
        key: { SecretAccessKey: 'SECRET-7', SessionToken: 'SECRET-8', AccessKeyId: 'AKIAKEPT2' },
        spec: { credentials: { secretAccessKey: 'SECRET-9' } },
      },
      'request',
    );
    const text = lines.join('');
    assert.doesNotMatch(text, /SECRET-/, text);
    assert.match(text, /"host":"kept"/);
    assert.match(text, /AKIAKEPT2/);
    assert.match(text, /\[redacted\]/);
  });
});
