import type { AppContext } from '../server/context.js';
import type { Call } from '../server/operations.js';
import { boolean, list, required, string, structure, unchecked } from '../server/shapes.js';
import { sqsError } from './errors.js';
import type { QueueRegistry } from './queue-registry.js';

/** What every SQS operation gets (with its validated input and the Call it serves). */
export interface SqsContext {
  app: AppContext;
  queues: QueueRegistry;
}

/** The queue every operation but CreateQueue, GetQueueUrl and ListQueues names. */
export const QUEUE_URL = required(string());

/** SenderId: the caller's access key id as SigV4 names it, like AWS's principal id. */
export function senderOf(call: Call, sqs: SqsContext): string {
  const auth = String(call.headers.authorization ?? '');
  return /Credential=([A-Za-z0-9]+)\//.exec(auth)?.[1] ?? sqs.app.options.account;
}

/** A batch entry's Id: checked by `checkBatch`, in SQS's words for batches. */
export const ENTRY_ID = unchecked(string());

const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;
export const MAX_BATCH_ENTRIES = 10;

/** Batch-level checks every *Batch action makes before looking at entries. */
export function checkBatch(entries: ReadonlyArray<Record<string, unknown>>, entryName: string): void {
  if (entries.length === 0) {
    throw sqsError('EmptyBatchRequest', `There should be at least one ${entryName} in the request.`);
  }
  if (entries.length > MAX_BATCH_ENTRIES) {
    throw sqsError(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are ${MAX_BATCH_ENTRIES}. You have sent ${entries.length}.`,
    );
  }
  const seen = new Set<string>();
  for (const e of entries) {
    const id = e.Id;
    if (typeof id !== 'string' || !BATCH_ID.test(id)) {
      throw sqsError(
        'InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
      );
    }
    if (seen.has(id)) throw sqsError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`);
    seen.add(id);
  }
}

/** A failed batch entry as AWS reports it. */
export interface BatchFailure {
  Id: string;
  SenderFault: boolean;
  Code: string;
  Message: string;
}

/** The failed entries of a batch response (`<BatchResultErrorEntry>` elements in XML). */
export const BATCH_FAILURES = list(
  structure({ Id: string(), SenderFault: boolean(), Code: string(), Message: string() }),
  { flattened: true, memberName: 'BatchResultErrorEntry' },
);

/** The entries of a batch response that succeeded with nothing to report but their Id. */
export const batchSuccesses = (memberName: string) =>
  list(structure({ Id: string() }), { flattened: true, memberName });

export function batchFailure(id: string, err: unknown, call: Call): BatchFailure {
  const e = call.clientError(err);
  return {
    Id: id,
    SenderFault: e.fault === 'Client',
    Code: e.queryCompat?.code ?? e.type,
    Message: e.message,
  };
}

/**
 * Applies `op` to every entry of a batch and reports each one, successes in request order. `concurrent`
 * lets independent entries share store commits (deletes); `in-order` runs each after the one before, so an
 * entry sees what the previous ones did (visibility changes).
 */
export async function eachEntry(
  entries: ReadonlyArray<Record<string, unknown>>,
  mode: 'concurrent' | 'in-order',
  call: Call,
  op: (entry: Record<string, unknown>) => Promise<void>,
): Promise<{ Successful: Array<{ Id: string }>; Failed: BatchFailure[] }> {
  const outcomes: Array<BatchFailure | undefined> = new Array<BatchFailure | undefined>(entries.length);
  const run = async (e: Record<string, unknown>, i: number): Promise<void> => {
    try {
      await op(e);
    } catch (err) {
      outcomes[i] = batchFailure(e.Id as string, err, call);
    }
  };
  if (mode === 'concurrent') await Promise.all(entries.map(run));
  else for (let i = 0; i < entries.length; i++) await run(entries[i]!, i);
  const Successful: Array<{ Id: string }> = [];
  const Failed: BatchFailure[] = [];
  entries.forEach((e, i) => {
    const failure = outcomes[i];
    if (failure) Failed.push(failure);
    else Successful.push({ Id: e.Id as string });
  });
  return { Successful, Failed };
}
