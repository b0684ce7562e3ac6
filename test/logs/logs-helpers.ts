import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { NodeHttp2Handler, NodeHttpHandler } from '@smithy/node-http-handler';
import type { App } from '../../src/app/app.js';
import { cliEnv, credentials, region, type Transport } from '../harness/helpers.js';

const exec = promisify(execFile);

/** A CloudWatch Logs client over HTTP/2 (`h2`) or HTTP/1.1 (`h1`, the SDK's default handler). */
export function logsClient(app: { endpoint: string }, transport: Transport = 'h2'): CloudWatchLogsClient {
  return new CloudWatchLogsClient({
    endpoint: app.endpoint,
    region,
    credentials,
    maxAttempts: 1,
    requestHandler: transport === 'h1' ? new NodeHttpHandler() : new NodeHttp2Handler(),
  });
}

export const CLI_ENV = cliEnv();

let v2: Promise<string | undefined> | undefined;

/**
 * An AWS CLI v2 binary (`aws logs tail` is v2 only): `aws` on the PATH when it is v2, else Debian's awscli
 * package (v2) at /usr/bin/aws, which .ci/run installs beside a v1 on the PATH; undefined when there is none.
 */
export function awsCliV2(): Promise<string | undefined> {
  v2 ??= (async () => {
    for (const bin of ['aws', '/usr/bin/aws']) {
      try {
        const { stdout, stderr } = await exec(bin, ['--version'], { env: CLI_ENV });
        if (/^aws-cli\/2\./.test((stdout + stderr).trim())) return bin;
      } catch {
        // not there: try the next
      }
    }
    return undefined;
  })();
  return v2;
}

/** Runs `bin` with the endpoint and test credentials; its stdout. */
export async function runCli(bin: string, app: { endpoint: string }, args: string[]): Promise<string> {
  const { stdout } = await exec(bin, ['--endpoint-url', app.endpoint, ...args], {
    env: CLI_ENV,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

/**
 * Runs a long-lived CLI command (`aws logs tail --follow`) until its output holds `expected`, then ends it;
 * resolves with the output. Rejects if it exits first or prints nothing matching within `timeoutMs`.
 */
export function cliUntil(
  bin: string,
  app: App,
  args: string[],
  expected: RegExp,
  timeoutMs = 30_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['--endpoint-url', app.endpoint, ...args], {
      env: CLI_ENV,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(
      () => finish(new Error(`no ${expected} within ${timeoutMs} ms; got:\n${out}\n${err}`)),
      timeoutMs,
    );
    const finish = (e?: Error): void => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.kill('SIGTERM');
      if (e) reject(e);
      else resolve(out);
    };
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (expected.test(out)) finish();
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => finish(new Error(`exited (${code}) before ${expected}:\n${out}\n${err}`)));
  });
}
