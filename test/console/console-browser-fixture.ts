import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { App, StartOptions } from '../../src/app/app.js';
import { kinesisClient, startTestServer } from '../harness/helpers.js';
import {
  createRecordingFunction,
  createStream,
  lambdaClient,
  type RecordingFunction,
} from '../mappings/mapping-fixtures.js';
import { sqsClient } from '../sqs-sns/sqs-sns-helpers.js';

/** Debian's chromium (`.ci/run` installs it), driven through playwright-core. */
export const CHROMIUM = '/usr/bin/chromium';
export const NO_CHROMIUM = `Debian chromium is not installed at ${CHROMIUM} (apt-get install chromium)`;
/** What the console keeps in the tab (sessionStorage), read in the page. */
export const STORED = "sessionStorage.getItem('tributary.credentials')";
/** Screenshots of each page, for people to look at (gitignored). */
export const SCREENSHOTS = fileURLToPath(new URL('../../test-output/console/', import.meta.url));

/** chromium, or undefined when it is not installed (the test then calls `cannotRun`, which fails on CI). */
export async function launchChromium(): Promise<Browser | undefined> {
  if (!existsSync(CHROMIUM)) return undefined;
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** A page of the console at `endpoint`, with what every console test checks. */
export interface ConsolePage {
  page: Page;
  /** A full-page screenshot, `SCREENSHOTS/NAME.png`. */
  shot(name: string): Promise<void>;
  /** Requests the console made to anywhere but the server (a CDN, a web font...): there must be none. */
  foreign: string[];
}

export async function consolePage(
  browser: Browser,
  endpoint: string,
  viewport = { width: 1280, height: 900 },
): Promise<ConsolePage> {
  const page = await browser.newPage({ viewport });
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (err) => assert.fail(`the console threw: ${err.message}`));
  const foreign: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(`${endpoint}/`) && !r.url().startsWith('data:')) foreign.push(r.url());
  });
  return {
    page,
    foreign,
    shot: async (name) => {
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    },
  };
}

/** What a browser suite of the console works with (withConsoleBrowser). */
export interface ConsoleSuite extends ConsolePage {
  browser: Browser;
  app: App;
  k: KinesisClient;
  l: LambdaClient;
  sqs: SQSClient;
  /** The stream `orders` (two shards). */
  streamArn: string;
  /** The recording function `processor`. */
  processor: RecordingFunction;
}

/**
 * The one setup of the console's browser suites: chromium, a server started with `opts`, Kinesis, Lambda and SQS
 * clients, the stream `orders` (two shards), the recording function `processor` and a console page; `use` receives
 * them (and may add what the suite's tests share). Without chromium nothing starts and `use` is not called: the
 * tests find no browser and call `cannotRun`. After the suite everything is closed.
 */
export function withConsoleBrowser(opts: StartOptions, use: (s: ConsoleSuite) => Promise<void> | void): void {
  let browser: Browser | undefined;
  let app: App | undefined;
  const clients: Array<{ destroy(): void }> = [];
  before(async () => {
    browser = await launchChromium();
    if (!browser) return;
    app = await startTestServer(opts);
    const k = kinesisClient(app);
    const l = lambdaClient(app);
    const sqs = sqsClient(app);
    clients.push(k, l, sqs);
    const streamArn = await createStream(k, app, 'orders', 2);
    const processor = await createRecordingFunction(app, l, 'processor');
    const page = await consolePage(browser, app.endpoint);
    await use({ ...page, browser, app, k, l, sqs, streamArn, processor });
  });
  after(async () => {
    await browser?.close();
    for (const c of clients) c.destroy();
    await app?.close();
  });
}
