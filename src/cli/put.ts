import { KinesisClient, PutRecordCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { CliError, paint, sdkConfig, serverEndpoint, type ServerFlags } from './common.js';
import { readArgument } from './input.js';

export interface PutFlags extends ServerFlags {
  /** Partition key; `{i}` is replaced by the record's index with --count. */
  key: string;
  /** How many records to put (the same data, PutRecords of up to 500). */
  count?: string;
}

/** PutRecords takes at most 500 records (Kinesis limit). */
const BATCH = 500;
/** Entries a PutRecords refused (throttled) are sent again this many times before the command gives up. */
const ATTEMPTS = 5;

type Out = NodeJS.WritableStream & { isTTY?: boolean };

/**
 * `tributary put STREAM --key K DATA|@file|- [--count N]`: one PutRecord, or N records in PutRecords calls with a
 * progress bar on a terminal (stderr). `{i}` in the key or the data is the record's index, so `--key 'user-{i}'`
 * spreads records over the shards.
 */
export async function put(
  stream: string,
  data: string,
  flags: PutFlags,
  out: Out = process.stdout,
  err: Out = process.stderr,
): Promise<number> {
  const count = flags.count === undefined ? 1 : Number(flags.count);
  if (!Number.isInteger(count) || count < 1)
    throw new CliError(`--count must be a whole number >= 1, got ${flags.count}`, 2);
  const body = await readArgument(data, 'the data');
  const client = new KinesisClient(sdkConfig(serverEndpoint(flags)));
  const p = paint(out);
  try {
    if (flags.count === undefined) {
      const r = await client.send(
        new PutRecordCommand({ StreamName: stream, PartitionKey: flags.key, Data: body }),
      );
      const result = { ShardId: r.ShardId, SequenceNumber: r.SequenceNumber };
      out.write(
        flags.json ? JSON.stringify(result) + '\n' : `${p.green('put')} ${r.ShardId} ${r.SequenceNumber}\n`,
      );
      return 0;
    }
    const text = body.toString();
    const templated = text.includes('{i}');
    const started = Date.now();
    const bar = progressBar(err, count);
    const shards = new Map<string, number>();
    for (let from = 0; from < count; from += BATCH) {
      let entries = Array.from({ length: Math.min(BATCH, count - from) }, (_, j) => ({
        PartitionKey: flags.key.replaceAll('{i}', String(from + j)),
        Data: templated ? Buffer.from(text.replaceAll('{i}', String(from + j))) : body,
      }));
      for (let attempt = 1; entries.length > 0; attempt++) {
        const r = await client.send(new PutRecordsCommand({ StreamName: stream, Records: entries }));
        const failed: typeof entries = [];
        (r.Records ?? []).forEach((e, j) => {
          if (e.ErrorCode) failed.push(entries[j]!);
          else if (e.ShardId) shards.set(e.ShardId, (shards.get(e.ShardId) ?? 0) + 1);
        });
        if (failed.length > 0 && attempt >= ATTEMPTS) {
          const why = r.Records?.find((e) => e.ErrorCode)?.ErrorMessage ?? 'refused';
          throw new CliError(`${failed.length} record(s) not put after ${ATTEMPTS} attempts: ${why}`);
        }
        entries = failed;
      }
      bar.update(Math.min(count, from + BATCH));
    }
    bar.done();
    const ms = Date.now() - started;
    const summary = {
      StreamName: stream,
      Records: count,
      Shards: Object.fromEntries(shards),
      DurationMs: ms,
    };
    out.write(
      flags.json
        ? JSON.stringify(summary) + '\n'
        : `${p.green('put')} ${count} records to ${stream} in ${ms} ms (${[...shards]
            .map(([s, n]) => `${s}: ${n}`)
            .join(', ')})\n`,
    );
    return 0;
  } finally {
    client.destroy();
  }
}

/** A progress bar redrawn in place on a terminal; nothing on a pipe or file. */
function progressBar(err: Out, total: number): { update(n: number): void; done(): void } {
  if (err.isTTY !== true) return { update: () => undefined, done: () => undefined };
  const width = 30;
  const draw = (n: number): void => {
    const filled = Math.round((n / total) * width);
    err.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${n}/${total}`);
  };
  draw(0);
  return { update: draw, done: () => err.write('\n') };
}
