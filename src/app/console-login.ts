import { createHash, randomBytes } from 'node:crypto';
import type { Principal } from '../server/auth/authenticator.js';
import type { Clock } from '../server/clock.js';
import { AwsError } from '../server/errors.js';
import { operation } from '../server/operations.js';
import { required, string, structure } from '../server/shapes.js';

/**
 * One-time sign-in links for the web console (issue 20: "the console signs in with an access key pair ... or a
 * one-time login link printed at start"). On a server that checks signatures, `tributary up` prints
 * `http://HOST:PORT/#login=TOKEN`; the console trades the token, once, for temporary credentials (an STS session of
 * whoever the link was made for, the account's root at start), which it keeps in the tab's sessionStorage and signs
 * with like any other key pair.
 *
 * Why it is safe:
 * - The token is in the URL's fragment, which browsers never send: it reaches the server only in the body of the
 *   exchange (POST), never in a request line, a Referer or an access log. The server keeps only its SHA-256, in
 *   memory: a link dies with the server run that made it, and nothing on disk (or in a log) can be replayed.
 * - A token is 256 random bits, works once (it is forgotten before the session is made, so two racing exchanges
 *   cannot both win) and only for `LINK_TTL_MS` after it was made; `tributary console-link` makes a new one.
 * - What the browser gets is a session (ASIA... key, secret, session token) that expires after `SESSION_MS`, never
 *   the root key pair.
 */

/** How long an unused link works. */
export const LINK_TTL_MS = 60 * 60 * 1000;
/** How long the session a link is exchanged for lasts (AWS console sessions last up to 12 hours). */
export const SESSION_MS = 12 * 60 * 60 * 1000;

/** The temporary credentials a link is exchanged for. */
export interface ConsoleSession {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  /** Epoch ms. */
  Expiration: number;
}

/** Makes STS sessions (the IAM registry's `createSession`, behind this seam so unit tests need no store). */
export interface SessionIssuer {
  createSession(s: { Expiration: number; principal: Principal; userName?: string }): Promise<ConsoleSession>;
}

const digest = (token: string): string => createHash('sha256').update(token).digest('hex');

/** The links not used yet, by their token's hash. */
export class ConsoleLogins {
  readonly #pending = new Map<string, { principal: Principal; expiresAt: number }>();
  readonly #sessions: SessionIssuer;
  readonly #clock: Clock;

  constructor(sessions: SessionIssuer, clock: Clock) {
    this.#sessions = sessions;
    this.#clock = clock;
  }

  /**
   * A new token for `principal` (root or an IAM user: a session's session would outlive its own, so AWS refuses
   * GetSessionToken to sessions and so do we).
   */
  issue(principal: Principal): string {
    if (principal.kind === 'assumed-role')
      throw new AwsError('AccessDenied', 'Cannot make a console sign-in link with session credentials', 403);
    const now = this.#clock.now();
    for (const [k, v] of this.#pending) if (v.expiresAt <= now) this.#pending.delete(k);
    const token = randomBytes(32).toString('base64url');
    this.#pending.set(digest(token), { principal, expiresAt: now + LINK_TTL_MS });
    return token;
  }

  /** The session for `token`, once; an unknown, used or expired token is refused, all alike. */
  async redeem(token: string): Promise<ConsoleSession> {
    const key = digest(token);
    const link = this.#pending.get(key);
    // Forgotten first: a second exchange of the same token, even one racing this one, finds nothing.
    this.#pending.delete(key);
    const now = this.#clock.now();
    if (link === undefined || link.expiresAt <= now) throw invalidLink();
    const p = link.principal;
    return this.#sessions.createSession({
      Expiration: now + SESSION_MS,
      principal: { ...p },
      ...(p.kind === 'user' ? { userName: p.arn.slice(p.arn.lastIndexOf('/') + 1) } : {}),
    });
  }

  /** How many links wait to be used (tests). */
  get pending(): number {
    return this.#pending.size;
  }
}

const invalidLink = (): AwsError =>
  new AwsError(
    'AccessDeniedException',
    'This console sign-in link is not valid: it was used already, it expired, or it was made by another run of ' +
      'the server. Make a new one with `tributary console-link`, or sign in with an access key.',
    403,
  );

/** What the sign-in endpoints run with: the links (none when the server does not check signatures). */
export interface ConsoleLoginContext {
  logins: ConsoleLogins | undefined;
  region: string;
  account: string;
}

const noSignatures = (): AwsError =>
  new AwsError(
    'InvalidRequestException',
    'This server does not check signatures (no credentials are configured): the console needs no sign-in.',
    400,
  );

export const LOGIN_PATH = '/_tributary/console/login';

/**
 * POST /_tributary/console/login `{"Token"}` (public: the browser has no key yet): the link's token exchanged for
 * `{"Credentials": {AccessKeyId, SecretAccessKey, SessionToken, Expiration}, "Region", "Account"}`.
 */
export const redeemConsoleLogin = operation({
  input: structure({ Token: required(string({ min: 1, max: 256 })) }),
  async run(c: ConsoleLoginContext, input) {
    if (!c.logins) throw noSignatures();
    const s = await c.logins.redeem(input.Token);
    return {
      status: 200,
      json: {
        Credentials: {
          AccessKeyId: s.AccessKeyId,
          SecretAccessKey: s.SecretAccessKey,
          SessionToken: s.SessionToken,
          Expiration: new Date(s.Expiration).toISOString(),
        },
        Region: c.region,
        Account: c.account,
      },
    };
  },
});

/**
 * POST /_tributary/console/links (signed): a new sign-in link for the caller (`tributary console-link`), on the
 * host the caller reached the server by, answered to the caller only as `{"Url"}`.
 */
export const createConsoleLink = operation({
  input: structure({}),
  async run(c: ConsoleLoginContext, _input, call) {
    if (!c.logins || !call.auth) throw noSignatures();
    const token = c.logins.issue(call.auth.principal);
    return { status: 200, json: { Url: loginUrl(`http://${call.host}`, token) } };
  },
});

/** The link the console opens: the token in the fragment, which browsers do not send. */
export const loginUrl = (endpoint: string, token: string): string => `${endpoint}/#login=${token}`;
