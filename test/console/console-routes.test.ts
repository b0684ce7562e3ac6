import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ListStreamsCommand, PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { App } from '../../src/app/app.js';
import { clientConfig, awsCli, startTestServer, transports, withKinesisServer } from '../harness/helpers.js';
import { createStream } from '../mappings/mapping-fixtures.js';

/** The console's page and endpoints beside the AWS APIs on one port: neither takes the other's requests. */
for (const transport of transports) {
  describe(`console routes (SDK over ${transport})`, () => {
    let app: App;
    let k: KinesisClient;
    withKinesisServer(transport, (a, c) => ((app = a), (k = c)));

    it('serves the page at / to a browser and its modules, and the AWS APIs still answer on /', async () => {
      // A browser's navigation asks for HTML; any other GET / is AWS's endpoint's, which refuses it (403 XML).
      const page = await fetch(`${app.endpoint}/`, {
        headers: { accept: 'text/html,application/xhtml+xml' },
      });
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type')!, /text\/html/);
      const html = await page.text();
      assert.match(html, /<script type="importmap">/);
      const notBrowser = await fetch(`${app.endpoint}/`);
      assert.equal(notBrowser.status, 403);
      assert.match(await notBrowser.text(), /^<MissingAuthenticationTokenException>/);
      for (const path of ['/console/app.mjs', '/console/console.css', '/console/vendor/preact.mjs']) {
        const r = await fetch(`${app.endpoint}${path}`);
        assert.equal(r.status, 200, path);
        await r.arrayBuffer();
      }
      assert.equal((await fetch(`${app.endpoint}/console/../package.json`)).status, 404);
      assert.equal((await fetch(`${app.endpoint}/console/nope.mjs`)).status, 404);
      // Kinesis (X-Amz-Target POST to /), SQS JSON and the query protocol (GET /?Action=...) are untouched.
      assert.ok(Array.isArray((await k.send(new ListStreamsCommand({}))).StreamNames));
      const sqs = new SQSClient(clientConfig(app));
      assert.deepEqual((await sqs.send(new ListQueuesCommand({}))).QueueUrls ?? [], []);
      sqs.destroy();
      const query = await fetch(`${app.endpoint}/?Action=ListQueues`);
      assert.match(await query.text(), /ListQueuesResponse/);
      const cli = await awsCli(app, ['kinesis', 'list-streams']);
      assert.ok(cli.json);
    });

    it('tells which records a FilterCriteria matches, with the mappings’ errors for a bad pattern', async () => {
      const rec = (data: string) => ({
        partitionKey: 'p',
        sequenceNumber: '1',
        approximateArrivalTimestamp: 1700000000.5,
        data: Buffer.from(data).toString('base64'),
      });
      const test = (pattern: string, records: unknown[]) =>
        fetch(`${app.endpoint}/_tributary/filter/test`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ FilterCriteria: { Filters: [{ Pattern: pattern }] }, Records: records }),
        });
      const ok = await test('{"data":{"type":["order"]}}', [
        rec('{"type":"order"}'),
        rec('{"type":"x"}'),
        rec('no'),
      ]);
      assert.deepEqual(await ok.json(), { Matches: [true, false, false] });
      const bad = await test('{"data":"order"}', [rec('{}')]);
      assert.equal(bad.status, 400);
      assert.equal(bad.headers.get('x-amzn-errortype'), 'InvalidParameterValueException');
      const missing = await fetch(`${app.endpoint}/_tributary/filter/test`, { method: 'POST', body: '{}' });
      assert.equal(missing.status, 400);
      assert.equal(missing.headers.get('x-amzn-errortype'), 'ValidationException');
    });

    it('reports shard positions, and streams live events to the console', async () => {
      await createStream(k, app, `live-${transport}`, 1);
      const none = await fetch(`${app.endpoint}/_tributary/streams/nope/shards`);
      assert.equal(none.status, 400);
      assert.equal(none.headers.get('x-amzn-errortype'), 'ResourceNotFoundException');
      const ac = new AbortController();
      const res = await fetch(`${app.endpoint}/_tributary/events`, { signal: ac.signal });
      assert.match(res.headers.get('content-type')!, /text\/event-stream/);
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      assert.match((await reader.read()).value!, /^: tributary/);
      const put = await k.send(
        new PutRecordCommand({ StreamName: `live-${transport}`, PartitionKey: 'k', Data: Buffer.from('x') }),
      );
      let text = '';
      while (!text.includes(`"stream":"live-${transport}"`)) {
        const { value, done } = await reader.read();
        assert.ok(!done, 'the event stream ended early');
        text += value;
      }
      assert.match(text, /event: stream\n/);
      ac.abort();
      const shards = (await (
        await fetch(`${app.endpoint}/_tributary/streams/live-${transport}/shards`)
      ).json()) as {
        Shards: Array<{
          ShardId: string;
          Open: boolean;
          FirstSequenceNumber: string;
          LastSequenceNumber: string;
        }>;
      };
      assert.deepEqual(shards.Shards, [
        {
          ShardId: put.ShardId,
          Open: true,
          FirstSequenceNumber: put.SequenceNumber,
          LastSequenceNumber: put.SequenceNumber,
          Records: 1,
        },
      ]);
    });
  });
}

describe('console events across a shutdown', () => {
  it('end when the server stops, without holding up its close', async () => {
    const app = await startTestServer();
    const res = await fetch(`${app.endpoint}/_tributary/events`);
    const reader = res.body!.getReader();
    await reader.read();
    await app.close();
    for (;;) if ((await reader.read()).done) break;
    assert.equal(app.state, 'stopping');
  });
});
