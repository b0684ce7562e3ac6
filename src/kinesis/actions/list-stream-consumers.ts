import { AwsError, InvalidArgument } from '../../server/errors.js';
import { streamNotFound } from '../not-found.js';
import { operation } from '../../server/operations.js';
import { integer, required, string, structure, timestamp } from '../../server/shapes.js';
import { STREAM_ARN, streamOfArn, type KinesisContext } from '../kinesis-context.js';
import type { ConsumerMeta } from '../model.js';
import { consumerShape } from '../fan-out/consumer-arn.js';

/** AWS's NextToken for ListStreamConsumers is valid for 300 seconds. */
const TOKEN_TTL_MS = 300_000;
const DEFAULT_MAX_RESULTS = 100;

/** Opaque NextToken: where the previous page stopped, so deregistrations in between skip nobody. */
interface Token {
  /** Stream creation time: a token of a deleted and re-created stream is refused. */
  salt: number;
  lastCreatedAt: number;
  lastName: string;
  issuedAt: number;
}

function encodeToken(t: Token): string {
  return Buffer.from(JSON.stringify([t.salt, t.lastCreatedAt, t.lastName, t.issuedAt])).toString('base64');
}

function decodeToken(s: string): Token {
  let p: unknown;
  try {
    p = JSON.parse(Buffer.from(s, 'base64').toString('utf8'));
  } catch {
    p = undefined;
  }
  if (
    !Array.isArray(p) ||
    p.length !== 4 ||
    !Number.isSafeInteger(p[0]) ||
    !Number.isSafeInteger(p[1]) ||
    typeof p[2] !== 'string' ||
    !Number.isSafeInteger(p[3])
  ) {
    throw InvalidArgument('Invalid NextToken.');
  }
  return { salt: p[0] as number, lastCreatedAt: p[1] as number, lastName: p[2], issuedAt: p[3] as number };
}

function order(a: ConsumerMeta, b: ConsumerMeta): number {
  return (
    a.createdAt - b.createdAt ||
    (a.consumerName < b.consumerName ? -1 : a.consumerName > b.consumerName ? 1 : 0)
  );
}

/** ListStreamConsumers: registration order, paged by MaxResults/NextToken. */
export const listStreamConsumers = operation({
  input: structure({
    StreamARN: required(string({ min: 1, max: 2048, pattern: STREAM_ARN })),
    NextToken: string({ min: 1, max: 1048576 }),
    MaxResults: integer({ min: 1, max: 10000 }),
    StreamCreationTimestamp: timestamp(),
    StreamId: string({ min: 1, max: 24 }),
  }),
  run: (k: KinesisContext, input) =>
    consumersPage(
      k,
      input.StreamARN,
      input.NextToken,
      input.MaxResults ?? DEFAULT_MAX_RESULTS,
      input.StreamCreationTimestamp,
    ),
});

async function consumersPage(
  k: KinesisContext,
  streamArn: string,
  nextToken: string | undefined,
  maxResults: number,
  created: number | undefined,
): Promise<unknown> {
  const stream = streamOfArn(k, streamArn);
  const meta = k.streams.get(stream);
  // The creation timestamp tells apart streams of the same name (deleted and re-created).
  if (created !== undefined && Math.floor(created / 1000) !== Math.floor(meta.createdAt / 1000)) {
    throw streamNotFound(k.streams.account, stream);
  }
  let all = k.fanOut.consumers.list(stream).sort(order);
  if (nextToken !== undefined) {
    const t = decodeToken(nextToken);
    if (Date.now() - t.issuedAt > TOKEN_TTL_MS) {
      throw new AwsError(
        'ExpiredNextTokenException',
        `The timestamp of the nextToken ${nextToken} has expired.`,
        400,
      );
    }
    if (t.salt !== meta.createdAt) throw InvalidArgument('Invalid NextToken.');
    const last = { createdAt: t.lastCreatedAt, consumerName: t.lastName } as ConsumerMeta;
    all = all.filter((c) => order(c, last) > 0);
  }
  const page = all.slice(0, maxResults);
  const out: Record<string, unknown> = { Consumers: page.map(consumerShape) };
  const tail = page[page.length - 1];
  if (all.length > page.length && tail) {
    out['NextToken'] = encodeToken({
      salt: meta.createdAt,
      lastCreatedAt: tail.createdAt,
      lastName: tail.consumerName,
      issuedAt: Date.now(),
    });
  }
  return out;
}
