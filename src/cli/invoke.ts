import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CliError, paint, sdkConfig, serverEndpoint, type ServerFlags } from './common.js';
import { readArgument } from './input.js';

export interface InvokeFlags extends ServerFlags {
  /** A version or alias. */
  qualifier?: string;
  /** Print the invocation's log tail (Lambda's LogType Tail) on stderr. */
  log?: boolean;
}

/**
 * `tributary invoke FUNCTION [PAYLOAD|@file|-] [--qualifier Q] [--log]`: one synchronous Invoke; prints the
 * function's response (its error object on stderr and exit code 1 for a function error).
 */
export async function invoke(
  fn: string,
  payload: string | undefined,
  flags: InvokeFlags,
  out: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout,
  err: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
): Promise<number> {
  const body = payload === undefined ? Buffer.from('{}') : await readArgument(payload, 'the payload');
  try {
    JSON.parse(body.toString());
  } catch {
    throw new CliError('the payload must be JSON (Lambda refuses anything else)', 2);
  }
  const client = new LambdaClient(sdkConfig(serverEndpoint(flags)));
  try {
    const r = await client.send(
      new InvokeCommand({
        FunctionName: fn,
        Payload: body,
        Qualifier: flags.qualifier,
        LogType: flags.log || flags.json ? 'Tail' : 'None',
      }),
    );
    const text = Buffer.from(r.Payload ?? new Uint8Array()).toString();
    const log = r.LogResult ? Buffer.from(r.LogResult, 'base64').toString() : undefined;
    if (flags.json) {
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // Not JSON: kept as text.
      }
      out.write(
        JSON.stringify({
          StatusCode: r.StatusCode,
          FunctionError: r.FunctionError,
          ExecutedVersion: r.ExecutedVersion,
          Payload: parsed,
          Log: log,
        }) + '\n',
      );
    } else {
      if (log && flags.log) err.write(paint(err).dim(log.endsWith('\n') ? log : log + '\n'));
      if (r.FunctionError) err.write(`${paint(err).red(r.FunctionError)}: ${text}\n`);
      else out.write(text + '\n');
    }
    return r.FunctionError ? 1 : 0;
  } finally {
    client.destroy();
  }
}
