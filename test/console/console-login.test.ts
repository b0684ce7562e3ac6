import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { CreateStreamCommand, KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { ConsoleLogins, LINK_TTL_MS, SESSION_MS, type SessionIssuer } from '../../src/app/console-login.js';
import type { Principal } from '../../src/server/auth/authenticator.js';
import { clientConfig, cannotRun, region, startTestServer, tempDir } from '../harness/helpers.js';
import { spawnServer, stopServer, type ServerProcess } from '../harness/server-process.js';
import { VirtualClock } from '../harness/virtual-clock.js';
import { tributary } from '../cli/cli-helpers.js';
import { consolePage, launchChromium, NO_CHROMIUM, STORED } from './console-browser-fixture.js';

const KEY = { accessKeyId: 'AKIACONSOLELINK00001', secretAccessKey: 'console-link-secret-0123456789' };
const ROOT: Principal = {
  kind: 'root',
  account: '000000000000',
  arn: 'arn:aws:iam::000000000000:root',
  accessKeyId: '',
};

describe('ConsoleLogins (one-time sign-in links)', () => {
  const issued: Parameters<SessionIssuer['createSession']>[0][] = [];
  const sessions: SessionIssuer = {
    async createSession(s) {
      issued.push(s);
      return {
        AccessKeyId: `ASIA${issued.length}`,
        SecretAccessKey: 's',
        SessionToken: 't',
        Expiration: s.Expiration,
      };
    },
  };

  it('exchanges a token once, for a session of its principal; a used, unknown or expired token is refused', async () => {
    const clock = new VirtualClock();
    const logins = new ConsoleLogins(sessions, clock);
    const token = logins.issue(ROOT);
    assert.match(token, /^[A-Za-z0-9_-]{43}$/); // 256 random bits
    const s = await logins.redeem(token);
    assert.equal(s.Expiration, clock.now() + SESSION_MS);
    assert.deepEqual(issued.at(-1)?.principal, ROOT);
    await assert.rejects(logins.redeem(token), { name: 'AccessDeniedException' });
    await assert.rejects(logins.redeem('x'.repeat(43)), { name: 'AccessDeniedException' });

    const late = logins.issue(ROOT);
    await clock.advance(LINK_TTL_MS);
    await assert.rejects(logins.redeem(late), { name: 'AccessDeniedException' });
    assert.equal(logins.pending, 0);

    // An IAM user's link makes a session holding the user's policies; a session cannot make one.
    const user = { ...ROOT, kind: 'user', arn: 'arn:aws:iam::000000000000:user/ops' } as const;
    await logins.redeem(logins.issue(user));
    assert.equal(issued.at(-1)?.userName, 'ops');
    const session = {
      ...ROOT,
      kind: 'assumed-role',
      arn: 'arn:aws:sts::000000000000:assumed-role/r/s',
    } as const;
    assert.throws(() => logins.issue(session), { name: 'AccessDenied' });
  });

  it('never logs the token, even at trace level (the exchange is logged by its path only)', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const app = await startTestServer({ ...KEY, logger: pino({ level: 'trace' }, sink) });
    try {
      const link = app.consoleLink()!;
      const token = link.split('#login=')[1]!;
      const res = await fetch(`${app.endpoint}/_tributary/console/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ Token: token }),
      });
      assert.equal(res.status, 200);
      const again = await fetch(`${app.endpoint}/_tributary/console/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ Token: token }),
      });
      assert.equal(again.status, 403);
      assert.ok(
        lines.some((l) => l.includes('/_tributary/console/login')),
        'the exchanges are logged',
      );
      assert.ok(!lines.some((l) => l.includes(token)), 'the token is never logged');
    } finally {
      await app.close();
    }
  });

  it('answers that a server without credentials needs no sign-in, and makes no link', async () => {
    const app = await startTestServer();
    try {
      assert.equal(app.consoleLink(), undefined);
      const res = await fetch(`${app.endpoint}/_tributary/console/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ Token: 'anything' }),
      });
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('x-amzn-errortype')?.split(':')[0], 'InvalidRequestException');
    } finally {
      await app.close();
    }
  });
});

/** `tributary up` with keys prints a link; the console signs in with it once; the session outlives a restart. */
describe('console sign-in link (tributary up, chromium)', () => {
  const dir = tempDir();
  const env = {
    ...process.env,
    TRIBUTARY_ACCESS_KEY_ID: KEY.accessKeyId,
    TRIBUTARY_SECRET_ACCESS_KEY: KEY.secretAccessKey,
  };
  let server: ServerProcess;
  let browser: Browser | undefined;

  const linkOf = (s: ServerProcess): string => {
    const m = /^Console sign-in link \(works once, for an hour\): (\S+)$/m.exec(s.startOutput);
    assert.ok(m, `no sign-in link printed: ${s.startOutput}`);
    return m[1]!;
  };
  const exchange = (endpoint: string, link: string) =>
    fetch(`${endpoint}/_tributary/console/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Token: link.split('#login=')[1] }),
    });
  const kinesisAs = (endpoint: string, c: Record<string, string>, h1: boolean) =>
    new KinesisClient(
      clientConfig({ endpoint }, h1 ? 'h1' : 'default', {
        credentials: {
          accessKeyId: c['AccessKeyId']!,
          secretAccessKey: c['SecretAccessKey']!,
          sessionToken: c['SessionToken']!,
        },
      }),
    );

  before(async () => {
    server = await spawnServer(['--data-dir', dir], { env });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    if (server) await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs the browser in from the printed link, once, without typing a key', async (t) => {
    if (!browser) return cannotRun(t, NO_CHROMIUM);
    const link = linkOf(server);
    assert.ok(link.startsWith(`${server.endpoint}/#login=`));
    const root = new KinesisClient(clientConfig(server, 'default', { credentials: KEY }));
    await root.send(new CreateStreamCommand({ StreamName: 'by-link', ShardCount: 1 }));

    const { page, shot, foreign } = await consolePage(browser, server.endpoint, { width: 1280, height: 700 });
    await page.goto(link);
    await page.locator('tr[data-stream="by-link"]').waitFor();
    // The token left the address bar and the history; the tab signs with a session, not the root keys.
    assert.ok(!page.url().includes('login='), page.url());
    await page.getByRole('button', { name: /Signed in by link until/ }).waitFor();
    const kept = JSON.parse((await page.evaluate<string | null>(STORED))!);
    assert.match(kept.accessKeyId, /^ASIA/);
    assert.ok(kept.sessionToken);
    assert.notEqual(kept.secretAccessKey, KEY.secretAccessKey);
    // Live updates too: the event stream is presigned with the session token.
    await page.locator('body[data-live="open"]').waitFor({ state: 'attached' });
    await root.send(new CreateStreamCommand({ StreamName: 'by-link-too', ShardCount: 1 }));
    await page.locator('tr[data-stream="by-link-too"]').waitFor();
    await shot('signed-in-by-link');
    assert.deepEqual(foreign, []);

    // The same link in another browser is refused, and that browser is not signed in.
    const other = await browser.newContext();
    const second = await other.newPage();
    await second.goto(link);
    await second.getByRole('alert').filter({ hasText: 'AccessDeniedException' }).first().waitFor();
    assert.equal(await second.evaluate<string | null>(STORED), null);
    await other.close();
    root.destroy();
  });

  it('tributary console-link makes another; SDK clients sign with its session; a restart ends unused links only', async () => {
    const made = await tributary(['console-link', '--endpoint', server.endpoint], { env });
    assert.equal(made.code, 0, made.stderr);
    const link = made.stdout.trim();
    assert.ok(link.startsWith(`${server.endpoint}/#login=`), link);
    // Making a link wants a signature, as every API call does (only the exchange is public).
    const unsigned = await fetch(`${server.endpoint}/_tributary/console/links`, {
      method: 'POST',
      body: '{}',
    });
    assert.equal(unsigned.status, 403);
    assert.match(unsigned.headers.get('x-amzn-errortype') ?? '', /^MissingAuthenticationTokenException/);

    const res = await exchange(server.endpoint, link);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { Credentials: Record<string, string>; Region: string };
    assert.equal(body.Region, region);
    for (const h1 of [false, true]) {
      const k = kinesisAs(server.endpoint, body.Credentials, h1);
      assert.ok((await k.send(new ListStreamsCommand({}))).StreamNames?.includes('by-link'));
      k.destroy();
    }
    const again = await exchange(server.endpoint, link);
    assert.equal(again.status, 403);

    const unused = (await tributary(['console-link', '--endpoint', server.endpoint], { env })).stdout.trim();
    const first = linkOf(server);
    await stopServer(server);
    server = await spawnServer(['--data-dir', dir], { env });
    assert.notEqual(linkOf(server), first);
    assert.equal((await exchange(server.endpoint, unused)).status, 403);
    // The session a link gave lives on (the browser tab keeps working across a restart), until it expires.
    const k = kinesisAs(server.endpoint, body.Credentials, false);
    assert.ok((await k.send(new ListStreamsCommand({}))).StreamNames?.includes('by-link'));
    k.destroy();
  });
});
