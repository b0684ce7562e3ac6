import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { AwsError } from '../../src/server/errors.js';
import { serializeError } from '../../src/server/serialize-error.js';

describe('serializeError: the query protocol', () => {
  it("escapes a message's markup and its carriage returns, which an XML parser would read as line feeds", () => {
    const res = serializeError(new AwsError('InvalidParameterValue', 'a<b>&"\'\r\nc', 400), 'query', 'rid');
    assert.ok('body' in res);
    assert.equal(
      res.body,
      '<?xml version="1.0"?><ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameterValue</Code>' +
        '<Message>a&#60;b&#62;&#38;&#34;&#39;&#13;\nc</Message><Detail/></Error><RequestId>rid</RequestId></ErrorResponse>',
    );
  });
});
