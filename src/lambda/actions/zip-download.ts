import { readFile } from 'node:fs/promises';
import { unlessMissing } from '../../store/missing-file.js';
import { ResourceNotFound } from '../lambda-errors.js';
import type { LambdaReply } from '../lambda-context.js';

/**
 * The answer at a download URL this server handed out (GetFunction's Code.Location, GetLayerVersion's
 * Content.Location): the stored zip, or ResourceNotFound with `notFound` when it is no longer there (the
 * function or version was deleted or updated after the URL was given).
 */
export async function zipDownload(path: string, notFound: string): Promise<LambdaReply> {
  const zip = await unlessMissing(readFile(path));
  if (!zip) throw ResourceNotFound(notFound);
  return { status: 200, headers: { 'content-type': 'application/zip' }, raw: zip };
}
