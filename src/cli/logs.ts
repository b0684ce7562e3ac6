import { signedFetch } from './signed-fetch.js';
import { serverEndpoint, type ServerFlags } from './common.js';

export interface LogsFlags extends ServerFlags {
  follow?: boolean;
  lines?: string;
}

/**
 * `tributary logs FUNCTION [--follow] [--lines N]`: prints a function's log (its output plus Lambda's
 * START/END/REPORT lines) from a running server — GET /_tributary/lambda/functions/NAME/logs — so it works
 * for --in-memory servers too. With --follow it keeps printing new lines until interrupted; --json prints each line
 * as a JSON document.
 */
export async function logs(
  functionName: string,
  flags: LogsFlags,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const lines = flags.lines ?? '100';
  if (!/^\d+$/.test(lines)) {
    process.stderr.write(`--lines must be a number, got ${lines}\n`);
    return 2;
  }
  const url = `${serverEndpoint(flags)}/_tributary/lambda/functions/${encodeURIComponent(functionName)}/logs?lines=${lines}${flags.follow ? '&follow=true' : ''}`;
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const res = await signedFetch(url, { signal: ac.signal });
    if (!res.ok) {
      const text = await res.text();
      let message = text;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        // not JSON: print as is
      }
      process.stderr.write(`${message}\n`);
      return 1;
    }
    if (!res.body) return 0;
    if (!flags.json) {
      for await (const chunk of res.body) out.write(Buffer.from(chunk as Uint8Array));
      return 0;
    }
    // --json: one {"FunctionName", "Line"} document per line, each written once it is whole.
    let partial = '';
    const decoder = new TextDecoder();
    for await (const chunk of res.body) {
      const lines = (partial + decoder.decode(chunk as Uint8Array, { stream: true })).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) out.write(JSON.stringify({ FunctionName: functionName, Line: line }) + '\n');
    }
    if (partial !== '') out.write(JSON.stringify({ FunctionName: functionName, Line: partial }) + '\n');
    return 0;
  } catch (err) {
    if (ac.signal.aborted) return 0;
    process.stderr.write(`Cannot reach Tributary at ${serverEndpoint(flags)}: ${(err as Error).message}\n`);
    return 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
