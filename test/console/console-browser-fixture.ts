import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium (`.ci/run` installs it), driven through playwright-core. */
export const CHROMIUM = '/usr/bin/chromium';
export const NO_CHROMIUM = `Debian chromium is not installed at ${CHROMIUM} (apt-get install chromium)`;
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
