import { describe, it } from 'node:test';
import type { App } from '../../../src/app/app.js';
import { withServer } from '../../harness/helpers.js';
import { call, encodings, expectError } from './conformance-helpers.js';

/**
 * The order of the violations in "N validation errors detected: ...": AWS lists them member by member in an
 * order of its own, neither the API model's nor alphabetical (kinesalite's DescribeStream, ListStreams,
 * ListTagsForStream, AddTagsToStream, PutRecord, SplitShard and UpdateShardCount tests, recorded against AWS).
 * The expected texts are exact: the order is what is under test.
 */

const at = (path: string, value: string, constraint: string): string =>
  `Value ${value} at '${path}' failed to satisfy constraint: ${constraint}`;
const NAME_PATTERN = 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+';
const MIN_1 = 'Member must have length greater than or equal to 1';
const VALUE_MIN_1 = 'Member must have value greater than or equal to 1';
const HASH_PATTERN = 'Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})';
const SEQ_PATTERN = 'Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})';
const LONG = 'a'.repeat(129);
const MAX_128 = 'Member must have length less than or equal to 128';

const cases: { op: string; input: Record<string, unknown>; violations: string[] }[] = [
  {
    op: 'DescribeStream',
    input: { StreamName: '', Limit: 0, ExclusiveStartShardId: '' },
    violations: [
      at('limit', "'0'", VALUE_MIN_1),
      at('exclusiveStartShardId', "''", NAME_PATTERN),
      at('exclusiveStartShardId', "''", MIN_1),
      at('streamName', "''", NAME_PATTERN),
      at('streamName', "''", MIN_1),
    ],
  },
  {
    op: 'ListStreams',
    input: { Limit: 1000000, ExclusiveStartStreamName: LONG },
    violations: [
      at('limit', "'1000000'", 'Member must have value less than or equal to 10000'),
      at('exclusiveStartStreamName', `'${LONG}'`, MAX_128),
    ],
  },
  {
    op: 'ListTagsForStream',
    input: { StreamName: '', Limit: 0, ExclusiveStartTagKey: '' },
    violations: [
      at('limit', "'0'", VALUE_MIN_1),
      at('exclusiveStartTagKey', "''", MIN_1),
      at('streamName', "''", NAME_PATTERN),
      at('streamName', "''", MIN_1),
    ],
  },
  {
    op: 'AddTagsToStream',
    input: { StreamName: '', Tags: {} },
    violations: [
      at('tags', "'{}'", MIN_1),
      at('streamName', "''", NAME_PATTERN),
      at('streamName', "''", MIN_1),
    ],
  },
  {
    op: 'PutRecord',
    input: { StreamName: '', PartitionKey: '', Data: '', ExplicitHashKey: '', SequenceNumberForOrdering: '' },
    violations: [
      at('sequenceNumberForOrdering', "''", SEQ_PATTERN),
      at('partitionKey', "''", MIN_1),
      at('explicitHashKey', "''", HASH_PATTERN),
      at('streamName', "''", NAME_PATTERN),
      at('streamName', "''", MIN_1),
    ],
  },
  {
    op: 'SplitShard',
    input: { StreamName: '', ShardToSplit: '', NewStartingHashKey: '' },
    violations: [
      at('newStartingHashKey', "''", HASH_PATTERN),
      at('streamName', "''", NAME_PATTERN),
      at('streamName', "''", MIN_1),
      at('shardToSplit', "''", NAME_PATTERN),
      at('shardToSplit', "''", MIN_1),
    ],
  },
  {
    op: 'UpdateShardCount',
    input: { StreamName: LONG, TargetShardCount: 0 },
    violations: [
      at('scalingType', 'null', 'Member must not be null'),
      at('streamName', `'${LONG}'`, MAX_128),
      at('targetShardCount', "'0'", VALUE_MIN_1),
    ],
  },
];

describe('conformance: the order AWS lists validation errors in', () => {
  let app: App;
  withServer((a) => (app = a));

  for (const encoding of encodings) {
    for (const c of cases) {
      it(`${c.op} over ${encoding}`, async () => {
        const n = c.violations.length;
        expectError(
          await call(app, c.op, c.input, encoding),
          {
            type: 'ValidationException',
            text: `${n} validation errors detected: ${c.violations.join('; ')}`,
          },
          c.op,
        );
      });
    }
  }
});
