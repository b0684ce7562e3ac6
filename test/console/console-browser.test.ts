import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  DeleteStreamCommand,
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  PutRecordCommand,
  RegisterStreamConsumerCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { ListEventSourceMappingsCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { App } from '../../src/app/app.js';
import { hooks } from '../harness/hooks.js';
import { cannotRun, waitFor } from '../harness/helpers.js';
import {
  createRecordingFunction,
  mappingEvent,
  recordsDelivered,
  type RecordingFunction,
} from '../mappings/mapping-fixtures.js';
import { createQueue } from '../sqs-sns/sqs-sns-helpers.js';
import { NO_CHROMIUM, withConsoleBrowser } from './console-browser-fixture.js';

/**
 * The web console in a real browser (Debian's chromium through playwright-core), its streams and triggers: the
 * stream list, a stream created, resharded and drawn from the console, a trigger added through the console (also
 * with every setting, from the keyboard), a record put through it and seen processed, the IteratorAge chart moving,
 * the trigger edited, disabled, enabled and deleted, light and dark mode. console-pages.test.ts has the function,
 * records and failed-batches pages. Every wait is for a selector or an event, never a sleep.
 */
describe('web console: streams and triggers (chromium)', () => {
  let app: App;
  let k: KinesisClient;
  let l: LambdaClient;
  let sqs: SQSClient;
  let browser: Browser | undefined;
  let page: Page;
  let shot: (name: string) => Promise<void>;
  let foreign: string[];
  let processor: RecordingFunction;
  let streamArn: string;
  // Metrics are bucketed a minute early until the IteratorAge chart is shown, so that a batch after that falls into
  // a minute of its own and the chart gets its second point (without waiting for a real minute).
  let metricsOffsetMs = -60_000;

  withConsoleBrowser(
    {
      mappings: { retryBaseMs: 5, retryMaxMs: 50 },
      testHooks: { metricsClock: () => Date.now() + metricsOffsetMs },
    },
    (s) => {
      ({ browser, app, k, l, sqs, page, shot, foreign, streamArn, processor } = s);
    },
  );

  it('lists the streams at /, creates one from the console, splits a shard and draws the lineage', async (t) => {
    if (!browser) return cannotRun(t, NO_CHROMIUM);
    await page.goto(`${app.endpoint}/`);
    const row = page.locator('tr[data-stream="orders"]');
    await row.waitFor();
    // Status, mode, open shards, retention.
    assert.match(await row.innerText(), /ACTIVE\s+PROVISIONED\s+2\s+24 h/);

    const create = page.getByRole('form', { name: 'Create stream' });
    await create.locator('input[name="stream-name"]').fill('made-here');
    await create.getByRole('button', { name: 'Create stream' }).click();
    const made = page.locator('tr[data-stream="made-here"]');
    await made.getByText('ACTIVE').waitFor();
    assert.equal(hooks(app).streams.get('made-here').shards.length, 1);

    await made.getByRole('link', { name: 'made-here' }).click();
    await page.locator('table[aria-label="Shards"] tr[data-shard]').first().waitFor();
    await page.getByRole('button', { name: 'Split' }).click();
    // The parent closes and its two children appear under it in the lineage tree.
    await page.locator('ul.tree > li > ul > li').nth(1).waitFor();
    assert.equal(await page.locator('table[aria-label="Shards"] tr[data-shard]').count(), 3);
    assert.equal(await page.locator('table[aria-label="Shards"] .badge', { hasText: 'closed' }).count(), 1);
    // Hash ranges: the parent held the whole key space, each child half of it.
    assert.deepEqual(
      await page.locator('table[aria-label="Shards"] tr[data-shard] td:nth-child(3)').allInnerTexts(),
      ['0%–100%', '0%–50%', '50%–100%'],
    );
    // Merge the two children again (the merged shard is drawn under both), then UpdateShardCount to 2.
    await page.getByRole('button', { name: 'Merge with 002' }).click();
    await page.locator('ul.tree', { hasText: '(merged)' }).waitFor();
    const reshard = page.getByRole('form', { name: 'Reshard' });
    await reshard.locator('input[name="target-shards"]').fill('2');
    await reshard.getByRole('button', { name: 'Update shard count' }).click();
    await page.locator('table[aria-label="Shards"] tr[data-shard]').nth(5).waitFor();
    const summary = await k.send(new DescribeStreamSummaryCommand({ StreamName: 'made-here' }));
    assert.equal(summary.StreamDescriptionSummary?.OpenShardCount, 2);
    await shot('stream');
  });

  it('adds a trigger through the Lambda-console form; a record put from the console is processed', async (t) => {
    if (!browser) return cannotRun(t, NO_CHROMIUM);
    await page.goto(`${app.endpoint}/#/functions/processor`);
    await page.getByRole('button', { name: 'Add trigger' }).click();
    const form = page.getByRole('form', { name: 'Add trigger' });
    await form.locator('select[name="stream"] option', { hasText: 'orders' }).waitFor({ state: 'attached' });
    await form.locator('select[name="stream"]').selectOption('orders');
    await form.locator('select[name="starting-position"]').selectOption('TRIM_HORIZON');
    await form.locator('input[name="batch-size"]').fill('10');
    await form.getByRole('button', { name: 'Add', exact: true }).click();
    const trigger = page.locator('table[aria-label="Triggers"] tr[data-uuid]');
    await trigger.waitFor();
    const uuid = (await trigger.getAttribute('data-uuid'))!;
    const m = hooks(app).mappings.find(uuid);
    assert.equal(m?.BatchSize, 10);
    assert.equal(m?.StartingPosition, 'TRIM_HORIZON');
    await trigger.getByText('Enabled').waitFor();
    await shot('function-trigger-added');

    // A record put through the console's stream page.
    const batch = mappingEvent(app, 'batch', (e) => e.uuid === uuid && e.outcome === 'success');
    await page.goto(`${app.endpoint}/#/streams/orders`);
    const put = page.getByRole('form', { name: 'Put a test record' });
    await put.locator('textarea[name="data"]').fill('{"type": "order", "id": 1}');
    await put.getByRole('button', { name: 'Put record' }).click();
    const putIn = /Put in (\S+) at …(\d+)/.exec(await put.getByRole('status').innerText());
    assert.ok(putIn);
    await batch;
    // The shard's table row follows: its first and last sequence numbers are the record's, one record.
    const [, putShard, putSeq] = putIn;
    const shardRow = page.locator(`table[aria-label="Shards"] tr[data-shard="${putShard}"]`);
    await shardRow.filter({ hasText: `…${putSeq}` }).waitFor();
    assert.match(await shardRow.innerText(), new RegExp(`…${putSeq}\\s+…${putSeq}\\s+1\\s`));
    await recordsDelivered(app, uuid, 1);
    assert.deepEqual(processor.datas(), ['{"type": "order", "id": 1}']);

    // The trigger page: state, result, records behind 0 and the IteratorAge chart with its point.
    await page.goto(`${app.endpoint}/#/triggers/${uuid}`);
    await page.locator('[data-field="last-processing-result"]', { hasText: 'OK' }).waitFor();
    await page.locator('.chart[data-points="1"]').waitFor();
    const behind = await page.locator('[data-field="records-behind"]').allInnerTexts();
    assert.deepEqual(behind, ['0', '0']);
    // Per shard, the checkpoint against the tip: the shard with the record has both at it.
    const progress = page.locator(`table[aria-label="Shard progress"] tr[data-shard="${putShard}"]`);
    assert.match(await progress.innerText(), new RegExp(`…${putSeq}\\s+…${putSeq}\\s+0\\s`));
    // The chart moves while the page is open: the next batch's IteratorAge is a new point, shown without a reload.
    metricsOffsetMs = 0;
    await k.send(
      new PutRecordCommand({
        StreamName: 'orders',
        PartitionKey: 'p',
        Data: Buffer.from('{"type": "refund"}'),
      }),
    );
    await page.locator('.chart[data-points="2"]').waitFor();
    await shot('trigger');

    // Edit from the trigger page: a new batch size and a filter (the source stays as it was created).
    await page.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: 'Edit trigger' });
    assert.equal(await edit.locator('select[name="stream"]').isDisabled(), true);
    await edit.locator('input[name="batch-size"]').fill('25');
    await edit.locator('textarea[name="filters"]').fill('{"data": {"type": ["order"]}}');
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Edit' }).waitFor();
    const edited = hooks(app).mappings.find(uuid);
    assert.equal(edited?.BatchSize, 25);
    assert.deepEqual(edited?.FilterCriteria, { Filters: [{ Pattern: '{"data": {"type": ["order"]}}' }] });
    // The filter shows once the page has reloaded the trigger after the save; only then is "Enabled" news (the page
    // said so before the edit, and the update passes through Updating).
    await page.locator('dl.facts code', { hasText: '"order"' }).waitFor();
    await page.locator('dl.facts .badge', { hasText: 'Enabled' }).waitFor();

    // Disable from the trigger page.
    await page.getByRole('button', { name: 'Disable' }).click();
    await page.locator('dl.facts .badge', { hasText: 'Disabled' }).waitFor();
    assert.equal(hooks(app).mappings.find(uuid)?.State, 'Disabled');
    await page.getByRole('button', { name: 'Enable' }).click();
    await page.locator('dl.facts .badge', { hasText: 'Enabled' }).waitFor();
    await page.getByRole('button', { name: 'Disable' }).click();
    await page.locator('dl.facts .badge', { hasText: 'Disabled' }).waitFor();
  });

  it('adds a trigger with every setting from the keyboard (Enter, Escape, focus), then deletes it', async (t) => {
    if (!browser) return cannotRun(t, NO_CHROMIUM);
    await createRecordingFunction(app, l, 'every');
    const { queueArn } = await createQueue(sqs, 'every-failures');
    // The focused element's name, or its text (a button).
    const focused = `(document.activeElement?.getAttribute('name') ?? document.activeElement?.textContent)`;
    const consumer = await k.send(
      new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'every-reader' }),
    );
    const consumerArn = consumer.Consumer!.ConsumerARN!;
    await waitFor(
      async () =>
        (await k.send(new DescribeStreamConsumerCommand({ ConsumerARN: consumerArn }))).ConsumerDescription
          ?.ConsumerStatus === 'ACTIVE',
      10_000,
      'the consumer',
    );
    await page.goto(`${app.endpoint}/#/functions/every`);
    const open = page.getByRole('button', { name: 'Add trigger' });
    await open.focus();
    await page.keyboard.press('Enter');
    const form = page.getByRole('form', { name: 'Add trigger' });
    // The form opens on its first field; Escape closes it, back to the button, which Enter opens again.
    await form.waitFor();
    await page.waitForFunction(`${focused} === 'stream'`);
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });
    await page.waitForFunction(`${focused}?.trim() === 'Add trigger'`);
    await page.keyboard.press('Enter');
    await form.locator('select[name="stream"] option', { hasText: 'orders' }).waitFor({ state: 'attached' });
    await form.locator('select[name="stream"]').selectOption('orders');
    await form
      .locator('select[name="consumer"] option', { hasText: 'every-reader' })
      .waitFor({ state: 'attached' });
    await form.locator('select[name="consumer"]').selectOption({ label: 'every-reader' });
    await form.locator('select[name="starting-position"]').selectOption('AT_TIMESTAMP');
    const at = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000);
    // datetime-local is the browser's local time, which is this process's.
    await form.locator('input[name="timestamp"]').fill(at.toLocaleString('sv').replace(' ', 'T'));
    await form.locator('input[name="batch-window"]').fill('2');
    await form.locator('input[name="destination"]').fill(queueArn);
    await form.locator('input[name="retry-attempts"]').fill('3');
    await form.locator('input[name="maximum-record-age"]').fill('120');
    await form.locator('input[name="parallelization-factor"]').fill('4');
    await form.locator('input[name="tumbling-window"]').fill('30');
    await form.getByLabel('Split batch on error').check();
    await form.getByLabel('Report batch item failures').check();
    await form.locator('textarea[name="filters"]').fill('{"data": {"type": ["order"]}}');
    await form.getByLabel('Enable trigger').uncheck();
    // Enter in a field submits the form.
    await form.locator('input[name="batch-size"]').fill('50');
    await form.locator('input[name="batch-size"]').press('Enter');
    const row = page.locator('table[aria-label="Triggers"] tr[data-uuid]');
    await row.getByText('Disabled').waitFor();
    const uuid = (await row.getAttribute('data-uuid'))!;
    const m = hooks(app).mappings.find(uuid)!;
    assert.deepEqual(
      {
        EventSourceArn: m.EventSourceArn,
        StartingPosition: m.StartingPosition,
        StartingPositionTimestamp: m.StartingPositionTimestamp,
        BatchSize: m.BatchSize,
        MaximumBatchingWindowInSeconds: m.MaximumBatchingWindowInSeconds,
        DestinationConfig: m.DestinationConfig,
        MaximumRetryAttempts: m.MaximumRetryAttempts,
        MaximumRecordAgeInSeconds: m.MaximumRecordAgeInSeconds,
        BisectBatchOnFunctionError: m.BisectBatchOnFunctionError,
        ParallelizationFactor: m.ParallelizationFactor,
        FunctionResponseTypes: m.FunctionResponseTypes,
        TumblingWindowInSeconds: m.TumblingWindowInSeconds,
        FilterCriteria: m.FilterCriteria,
        State: m.State,
      },
      {
        EventSourceArn: consumerArn,
        StartingPosition: 'AT_TIMESTAMP',
        StartingPositionTimestamp: at.getTime() / 1000,
        BatchSize: 50,
        MaximumBatchingWindowInSeconds: 2,
        DestinationConfig: { OnFailure: { Destination: queueArn } },
        MaximumRetryAttempts: 3,
        MaximumRecordAgeInSeconds: 120,
        BisectBatchOnFunctionError: true,
        ParallelizationFactor: 4,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        TumblingWindowInSeconds: 30,
        FilterCriteria: { Filters: [{ Pattern: '{"data": {"type": ["order"]}}' }] },
        State: 'Disabled',
      },
    );
    await shot('function-trigger-every-setting');

    // Delete, confirmed in the browser's dialog.
    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No triggers.').waitFor();
    assert.equal(
      (await l.send(new ListEventSourceMappingsCommand({ FunctionName: 'every' }))).EventSourceMappings
        ?.length,
      0,
    );
  });

  it('shows the write rate of each stream as a sparkline, in light and dark mode', async (t) => {
    if (!browser) return cannotRun(t, NO_CHROMIUM);
    await page.goto(`${app.endpoint}/`);
    const spark = page.locator('tr[data-stream="orders"] .chart.spark');
    await spark.waitFor({ state: 'attached' });
    // Records were put into `orders` (a minute's Sum of IncomingRecords), none into `made-here`.
    assert.ok(Number(await spark.getAttribute('data-max')) >= 1);
    const none = page.locator('tr[data-stream="made-here"] .chart.spark');
    assert.equal(await none.getAttribute('data-max'), '0');
    await shot('streams');
    // The system's light or dark mode: dark text on a light page, light text on a dark one.
    const colours = `[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]`;
    const brightness = (rgb: string): number =>
      (rgb.match(/\d+/g) ?? []).slice(0, 3).reduce((a, x) => a + Number(x), 0) / 3;
    const [lightBg, lightFg] = (await page.evaluate<string[]>(colours)).map(brightness);
    await page.emulateMedia({ colorScheme: 'dark' });
    const [darkBg, darkFg] = (await page.evaluate<string[]>(colours)).map(brightness);
    assert.ok(lightBg! > 200 && lightFg! < 80, `light: ${lightBg} on ${lightFg}`);
    assert.ok(darkBg! < 60 && darkFg! > 180, `dark: ${darkBg} on ${darkFg}`);
    await shot('streams-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    // A stream deleted elsewhere leaves the list while it is shown.
    await k.send(new DeleteStreamCommand({ StreamName: 'made-here' }));
    await page.locator('tr[data-stream="made-here"]').waitFor({ state: 'detached' });
    assert.deepEqual(foreign, []);
  });
});
