import { adminJson, CliError, paint, serverEndpoint, type ServerFlags } from './common.js';

export interface WaitFlags extends ServerFlags {
  /** Seconds to wait at most. */
  timeout?: string;
}

/** What GET /_tributary/mappings/UUID/drained answers. */
export interface DrainedAnswer {
  UUID: string;
  Drained: boolean;
  RecordsBehind: number;
}

/**
 * `tributary wait MAPPING [--timeout S]`: returns once the event source mapping has processed every record its
 * stream held when the command started (GET /_tributary/mappings/UUID/drained, which the server answers on the
 * mapping engine's own events: no polling). Exit code 0 when drained, 1 when the timeout came first.
 */
export async function waitDrained(
  uuid: string,
  flags: WaitFlags,
  out: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout,
): Promise<number> {
  const timeout = flags.timeout ?? '60';
  if (!/^\d+$/.test(timeout) || Number(timeout) > 900)
    throw new CliError(`--timeout must be a whole number of seconds from 0 to 900, got ${timeout}`, 2);
  const endpoint = serverEndpoint(flags);
  const r = await adminJson<DrainedAnswer>(
    endpoint,
    `/_tributary/mappings/${encodeURIComponent(uuid)}/drained?timeout=${timeout}`,
  );
  const p = paint(out);
  if (flags.json) out.write(JSON.stringify(r) + '\n');
  else if (r.Drained) out.write(`${p.green('drained')}: ${uuid} has processed every record written so far\n`);
  else
    out.write(
      `${p.red('not drained')}: ${uuid} still has ${r.RecordsBehind} record(s) to process after ${timeout} s\n`,
    );
  return r.Drained ? 0 : 1;
}
