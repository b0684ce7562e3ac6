import type { AwsCredentialIdentity } from '@smithy/types';
import { findCredentials, signedFetch, type SignedInit } from './signed-fetch.js';
import type { Command } from 'commander';

/** The flags every command that talks to a running server takes. */
export interface ServerFlags {
  /** Server to talk to. */
  endpoint?: string;
  /** Same as `endpoint` (the AWS CLI's spelling). */
  endpointUrl?: string;
  /** Machine-readable output: one JSON document (or one per line for streams of results). */
  json?: boolean;
}

/** --endpoint / --endpoint-url, else TRIBUTARY_ENDPOINT, else the local default port (TRIBUTARY_PORT or 4600). */
export function serverEndpoint(flags: ServerFlags, env: NodeJS.ProcessEnv = process.env): string {
  return (
    flags.endpoint ??
    flags.endpointUrl ??
    env['TRIBUTARY_ENDPOINT'] ??
    `http://127.0.0.1:${env['TRIBUTARY_PORT'] ?? '4600'}`
  ).replace(/\/+$/, '');
}

/** Adds --endpoint, --endpoint-url and --json to a command. */
export function serverOptions(cmd: Command, json = true): Command {
  cmd
    .option(
      '--endpoint <url>',
      'server to talk to (env TRIBUTARY_ENDPOINT, default http://127.0.0.1:$TRIBUTARY_PORT or 4600)',
    )
    .option('--endpoint-url <url>', 'same as --endpoint');
  if (json) cmd.option('--json', 'print JSON for scripts');
  return cmd;
}

/** Adds an "Examples:" block to a command's help. */
export function examples(cmd: Command, lines: string[]): Command {
  return cmd.addHelpText('after', ['', 'Examples:', ...lines.map((l) => `  $ ${l}`)].join('\n'));
}

/**
 * The SDK clients' settings for a Tributary server: its endpoint, the environment's region, and the credentials
 * every command signs with (signed-fetch.ts: TRIBUTARY_ACCESS_KEY_ID/SECRET, else the AWS chain); with none, any
 * key pair, which a server without signature checks accepts.
 */
export function sdkConfig(
  endpoint: string,
  env: NodeJS.ProcessEnv = process.env,
): {
  endpoint: string;
  region: string;
  credentials: () => Promise<AwsCredentialIdentity>;
} {
  // The SDK warns every command on Node 20 that its releases after January 2027 need Node 22: Tributary pins its
  // SDK version, so the warning is noise in a CLI's output.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  return {
    endpoint,
    region: env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? 'us-east-1',
    credentials: async () => (await findCredentials(env)) ?? { accessKeyId: 'test', secretAccessKey: 'test' },
  };
}

/** A failure to report as one line on stderr with an exit code (1 unless a usage error: 2). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Colours for a terminal; plain text anywhere else (a pipe, a file, NO_COLOR). */
export interface Paint {
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

export function paint(out: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Paint {
  const on = out.isTTY === true && env['NO_COLOR'] === undefined;
  const sgr =
    (code: string) =>
    (s: string): string =>
      on ? `\x1b[${code}m${s}\x1b[0m` : s;
  return { green: sgr('32'), red: sgr('31'), yellow: sgr('33'), dim: sgr('2'), bold: sgr('1') };
}

/**
 * Calls one of Tributary's own endpoints (`/_tributary/...`) and returns its JSON; an error answer becomes a
 * CliError with the server's message (`{"message"}` or `{"Message"}` of AWS's error bodies).
 */
export async function adminJson<T>(
  endpoint: string,
  path: string,
  init: SignedInit = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<T> {
  let res: Response;
  try {
    res = await signedFetch(`${endpoint}${path}`, init, env);
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new CliError(`Cannot reach Tributary at ${endpoint}: ${(err as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) {
    const message = errorMessage(text, `${init.method ?? 'GET'} ${path} answered ${res.status}`);
    // REST-JSON names the error's type in a header (x-amzn-ErrorType: "Type:extra").
    const type = res.headers.get('x-amzn-errortype')?.split(':')[0];
    throw new CliError(type && !message.startsWith(type) ? `${type}: ${message}` : message);
  }
  return JSON.parse(text) as T;
}

function errorMessage(body: string, fallback: string): string {
  try {
    const j = JSON.parse(body) as { message?: string; Message?: string; __type?: string };
    const m = j.message ?? j.Message;
    return m ? (j.__type ? `${j.__type.split('#').pop()}: ${m}` : m) : fallback;
  } catch {
    return body.trim() || fallback;
  }
}

/** Runs a command's body: a CliError (or an SDK error) is one line on stderr and the command's exit code. */
export async function runCommand(body: () => Promise<number | void>): Promise<void> {
  try {
    process.exitCode = (await body()) ?? 0;
  } catch (err) {
    const e = err as Error & { exitCode?: number; $metadata?: unknown };
    if (err instanceof CliError) {
      process.stderr.write(`${e.message}\n`);
      process.exitCode = e.exitCode;
      return;
    }
    // An AWS error answered by the server: its type and message are the user's to read.
    if (e.$metadata !== undefined) {
      process.stderr.write(`${e.name}: ${e.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
}
