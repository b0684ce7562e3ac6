import { streamNotFound } from '../kinesis/not-found.js';
import type { StreamRegistry } from '../kinesis/stream-registry.js';
import { InvalidParameterValue } from '../mappings/actions/mapping-fields.js';
import { parseEventSourceArn } from '../mappings/actions/resolve-event-source.js';
import { compileFilterCriteria } from '../mappings/filter/index.js';
import type { Mappings } from '../mappings/mappings.js';
import type { ErrorPath } from '../server/error-path.js';
import { AwsError } from '../server/errors.js';
import type { Service } from '../server/http-types.js';
import { operation, restRouter } from '../server/operations.js';
import { restJsonService } from '../server/protocols/rest-json.js';
import { double, list, required, string, structure, unchecked } from '../server/shapes.js';

import type { RecentInvocations } from './recent-invocations.js';
import {
  createConsoleLink,
  LOGIN_PATH,
  redeemConsoleLogin,
  type ConsoleLoginContext,
} from './console-login.js';

/** What the console's own endpoints read. */
export interface ConsoleApiContext extends ConsoleLoginContext {
  streams: StreamRegistry;
  mappings: Mappings;
  recent: RecentInvocations;
  errors: ErrorPath;
}

/**
 * GET /_tributary/streams/{StreamName}/shards: each shard's first and last sequence number and record count
 * (ListShards has no last sequence number for an open shard; the console shows where a shard's data ends).
 */
const streamShards = operation({
  input: structure({ StreamName: required(string({ location: 'uri' })) }),
  async run(c: ConsoleApiContext, input) {
    const stream = c.streams.findStream(input.StreamName);
    if (!stream) throw streamNotFound(c.streams.account, input.StreamName);
    const shards = [...stream.shards()].map((s) => {
      const { first, last } = s.bounds();
      const any = last >= first;
      return {
        ShardId: s.shardId,
        Open: !s.closed,
        FirstSequenceNumber: any ? s.sequenceNumber(first) : null,
        LastSequenceNumber: any ? s.sequenceNumber(last) : null,
        Records: any ? last - first + 1 : 0,
      };
    });
    return { status: 200, json: { Shards: shards } };
  },
});

/**
 * GET /_tributary/mappings/{UUID}/shards: per shard the mapping reads, its checkpoint (the last record done) against
 * the shard's tip, the records behind and the age of the oldest of them. Empty for a mapping that is not running.
 */
const mappingShards = operation({
  input: structure({ UUID: required(string({ location: 'uri' })) }),
  async run(c: ConsoleApiContext, input) {
    const m = c.mappings.get(input.UUID);
    const source = parseEventSourceArn(m.EventSourceArn);
    const stream = source ? c.streams.findStream(source.streamName) : undefined;
    const shards = c.mappings.lag(m.UUID).map((l) => {
      const shard = stream?.findShard(l.shardId);
      const b = shard?.bounds();
      const done = b ? b.last - l.recordsBehind : undefined;
      return {
        ShardId: l.shardId,
        RecordsBehind: l.recordsBehind,
        IteratorAgeMs: l.iteratorAgeMs,
        CheckpointSequenceNumber:
          shard && b && done !== undefined && done >= b.first ? shard.sequenceNumber(done) : null,
        TipSequenceNumber: shard && b && b.last >= b.first ? shard.sequenceNumber(b.last) : null,
      };
    });
    return { status: 200, json: { Shards: shards } };
  },
});

/**
 * POST /_tributary/filter/test: which of `Records` a `FilterCriteria` lets through, judged by the mappings' own
 * filter engine (mappings/filter/), with its errors for a bad pattern. Records are as a Lambda event's `kinesis`
 * object: `data` is base64.
 */
const testFilter = operation({
  input: structure({
    FilterCriteria: required(structure({ Filters: unchecked(list(structure({ Pattern: string() }))) })),
    Records: required(
      list(
        structure({
          partitionKey: required(string()),
          sequenceNumber: required(string()),
          approximateArrivalTimestamp: required(double()),
          data: required(string()),
        }),
        { max: 10000 },
      ),
    ),
  }),
  async run(_c: ConsoleApiContext, input) {
    const filter = compileFilterCriteria(input.FilterCriteria);
    const matches = input.Records.map((r) => {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(r.data)) throw InvalidParameterValue('Record data must be base64');
      return filter === undefined || filter.matches({ ...r, data: Buffer.from(r.data, 'base64') });
    });
    return { status: 200, json: { Matches: matches } };
  },
});

/** GET /_tributary/lambda/functions/{FunctionName}/invocations: its last invocations, newest first. */
const recentInvocations = operation({
  input: structure({ FunctionName: required(string({ location: 'uri' })) }),
  async run(c: ConsoleApiContext, input) {
    return { status: 200, json: { Invocations: c.recent.of(input.FunctionName) } };
  },
});

/** Tributary's own endpoints for what the AWS APIs have no operation for, used by the web console. */
export function consoleApi(c: ConsoleApiContext): Service {
  const service = 'tributary-console';
  const route = restRouter(service, c, c.errors);
  const rest = restJsonService({
    name: service,
    parts: [
      {
        service,
        routes: [
          route('GET', '/_tributary/streams/{StreamName}/shards', 'GetStreamShards', streamShards),
          route('GET', '/_tributary/mappings/{UUID}/shards', 'GetMappingShards', mappingShards),
          route('POST', '/_tributary/filter/test', 'TestFilter', testFilter),
          route(
            'GET',
            '/_tributary/lambda/functions/{FunctionName}/invocations',
            'ListRecentInvocations',
            recentInvocations,
          ),
          route('POST', LOGIN_PATH, 'RedeemConsoleLogin', redeemConsoleLogin),
          route('POST', '/_tributary/console/links', 'CreateConsoleLink', createConsoleLink),
        ],
        wrongMethod: (req) =>
          new AwsError('UnknownOperationException', `No operation for ${req.method} ${req.path}`, 404),
      },
    ],
    invalidBody: (why) =>
      new AwsError('SerializationException', `Could not parse request body into json: ${why}`, 400),
  });
  // The sign-in link's exchange is the one request a browser makes before it has a key (console-login.ts).
  return { ...rest, isPublic: (req) => req.method === 'POST' && req.path === LOGIN_PATH };
}
