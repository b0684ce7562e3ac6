import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { CreateStreamCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import type { App } from '../../src/app/app.js';
import { hooks } from '../harness/hooks.js';
import { clientConfig, startTestServer } from '../harness/helpers.js';
import { rawRequest, testSigner, type SigningCredentials } from '../harness/sigv4-signing.js';

const ROOT = { accessKeyId: 'AKIAEVENTSSESSION001', secretAccessKey: 'events-session-secret-0123456789' };

/** The console's event stream opened as the console does: a presigned GET, here with a session's credentials. */
async function openEvents(app: App, credentials: SigningCredentials) {
  const signed = await testSigner(credentials, 'tributary').presign(
    rawRequest(app.endpoint, { method: 'GET', path: '/_tributary/events' }),
    { expiresIn: 300 },
  );
  const qs = new URLSearchParams(signed.query as Record<string, string>).toString();
  const ac = new AbortController();
  const res = await fetch(`${app.endpoint}/_tributary/events?${qs}`, { signal: ac.signal });
  return { res, ac };
}

/** Reads the event stream until `want` is in it (true) or it ends (false). */
async function readUntil(reader: ReadableStreamDefaultReader<string>, want: string): Promise<boolean> {
  let text = '';
  while (!text.includes(want)) {
    const { value, done } = await reader.read();
    if (done) return false;
    text += value;
  }
  return true;
}

/**
 * On a server that checks signatures, the console's event stream sends nothing once the session it was opened with
 * has expired or been ended: it closes instead, and the browser's reconnect is refused (console-auth.test.ts).
 */
describe('console event stream and the session it was opened with', () => {
  let app: App;
  let k: KinesisClient;
  before(async () => {
    app = await startTestServer({ ...ROOT });
    k = new KinesisClient(clientConfig(app, 'default', { credentials: ROOT }));
  });
  after(async () => {
    k?.destroy();
    await app?.close();
  });

  it('streams events while the session signs, and ends without sending more once it has ended', async () => {
    const sts = new STSClient(clientConfig(app, 'default', { credentials: ROOT, maxAttempts: 1 }));
    const { Credentials: c } = await sts.send(new GetSessionTokenCommand({}));
    sts.destroy();
    const session = {
      accessKeyId: c!.AccessKeyId!,
      secretAccessKey: c!.SecretAccessKey!,
      sessionToken: c!.SessionToken!,
    };
    const { res, ac } = await openEvents(app, session);
    try {
      assert.equal(res.status, 200);
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      await k.send(new CreateStreamCommand({ StreamName: 'before-expiry', ShardCount: 1 }));
      assert.ok(await readUntil(reader, '"stream":"before-expiry"'), 'an event while the session signs');

      // The session ends (as when it expires): the next event is not sent, the stream ends instead.
      hooks(app).stsSessions.get(session.accessKeyId)!.Expiration = Date.now();
      await k.send(new CreateStreamCommand({ StreamName: 'after-expiry', ShardCount: 1 }));
      assert.equal(
        await readUntil(reader, '"stream":"after-expiry"'),
        false,
        'the stream ended without the event',
      );

      const again = await openEvents(app, session);
      assert.equal(again.res.status, 400);
      assert.equal(again.res.headers.get('x-amzn-errortype'), 'ExpiredTokenException');
      again.ac.abort();
    } finally {
      ac.abort();
    }
  });

  it("the root keys' stream is not affected", async () => {
    const { res, ac } = await openEvents(app, ROOT);
    try {
      assert.equal(res.status, 200);
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      await k.send(new CreateStreamCommand({ StreamName: 'root-sees', ShardCount: 1 }));
      assert.ok(await readUntil(reader, '"stream":"root-sees"'));
    } finally {
      ac.abort();
    }
  });
});
