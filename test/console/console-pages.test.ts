import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import {
  CreateAliasCommand,
  CreateEventSourceMappingCommand,
  GetFunctionConfigurationCommand,
  PublishVersionCommand,
  UpdateFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { App } from '../../src/app/app.js';
import { hooks } from '../harness/hooks.js';
import { cannotRun, waitFor } from '../harness/helpers.js';
import { createRecordingFunction, mappingEvent, recordsDelivered } from '../mappings/mapping-fixtures.js';
import { createQueue } from '../sqs-sns/sqs-sns-helpers.js';
import { NO_CHROMIUM, withConsoleBrowser } from './console-browser-fixture.js';

/**
 * The web console in a real browser, its other pages: a function (configuration, versions and aliases, recent
 * invocations with cold starts and errors, the live log, a test invoke), the record viewer (every starting position,
 * JSON/UTF-8/hex, live tail, a filter tried), and failed batches replayed to the fixed function and to a newer
 * version. The stream, functions and trigger are made with the SDK; console-browser.test.ts adds them through the
 * console. Every wait is for a selector or an event, never a sleep.
 */
describe('web console: functions, records and failed batches (chromium)', () => {
  let app: App;
  let k: KinesisClient;
  let l: LambdaClient;
  let sqs: SQSClient;
  let browser: Browser | undefined;
  let page: Page;
  let shot: (name: string) => Promise<void>;
  let foreign: string[];
  let streamArn: string;

  withConsoleBrowser({ mappings: { retryBaseMs: 5, retryMaxMs: 50 } }, async (s) => {
    ({ browser, app, k, l, sqs, page, shot, foreign, streamArn } = s);
    // A trigger that has processed one record: the function's first (cold) invocation.
    const m = await l.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'processor',
        EventSourceArn: streamArn,
        StartingPosition: 'TRIM_HORIZON',
      }),
    );
    await k.send(
      new PutRecordCommand({
        StreamName: 'orders',
        PartitionKey: 'p',
        Data: Buffer.from('{"type": "order", "id": 1}'),
      }),
    );
    await recordsDelivered(app, m.UUID!, 1);
  });

  it('shows the function: configuration, invocations, a test invoke and its log', async (t) => {
    if (!browser) return cannotRun(t, NO_CHROMIUM);
    const version = await l.send(new PublishVersionCommand({ FunctionName: 'processor' }));
    await l.send(
      new CreateAliasCommand({ FunctionName: 'processor', Name: 'live', FunctionVersion: version.Version }),
    );
    await page.goto(`${app.endpoint}/#/functions`);
    await page.locator('tr[data-function="processor"]').waitFor();
    await shot('functions');
    await page.locator('tr[data-function="processor"]').getByRole('link', { name: 'processor' }).click();
    // Configuration, and the trigger's invocation: its duration and cold start.
    await page.locator('dl.facts', { hasText: 'nodejs20.x' }).waitFor();
    const first = page.locator('table[aria-label="Recent invocations"] tbody tr').last();
    await first.waitFor();
    assert.match(await first.innerText(), /OK[\s\S]*\d m?s\s[\s\S]*init \d/);
    await page.getByRole('list', { name: 'Versions and aliases' }).getByText('live').waitFor();
    // The log is live: the test invoke's REPORT line arrives in it without a reload.
    const log = page.locator('pre.log');
    await log.filter({ hasText: 'REPORT RequestId' }).waitFor();
    const reports = `(document.querySelector('pre.log').textContent.match(/REPORT RequestId/g) ?? []).length`;
    const before = await page.evaluate<number>(reports);
    const test = page.getByRole('form', { name: 'Test invoke' });
    await test.locator('textarea[name="payload"]').fill('{"Records": []}');
    await test.locator('select[name="qualifier"]').selectOption('live');
    await test.getByRole('button', { name: 'Invoke' }).click();
    await test.locator('.invoke-result').waitFor();
    assert.match(
      await test.locator('.invoke-result').innerText(),
      new RegExp(`OK\\s*version ${version.Version}`),
    );
    await page.waitForFunction(`${reports} > ${before}`);
    await shot('function');
  });

  it('browses a shard and tries a filter pattern on the records shown', async (t) => {
    if (!browser) return cannotRun(t, NO_CHROMIUM);
    await k.send(
      new PutRecordCommand({ StreamName: 'orders', PartitionKey: 'p', Data: Buffer.from('not json') }),
    );
    await page.goto(`${app.endpoint}/#/records?stream=orders`);
    // Both records may be in either shard: read each until the two are shown together with TRIM_HORIZON.
    const form = page.getByRole('form', { name: 'Browse a shard' });
    await form.locator('select[name="shard"] option').nth(1).waitFor({ state: 'attached' });
    const shards = await form.locator('select[name="shard"] option').allTextContents();
    assert.equal(shards.length, 2);
    // Each Read is awaited by the status's count of completed reads (its text may already say as many records).
    const status = page.locator('.toolbar [role="status"]');
    const clickRead = async (): Promise<void> => {
      const done = Number(await status.getAttribute('data-reads'));
      await form.getByRole('button', { name: 'Read' }).click();
      await page.locator(`.toolbar [role="status"][data-reads="${done + 1}"]`).waitFor();
    };
    let shown = 0;
    for (const shard of shards) {
      await form.locator('select[name="shard"]').selectOption(shard);
      await clickRead();
      shown = await page.locator('table[aria-label="Records"] tbody tr').count();
      if (shown > 0 && (await page.getByText('"order"').count()) > 0) break;
    }
    assert.ok(shown > 0);
    await page.getByRole('button', { name: 'Try filter' }).click();
    const result = page.locator('.filter-result');
    await result.waitFor();
    assert.match(await result.innerText(), /1 of \d+ match/);
    await page.locator('tr.match').first().waitFor();

    // The data as pretty JSON (the default) and as the UTF-8 text it was sent as.
    const rows = page.locator('table[aria-label="Records"] tbody tr');
    const order = rows.filter({ hasText: 'order' }).locator('pre.data');
    assert.equal(await order.innerText(), '{\n  "type": "order",\n  "id": 1\n}');
    await page.getByLabel('UTF-8').check();
    assert.equal(await order.innerText(), '{"type": "order", "id": 1}');

    // Every starting position: at and after a sequence number, at a timestamp, LATEST.
    const seqs: string[] = [];
    for (let i = 0; i < shown; i++) seqs.push((await rows.nth(i).getAttribute('data-seq'))!);
    const readFrom = async (position: string, at: string | undefined, expected: number): Promise<void> => {
      await form.locator('select[name="position"]').selectOption(position);
      if (at !== undefined) await form.locator('input[name="at"]').fill(at);
      await clickRead();
      assert.equal(await status.innerText(), `${expected} records`);
    };
    await readFrom('AT_SEQUENCE_NUMBER', seqs.at(-1), 1);
    assert.equal(await rows.first().getAttribute('data-seq'), seqs.at(-1));
    await readFrom('AFTER_SEQUENCE_NUMBER', seqs[0], shown - 1);
    const hourAgo = new Date(Date.now() - 3_600_000).toLocaleString('sv').replace(' ', 'T');
    await readFrom('AT_TIMESTAMP', hourAgo, shown);
    assert.equal(await rows.first().getAttribute('data-seq'), seqs[0]);
    await readFrom('LATEST', undefined, 0);
    await page.getByLabel('Hex').check();
    // Live tail: a record put into the shard shown appears without another Read.
    await page.getByLabel('Live tail').check();
    // The record is put once the tail listens and the event stream is open (else its event could come first).
    await page.locator('input[name="tail"][data-listening="true"]').waitFor({ state: 'attached' });
    await page.locator('body[data-live="open"]').waitFor({ state: 'attached' });
    const before = await rows.count();
    const shard = await form.locator('select[name="shard"]').inputValue();
    const hashKey = shard.endsWith('0') ? '0' : String(2n ** 127n); // into the shard shown (two even halves)
    await k.send(
      new PutRecordCommand({
        StreamName: 'orders',
        PartitionKey: 'tail',
        ExplicitHashKey: hashKey,
        Data: Buffer.from('tailed'),
      }),
    );
    await rows.nth(before).waitFor();
    assert.match(await rows.nth(before).innerText(), /74 61 69 6c 65 64/); // "tailed" in hex
    await shot('records');
  });

  it('lists a failed batch from its SQS destination and replays it once the function is fixed', async (t) => {
    if (!browser) return cannotRun(t, NO_CHROMIUM);
    const fails = await createRecordingFunction(app, l, 'fails', { BEHAVIOUR: 'fail-all' });
    const { queueArn } = await createQueue(sqs, 'failures');
    const m = await l.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'fails',
        EventSourceArn: streamArn,
        StartingPosition: 'LATEST',
        MaximumRetryAttempts: 0,
        DestinationConfig: { OnFailure: { Destination: queueArn } },
      }),
    );
    await waitFor(
      () => hooks(app).mappings.lag(m.UUID!).length === 2,
      10_000,
      'the mapping to read both shards',
    );
    const discarded = mappingEvent(app, 'discard', (e) => e.uuid === m.UUID && e.delivered);
    const poison = await k.send(
      new PutRecordCommand({ StreamName: 'orders', PartitionKey: 'k', Data: Buffer.from('poison') }),
    );
    await discarded;
    await l.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'fails',
        Environment: { Variables: { OUT_FILE: fails.outFile, BEHAVIOUR: 'ok' } },
      }),
    );
    await waitFor(
      async () =>
        (await l.send(new GetFunctionConfigurationCommand({ FunctionName: 'fails' }))).LastUpdateStatus ===
        'Successful',
      10_000,
      'the function update',
    );
    const fixed = await l.send(new PublishVersionCommand({ FunctionName: 'fails' }));
    // Its failed invocation is listed on its page, as an error.
    await page.goto(`${app.endpoint}/#/functions/fails`);
    await page.locator('table[aria-label="Recent invocations"] tbody tr', { hasText: 'Failed: ' }).waitFor();

    const invokes = fails.invokes().length;
    await page.goto(`${app.endpoint}/#/failed`);
    const row = page.locator('table[aria-label="Failed batches"] tbody tr').first();
    await row.waitFor();
    const seq = poison.SequenceNumber!.slice(-8);
    assert.match(await row.innerText(), /RetryAttemptsExhausted/);
    // Its shard and sequence range (shortened to the last digits, the whole in the title).
    assert.match(await row.innerText(), new RegExp(`${poison.ShardId}[\\s\\S]*…${seq}\\s*–\\s*…${seq}`));
    await row.getByRole('button', { name: 'Replay' }).click();
    const result = row.locator('.replay-result');
    await result.waitFor();
    assert.match(await result.innerText(), /OK[\s\S]*\$LATEST/);
    // And to the newer version, published once the function was fixed.
    await row.locator('input[name="qualifier"]').fill(fixed.Version!);
    await row.getByRole('button', { name: 'Replay' }).click();
    await row.locator('.replay-result, [role="alert"]').filter({ hasNotText: '$LATEST' }).waitFor();
    assert.match(await row.innerText(), new RegExp(`OK[\\s\\S]*m?s, ${fixed.Version}\\s`));
    assert.equal(fails.invokes().length, invokes + 2);
    assert.deepEqual(fails.datas().slice(-2), ['poison', 'poison']);
    await shot('failed');
    assert.deepEqual(foreign, []);
  });
});
