import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { App } from '../../src/app/app.js';
import { withServer } from '../harness/helpers.js';
import { queryPost, xml1 } from './sqs-sns-helpers.js';

// SNS's own wire details over the query protocol (split from sns-api.test.ts, which drives the SDK).

describe('SNS query protocol details', () => {
  let app: App;
  withServer((a) => (app = a));

  it('answers with the SNS namespace and wrapped member lists, and XML errors with SNS codes', async () => {
    const created = await queryPost(app, { Action: 'CreateTopic', Version: '2010-03-31', Name: 'raw' });
    assert.match(
      created.text,
      /<CreateTopicResponse xmlns="http:\/\/sns.amazonaws.com\/doc\/2010-03-31\/"><CreateTopicResult><TopicArn>arn:aws:sns:us-east-1:000000000000:raw<\/TopicArn>/,
    );
    const list = await queryPost(app, { Action: 'ListTopics', Version: '2010-03-31' });
    assert.match(
      list.text,
      /<Topics><member><TopicArn>arn:aws:sns:us-east-1:000000000000:raw<\/TopicArn><\/member><\/Topics>/,
    );
    const attrs = await queryPost(app, {
      Action: 'GetTopicAttributes',
      Version: '2010-03-31',
      TopicArn: 'arn:aws:sns:us-east-1:000000000000:raw',
    });
    assert.match(
      attrs.text,
      /<Attributes><entry><key>TopicArn<\/key><value>arn:aws:sns:us-east-1:000000000000:raw<\/value><\/entry>/,
    );
    const missing = await queryPost(app, {
      Action: 'Publish',
      Version: '2010-03-31',
      TopicArn: 'arn:aws:sns:us-east-1:000000000000:none',
      Message: 'x',
    });
    assert.equal(missing.status, 404);
    assert.equal(xml1(missing.text, 'Code'), 'NotFound');
    assert.equal(xml1(missing.text, 'Message'), 'Topic does not exist');
    assert.equal(xml1(missing.text, 'Type'), 'Sender');
  });
});
