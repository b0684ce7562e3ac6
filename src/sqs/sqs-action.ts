import type { AppContext } from '../server/context.js';
import { el, type QueryParams, type XmlContent } from '../server/protocols/query.js';
import type { AwsError } from '../server/errors.js';
import { sqsError } from './errors.js';
import type { Input } from './params.js';
import type { QueueRegistry } from './queue-registry.js';
import type { Queue } from './queue.js';
import { reqString } from './params.js';

/** What every SQS action gets. */
export interface SqsContext {
  app: AppContext;
  queues: QueueRegistry;
}

/** The request an action serves (or the internal caller standing in for one). */
export interface Call {
  /** host:port the client used, for queue URLs. */
  host: string;
  /** Aborted when the client goes away (long polls stop waiting). */
  signal: AbortSignal;
  /** Reported as the SenderId message attribute. */
  senderId: string;
  /**
   * The AwsError a batch entry's failure is reported as: an AwsError as is, anything else (a bug) logged and
   * counted once with this request's id and answered as InternalFailure (see ErrorPath.toAwsError).
   */
  clientError(err: unknown): AwsError;
}

/**
 * One SQS operation, protocol-neutral: `run` takes the AWS JSON 1.0 input shape and returns the JSON
 * output shape; `fromQuery` converts query-protocol parameters to that input; `toXml` renders the
 * output as the children of `<ActionResult>` (undefined: the action has no result element).
 */
export interface SqsAction<O extends object = object> {
  run(sqs: SqsContext, input: Input, call: Call): Promise<O>;
  fromQuery(p: QueryParams): Input;
  toXml(out: O): XmlContent | undefined;
}

export function defineAction<O extends object>(a: SqsAction<O>): SqsAction<O> {
  return a;
}

/** The queue the input's QueueUrl names. */
export function targetQueue(sqs: SqsContext, input: Input): Queue {
  return sqs.queues.byUrl(reqString(input, 'QueueUrl'));
}

/** Copies scalar query parameters into a JSON-shaped input. */
export function scalars(p: QueryParams, names: readonly string[]): Input {
  const out: Input = {};
  for (const n of names) {
    const v = p.get(n);
    if (v !== undefined) out[n] = v;
  }
  return out;
}

const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;
export const MAX_BATCH_ENTRIES = 10;

/** Batch-level checks every *Batch action makes before looking at entries. */
export function checkBatch(entries: readonly Input[], entryName: string): void {
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

export function batchFailure(id: string, err: unknown, call: Call): BatchFailure {
  const e = call.clientError(err);
  return {
    Id: id,
    SenderFault: e.fault === 'Client',
    Code: e.queryCompat?.code ?? e.type,
    Message: e.message,
  };
}

/** A failed entry in a batch response's query (XML) form. */
export function failureXml(f: BatchFailure): ReturnType<typeof el> {
  return el(
    'BatchResultErrorEntry',
    el('Id', f.Id),
    el('SenderFault', f.SenderFault),
    el('Code', f.Code),
    el('Message', f.Message),
  );
}

/**
 * Applies `op` to every entry of a batch and reports each one, successes in request order. `concurrent`
 * lets independent entries share store commits (deletes); `in-order` runs each after the one before, so an
 * entry sees what the previous ones did (visibility changes).
 */
export async function eachEntry(
  entries: readonly Input[],
  mode: 'concurrent' | 'in-order',
  call: Call,
  op: (entry: Input) => Promise<void>,
): Promise<{ Successful: Array<{ Id: string }>; Failed: BatchFailure[] }> {
  const outcomes: Array<BatchFailure | undefined> = new Array<BatchFailure | undefined>(entries.length);
  const run = async (e: Input, i: number): Promise<void> => {
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
