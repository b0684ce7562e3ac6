import { adminJson, CliError, paint, serverEndpoint, type ServerFlags } from './common.js';
import { readArgument } from './input.js';
import type { ReplayResult } from '../mappings/replay.js';

export interface ReplayFlags extends ServerFlags {
  /** An on-failure destination's message: JSON text, @file or - (stdin). */
  fromFailure?: string;
  shard?: string;
  from?: string;
  to?: string;
  /** A version or alias to invoke instead of the mapping's function. */
  qualifier?: string;
}

/**
 * `tributary replay MAPPING --from-failure MESSAGE | --shard S --from SEQ --to SEQ [--qualifier Q]`: invokes the
 * mapping's function once more with a failed batch's records, through the server's one replay endpoint
 * (POST /_tributary/mappings/UUID/replay). Exit code 1 when the function fails again.
 */
export async function replay(
  uuid: string,
  flags: ReplayFlags,
  out: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout,
): Promise<number> {
  const range = [flags.shard, flags.from, flags.to];
  let body: Record<string, unknown>;
  if (flags.fromFailure !== undefined) {
    if (range.some((x) => x !== undefined))
      throw new CliError('give either --from-failure or --shard/--from/--to, not both', 2);
    const text = (await readArgument(flags.fromFailure, 'the failure message')).toString();
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new CliError('--from-failure must be the on-failure message (JSON), @file or -', 2);
    }
  } else if (range.every((x) => x !== undefined)) {
    body = {
      KinesisBatchInfo: {
        shardId: flags.shard,
        startSequenceNumber: flags.from,
        endSequenceNumber: flags.to,
      },
    };
  } else throw new CliError('give --from-failure MESSAGE, or --shard, --from and --to', 2);
  if (flags.qualifier !== undefined) body['Qualifier'] = flags.qualifier;
  const r = await adminJson<ReplayResult>(
    serverEndpoint(flags),
    `/_tributary/mappings/${encodeURIComponent(uuid)}/replay`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
  const p = paint(out);
  if (flags.json) out.write(JSON.stringify(r) + '\n');
  else
    out.write(
      `${r.FunctionError ? p.red(`failed again (${r.FunctionError})`) : p.green('processed')}: ${r.Records} record(s) ` +
        `to ${r.FunctionArn} (version ${r.ExecutedVersion}) in ${r.DurationMs.toFixed(2)} ms\n${r.Payload}\n`,
    );
  return r.FunctionError ? 1 : 0;
}
