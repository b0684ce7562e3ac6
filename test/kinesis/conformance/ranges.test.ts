import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { App } from '../../../src/app/app.js';
import { withServer } from '../../harness/helpers.js';
import { call, encodings, expectError } from './conformance-helpers.js';

/**
 * Every integer range of Kinesis's inputs, as today's API model states them (botocore kinesis 2013-12-02:
 * ShardCount and TargetShardCount PositiveIntegerObject, WarmThroughputMiBps NaturalIntegerObject,
 * MaxRecordSizeInKiB, the Limit and MaxResults shapes), plus TargetShardCount's maximum of 100000, which AWS
 * answered in kinesalite's UpdateShardCount test though the public model does not state it. A value at each bound
 * passes validation (the call goes on to the stream's own answer); one past it is AWS's ValidationException.
 */

const ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/none';

interface Range {
  op: string;
  member: string;
  min?: number;
  max?: number;
  /** The rest of a request that passes validation. */
  rest: (n: number) => Record<string, unknown>;
}

const RANGES: Range[] = [
  { op: 'CreateStream', member: 'ShardCount', min: 1, rest: (n) => ({ StreamName: `s${n}` }) },
  {
    op: 'CreateStream',
    member: 'WarmThroughputMiBps',
    min: 0,
    rest: (n) => ({ StreamName: `w${n}`, ShardCount: 1 }),
  },
  {
    op: 'CreateStream',
    member: 'MaxRecordSizeInKiB',
    min: 1024,
    max: 10240,
    rest: (n) => ({ StreamName: `m${n}`, ShardCount: 1 }),
  },
  { op: 'DescribeStream', member: 'Limit', min: 1, max: 10000, rest: () => ({ StreamName: 'none' }) },
  { op: 'GetRecords', member: 'Limit', min: 1, max: 10000, rest: () => ({ ShardIterator: 'x' }) },
  { op: 'ListShards', member: 'MaxResults', min: 1, max: 10000, rest: () => ({ StreamName: 'none' }) },
  { op: 'ListStreamConsumers', member: 'MaxResults', min: 1, max: 10000, rest: () => ({ StreamARN: ARN }) },
  { op: 'ListStreams', member: 'Limit', min: 1, max: 10000, rest: () => ({}) },
  { op: 'ListTagsForStream', member: 'Limit', min: 1, max: 50, rest: () => ({ StreamName: 'none' }) },
  {
    op: 'UpdateShardCount',
    member: 'TargetShardCount',
    min: 1,
    max: 100000,
    rest: () => ({ StreamName: 'none', ScalingType: 'UNIFORM_SCALING' }),
  },
];

const path = (member: string): string => member[0]!.toLowerCase() + member.slice(1);

describe('conformance: integer ranges', () => {
  let app: App;
  withServer((a) => (app = a));
  let created = 0;

  for (const encoding of encodings) {
    for (const r of RANGES) {
      const bounds = [
        ...(r.min === undefined ? [] : [{ ok: r.min, bad: r.min - 1, words: 'greater', limit: r.min }]),
        ...(r.max === undefined ? [] : [{ ok: r.max, bad: r.max + 1, words: 'less', limit: r.max }]),
      ];
      for (const b of bounds) {
        it(`${r.op} ${r.member} ${b.words} than or equal to ${b.limit} over ${encoding}`, async () => {
          const n = ++created;
          const past = await call(app, r.op, { ...r.rest(n), [r.member]: b.bad }, encoding);
          expectError(past, {
            type: 'ValidationException',
            text: `1 validation error detected: Value '${b.bad}' at '${path(r.member)}' failed to satisfy constraint: Member must have value ${b.words} than or equal to ${b.limit}`,
          });
          const at = await call(app, r.op, { ...r.rest(n), [r.member]: b.ok }, encoding);
          assert.notEqual(at.body?.['__type'], 'ValidationException', at.raw.toString());
          assert.notEqual(at.body?.['__type'], 'SerializationException', at.raw.toString());
        });
      }
    }
  }
});
