import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { CreateStreamCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import type { App } from '../../src/app/app.js';
import { cannotRun, region, startTestServer } from '../harness/helpers.js';
import { consolePage, launchChromium, NO_CHROMIUM } from './console-browser-fixture.js';

const KEY = { accessKeyId: 'AKIACONSOLETEST00001', secretAccessKey: 'console-test-secret-0123456789' };

/** The console on a server that checks SigV4: it signs its calls (and its event stream) with the keys entered. */
describe('web console on a server that checks signatures (chromium)', () => {
  let app: App;
  let k: KinesisClient;
  let browser: Browser | undefined;

  before(async () => {
    browser = await launchChromium();
    if (!browser) return;
    app = await startTestServer({ ...KEY });
    k = new KinesisClient({ endpoint: app.endpoint, region, credentials: KEY });
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
});
