import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { CreateStreamCommand, KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import type { App } from '../../src/app/app.js';
import { hooks } from '../harness/hooks.js';
import { clientConfig, cannotRun, startTestServer } from '../harness/helpers.js';
import { consolePage, launchChromium, NO_CHROMIUM, STORED } from './console-browser-fixture.js';

const KEY = { accessKeyId: 'AKIACONSOLETEST00001', secretAccessKey: 'console-test-secret-0123456789' };
/**
 * Run in the page before its scripts: counts the console's fetches and keeps its event streams, so a test can tell
 * that nothing is loaded or reconnected any more.
 */
const WATCH = `
  window.__fetches = 0;
  const fetch0 = window.fetch;
  window.fetch = (...args) => (window.__fetches++, fetch0(...args));
  window.__sources = [];
  window.EventSource = class extends window.EventSource {
    constructor(...args) {
      super(...args);
      window.__sources.push(this);
    }
  };`;

/** The console on a server that checks SigV4: it signs its calls (and its event stream) with the keys entered. */
describe('web console on a server that checks signatures (chromium)', () => {
  let app: App;
  let k: KinesisClient;
  let browser: Browser | undefined;

  before(async () => {
    browser = await launchChromium();
    if (!browser) return;
    app = await startTestServer({ ...KEY });
    k = new KinesisClient(clientConfig(app, 'default', { credentials: KEY }));
    await k.send(new CreateStreamCommand({ StreamName: 'signed', ShardCount: 1 }));
  });
  after(async () => {
    await browser?.close();
    k?.destroy();
    await app?.close();
  });

  it('loads unsigned, says why its calls are refused, then signs them with the keys entered', async (t) => {
    if (!browser) return cannotRun(t, NO_CHROMIUM);
    const { page, shot, foreign } = await consolePage(browser, app.endpoint, { width: 1280, height: 700 });
    await page.goto(`${app.endpoint}/`);
    await page.getByRole('alert').filter({ hasText: 'MissingAuthenticationTokenException' }).waitFor();
    await page.getByRole('button', { name: 'Credentials' }).click();
    const form = page.getByRole('form', { name: 'Credentials' });
    // Keyboard: the form opens on its first field.
    await page.waitForFunction(`document.activeElement?.getAttribute('name') === 'access-key-id'`);
    await form.locator('input[name="access-key-id"]').fill(KEY.accessKeyId);
    await form.locator('input[name="secret-access-key"]').fill(KEY.secretAccessKey);
    await form.getByRole('button', { name: 'Save' }).click();
    await page.locator('tr[data-stream="signed"]').waitFor();
    // The event stream is presigned: a stream made elsewhere shows up without a reload.
    await page.locator('body[data-live="open"]').waitFor({ state: 'attached' });
    await k.send(new CreateStreamCommand({ StreamName: 'signed-too', ShardCount: 1 }));
    await page.locator('tr[data-stream="signed-too"]').waitFor();
    await shot('signed');
    assert.deepEqual(foreign, []);
    // A wrong secret is refused, in AWS's words.
    await page.getByRole('button', { name: /Signed as/ }).click();
    await form.locator('input[name="secret-access-key"]').fill('wrong-secret');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').filter({ hasText: 'InvalidSignatureException' }).first().waitFor();
    // Escape closes the form, back to its button.
    await page.getByRole('button', { name: /Signed as/ }).click();
    await form.waitFor();
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });
    await page.waitForFunction(`document.activeElement?.textContent.trim().startsWith('Signed as')`);
  });

  it('says when the session of a sign-in link has expired, stops loading and resumes once signed in again', async (t) => {
    if (!browser) return cannotRun(t, NO_CHROMIUM);
    const { page, shot } = await consolePage(browser, app.endpoint, { width: 1280, height: 700 });
    await page.addInitScript(WATCH);
    // The page's timers run on a clock the test moves, so "no reconnect, no reload" is checked without waiting.
    await page.clock.install();
    await page.goto(app.consoleLink()!);
    await page.locator('tr[data-stream="signed"] .chart.spark').waitFor({ state: 'attached' });
    await page.locator('body[data-live="open"]').waitFor({ state: 'attached' });
    const stored = JSON.parse((await page.evaluate<string | null>(STORED))!) as { accessKeyId: string };
    // The session ends, as its twelve hours would end it.
    hooks(app).stsSessions.get(stored.accessKeyId)!.Expiration = Date.now();
    // A record put elsewhere: the list and its charts reload on its event, and are refused.
    const put = () =>
      k.send(new PutRecordCommand({ StreamName: 'signed', PartitionKey: 'p', Data: Buffer.from('x') }));
    await put();
    await page.getByRole('alert').filter({ hasText: "This tab's session has expired" }).first().waitFor();
    await page.locator('body[data-live="expired"]').waitFor({ state: 'attached' });
    await shot('session-expired');
    const fetches = await page.evaluate<number>('window.__fetches');
    // Every event stream the page opened is closed (one, unless the connection was ever refused).
    const closed = 'window.__sources.map((s) => s.readyState === EventSource.CLOSED)';
    const sources = await page.evaluate<boolean[]>(closed);
    assert.ok(sources.length > 0 && sources.every(Boolean), `${sources}`);
    // More records and a minute of the page's time: no reload, no chart drawn again, no reconnect.
    await put();
    await page.clock.runFor(60_000);
    assert.equal(await page.evaluate<number>('window.__fetches'), fetches);
    assert.deepEqual(await page.evaluate<boolean[]>(closed), sources);

    // A new link opened in the same tab signs it in again: the list, its charts and the live events come back.
    await page.goto(app.consoleLink()!);
    await page.locator('body[data-live="open"]').waitFor({ state: 'attached' });
    await k.send(new CreateStreamCommand({ StreamName: 'after-expiry', ShardCount: 1 }));
    await page.locator('tr[data-stream="after-expiry"] .chart.spark').waitFor({ state: 'attached' });
    assert.equal(await page.getByRole('alert').count(), 0);
    await page.close();
  });
});
