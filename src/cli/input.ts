import { readFile } from 'node:fs/promises';
import { CliError } from './common.js';

/**
 * A command's data argument as curl and the AWS CLI spell it: `@path` reads a file, `-` reads stdin, anything
 * else is the text itself.
 */
export async function readArgument(value: string, what: string): Promise<Buffer> {
  if (value === '-') {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(Buffer.from(c as Uint8Array));
    return Buffer.concat(chunks);
  }
  if (value.startsWith('@')) {
    try {
      return await readFile(value.slice(1));
    } catch (err) {
      throw new CliError(`cannot read ${what} from ${value.slice(1)}: ${(err as Error).message}`, 2);
    }
  }
  return Buffer.from(value);
}
