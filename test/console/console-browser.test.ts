import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import {
  CreateAliasCommand,
  CreateEventSourceMappingCommand,
  GetFunctionConfigurationCommand,
  PublishVersionCommand,
  UpdateFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { App } from '../../src/app/app.js';
import { hooks } from '../harness/hooks.js';
import {
  cannotRun,
  credentials,
  kinesisClient,
  region,
  startTestServer,
  waitFor,
} from '../harness/helpers.js';
import {
  createRecordingFunction,
  createStream,
  lambdaClient,
  mappingEvent,
  recordsDelivered,
  type RecordingFunction,
} from '../mappings/mapping-fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
/** Screenshots of each page, for people to look at (gitignored). */
const OUT = fileURLToPath(new URL('../../test-output/console/', import.meta.url));

/**
 * The web console in a real browser (Debian's chromium through playwright-core): a stream and functions made with
 * the SDK, a trigger added through the console, a record put through it and seen processed, the IteratorAge chart
 * getting its point, a filter tried on the records, a test invoke, and a failed batch replayed once the function is
 * fixed. Every wait is for a selector or an event, never a sleep.
 */
describe('web console (chromium)', () => {
  let app: App;
  let k: KinesisClient;
  let l: LambdaClient;
  let sqs: SQSClient;
  let browser: Browser | undefined;
  let page: Page;
  let processor: RecordingFunction;
  let streamArn: string;

  before(async () => {
    if (!existsSync(CHROMIUM)) return;
    mkdirSync(OUT, { recursive: true });
    app = await startTestServer({ mappings: { retryBaseMs: 5, retryMaxMs: 50 } });
    k = kinesisClient(app);
    l = lambdaClient(app);
    sqs = new SQSClient({ endpoint: app.endpoint, region, credentials });
    streamArn = await createStream(k, app, 'orders', 2);
    processor = await createRecordingFunction(app, l, 'processor');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (err) => assert.fail(`the console threw: ${err.message}`));
  });
  after(async () => {
    await browser?.close();
    for (const c of [k, l, sqs]) c?.destroy();
    await app?.close();
  });

  const shot = (name: string) => page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });

  it('lists the streams at /, creates one from the console, splits a shard and draws the lineage', async (t) => {
    if (!browser)
      return cannotRun(t, `Debian chromium is not installed at ${CHROMIUM} (apt-get install chromium)`);
    await page.goto(`${app.endpoint}/`);
    const row = page.locator('tr[data-stream="orders"]');
    await row.waitFor();
    assert.match(await row.innerText(), /ACTIVE/);

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
    await shot('stream');
  });

  it('adds a trigger through the Lambda-console form; a record put from the console is processed', async (t) => {
    if (!browser) return cannotRun(t, 'no chromium');
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
    await put.getByRole('status').waitFor();
    await batch;
    await recordsDelivered(app, uuid, 1);
    assert.deepEqual(processor.datas(), ['{"type": "order", "id": 1}']);

    // The trigger page: state, result, records behind 0 and the IteratorAge chart with its point.
    await page.goto(`${app.endpoint}/#/triggers/${uuid}`);
    await page.locator('[data-field="last-processing-result"]', { hasText: 'OK' }).waitFor();
    await page.locator('.chart[data-points="1"]').waitFor();
    const behind = await page.locator('[data-field="records-behind"]').allInnerTexts();
    assert.deepEqual(behind, ['0', '0']);
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
    await page.locator('dl.facts .badge', { hasText: 'Enabled' }).waitFor();
    await page.locator('dl.facts code', { hasText: '"order"' }).waitFor();

    // Disable from the trigger page.
    await page.getByRole('button', { name: 'Disable' }).click();
    await page.locator('dl.facts .badge', { hasText: 'Disabled' }).waitFor();
  });

  it('shows the function: configuration, invocations, a test invoke and its log', async (t) => {
    if (!browser) return cannotRun(t, 'no chromium');
    const version = await l.send(new PublishVersionCommand({ FunctionName: 'processor' }));
    await l.send(
      new CreateAliasCommand({ FunctionName: 'processor', Name: 'live', FunctionVersion: version.Version }),
    );
    await page.goto(`${app.endpoint}/#/functions/processor`);
    await page.locator('table[aria-label="Recent invocations"] tbody tr').first().waitFor();
    await page.getByRole('list', { name: 'Versions and aliases' }).getByText('live').waitFor();
    const test = page.getByRole('form', { name: 'Test invoke' });
    await test.locator('textarea[name="payload"]').fill('{"Records": []}');
    await test.locator('select[name="qualifier"]').selectOption('live');
    await test.getByRole('button', { name: 'Invoke' }).click();
    await test.locator('.invoke-result').waitFor();
    assert.match(
      await test.locator('.invoke-result').innerText(),
      new RegExp(`OK\\s*version ${version.Version}`),
    );
    await page.locator('pre.log', { hasText: 'REPORT RequestId' }).waitFor();
    await shot('function');
  });

  it('browses a shard and tries a filter pattern on the records shown', async (t) => {
    if (!browser) return cannotRun(t, 'no chromium');
    await k.send(
      new PutRecordCommand({ StreamName: 'orders', PartitionKey: 'p', Data: Buffer.from('not json') }),
    );
    await page.goto(`${app.endpoint}/#/records?stream=orders`);
    // Both records may be in either shard: read each until the two are shown together with TRIM_HORIZON.
    const form = page.getByRole('form', { name: 'Browse a shard' });
    await form.locator('select[name="shard"] option').nth(1).waitFor({ state: 'attached' });
    const shards = await form.locator('select[name="shard"] option').allTextContents();
    assert.equal(shards.length, 2);
    let shown = 0;
    for (const shard of shards) {
      await form.locator('select[name="shard"]').selectOption(shard);
      await form.getByRole('button', { name: 'Read' }).click();
      await page.locator('.toolbar [role="status"]', { hasText: 'records' }).waitFor();
      shown = await page.locator('table[aria-label="Records"] tbody tr').count();
      if (shown > 0 && (await page.getByText('"order"').count()) > 0) break;
    }
    assert.ok(shown > 0);
    await page.getByRole('button', { name: 'Try filter' }).click();
    const result = page.locator('.filter-result');
    await result.waitFor();
    assert.match(await result.innerText(), /1 of \d+ match/);
    await page.locator('tr.match').first().waitFor();
    await page.getByLabel('Hex').check();
    // Live tail: a record put into the shard shown appears without another Read.
    await page.getByLabel('Live tail').check();
    const rows = page.locator('table[aria-label="Records"] tbody tr');
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
    if (!browser) return cannotRun(t, 'no chromium');
    const fails = await createRecordingFunction(app, l, 'fails', { BEHAVIOUR: 'fail-all' });
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'failures' }))).QueueUrl!;
    const queueArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))
    ).Attributes!['QueueArn']!;
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
    await k.send(
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
    const invokes = fails.invokes().length;
    await page.goto(`${app.endpoint}/#/failed`);
    const row = page.locator('table[aria-label="Failed batches"] tbody tr').first();
    await row.waitFor();
    assert.match(await row.innerText(), /RetryAttemptsExhausted/);
    await row.getByRole('button', { name: 'Replay' }).click();
    const result = row.locator('.replay-result');
    await result.waitFor();
    assert.match(await result.innerText(), /OK/);
    assert.equal(fails.invokes().length, invokes + 1);
    assert.deepEqual(fails.datas().slice(-1), ['poison']);
    await shot('failed');
  });

  it('shows the write rate of each stream as a sparkline, in light and dark mode', async (t) => {
    if (!browser) return cannotRun(t, 'no chromium');
    await page.goto(`${app.endpoint}/`);
    const spark = page.locator('tr[data-stream="orders"] .chart.spark');
    await spark.waitFor({ state: 'attached' });
    // Records were put into `orders` (a minute's Sum of IncomingRecords), none into `made-here`.
    assert.ok(Number(await spark.getAttribute('data-max')) >= 1);
    const none = page.locator('tr[data-stream="made-here"] .chart.spark');
    assert.equal(await none.getAttribute('data-max'), '0');
    await shot('streams');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('streams-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });
});
