import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { App } from '../../../src/app/app.js';
import { withServer } from '../../harness/helpers.js';
import { call, encodings, expectError } from './conformance-helpers.js';

/**
 * A member of the wrong JSON type is a SerializationException whose body says `Message`, in AWS's words for
 * the JSON type given and the member's type (kinesalite test/helpers.js assertType, recorded against Kinesis).
 * An enum given a number, list or structure is "Unexpected value type in payload" (issue 17's record of
 * today's AWS). CBOR gets the same words: AWS's CBOR answers are not recorded, so they are kept consistent.
 */

const NUMBER = 'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to';
const LIST = 'Start of list found where not expected';
const MAP = 'Start of structure or map found where not expected.';
const NUMBERS = [23, -2147483648, 2147483648, 34.56];

type Case = [value: unknown, message: string];

/** AWS's answers per member type: each value given, and the message. */
const CASES: Record<string, Case[]> = {
  String: [
    [true, 'class java.lang.Boolean can not be converted to an String'],
    ...NUMBERS.map((n): Case => [n, `${NUMBER} an String`]),
    [[], LIST],
    [{}, MAP],
  ],
  Integer: [
    ['23', 'class java.lang.String can not be converted to an Integer'],
    [true, 'class java.lang.Boolean can not be converted to an Integer'],
    [[], LIST],
    [{}, MAP],
  ],
  Boolean: [
    ['23', "'23' can not be converted to an Boolean"],
    ['maybe', "'MAYBE' can not be converted to an Boolean"],
    ...NUMBERS.slice(0, 3).map((n): Case => [n, `${NUMBER} an Boolean`]),
    [[], LIST],
    [{}, MAP],
  ],
  Blob: [
    [true, 'class java.lang.Boolean can not be converted to a Blob'],
    ...NUMBERS.map((n): Case => [n, `${NUMBER} a Blob`]),
    [[], LIST],
    [{}, MAP],
    [
      '23456',
      "'23456' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 5",
    ],
    ['=+/=', "'=+/=' can not be converted to a Blob: Invalid Base64 character: '='"],
    ['+/+=', "'+/+=' can not be converted to a Blob: Invalid last non-pad Base64 character dectected"],
  ],
  Timestamp: [
    [true, 'class java.lang.Boolean can not be converted to milliseconds since epoch'],
    ['23', 'class java.lang.String can not be converted to milliseconds since epoch'],
    [[], LIST],
    [{}, MAP],
  ],
  Enum: [
    [true, 'class java.lang.Boolean can not be converted to an String'],
    ...NUMBERS.map((n): Case => [n, 'Unexpected value type in payload']),
    [[], 'Unexpected value type in payload'],
    [{}, 'Unexpected value type in payload'],
  ],
  List: [...['23', true, ...NUMBERS].map((v): Case => [v, 'Expected list or null']), [{}, MAP]],
  Map: [...['23', true, ...NUMBERS].map((v): Case => [v, 'Expected map or null']), [[], LIST]],
  Structure: [...['23', true, ...NUMBERS].map((v): Case => [v, 'Expected null']), [[], LIST]],
};

/** Operation, member path (`Records.0.Data`: the first item's Data) and the member's type. */
const MEMBERS: Array<[operation: string, path: string, type: keyof typeof CASES]> = [
  ['CreateStream', 'StreamName', 'String'],
  ['CreateStream', 'ShardCount', 'Integer'],
  ['DeleteStream', 'EnforceConsumerDeletion', 'Boolean'],
  ['PutRecord', 'Data', 'Blob'],
  ['PutRecord', 'PartitionKey', 'String'],
  ['PutRecords', 'Records', 'List'],
  ['PutRecords', 'Records.0', 'Structure'],
  ['PutRecords', 'Records.0.Data', 'Blob'],
  ['PutRecords', 'Records.0.PartitionKey', 'String'],
  ['GetRecords', 'Limit', 'Integer'],
  ['GetShardIterator', 'ShardIteratorType', 'Enum'],
  ['GetShardIterator', 'Timestamp', 'Timestamp'],
  ['AddTagsToStream', 'Tags', 'Map'],
  ['AddTagsToStream', 'Tags.a', 'String'],
  ['RemoveTagsFromStream', 'TagKeys', 'List'],
  ['RemoveTagsFromStream', 'TagKeys.0', 'String'],
  ['CreateStream', 'StreamModeDetails', 'Structure'],
];

/** `{Records: [{Data: value}]}` for `Records.0.Data` (a `0` step is a list), as kinesalite builds them. */
function inputWith(path: string, value: unknown): Record<string, unknown> {
  const steps = path.split('.');
  const root: Record<string, unknown> = {};
  let node: Record<string, unknown> | unknown[] = root;
  for (let i = 0; i < steps.length; i++) {
    const last = i === steps.length - 1;
    const child = last ? value : steps[i + 1] === '0' ? [] : {};
    if (Array.isArray(node)) node.push(child);
    else node[steps[i]!] = child;
    node = child as Record<string, unknown> | unknown[];
  }
  return root;
}

describe('conformance: members of the wrong JSON type', () => {
  let app: App;
  withServer((a) => (app = a));

  for (const encoding of encodings) {
    it(`answers each member type's SerializationException with Message (${encoding})`, async () => {
      for (const [operation, path, type] of MEMBERS) {
        for (const [value, text] of CASES[type]!) {
          const a = await call(app, operation, inputWith(path, value), encoding);
          const why = `${operation} ${path} = ${JSON.stringify(value)} (${encoding})`;
          expectError(a, { type: 'SerializationException', key: 'Message', text }, why);
        }
      }
    });
  }

  it('reads the words AWS reads as booleans, and integers past Java int as its largest', async () => {
    for (const word of ['true', 'FALSE', 'yes', '0']) {
      const a = await call(app, 'DeleteStream', { StreamName: 'none', EnforceConsumerDeletion: word });
      expectError(
        a,
        { type: 'ResourceNotFoundException', text: 'Stream none under account 000000000000 not found.' },
        word,
      );
    }
    // 2^40 is read as 2147483647, which the shard limit then refuses (not the ValidationException of a range).
    const big = await call(app, 'CreateStream', { StreamName: 'big', ShardCount: 2 ** 40 });
    expectError(big, {
      type: 'LimitExceededException',
      text: /additional shards that would have resulted from this request: 2147483647\./,
    });
  });

  it('a type error is answered before any constraint failure', async () => {
    const a = await call(app, 'PutRecord', { StreamName: '', PartitionKey: '', Data: true });
    expectError(a, {
      type: 'SerializationException',
      key: 'Message',
      text: 'class java.lang.Boolean can not be converted to a Blob',
    });
    assert.equal(a.body?.['message'], undefined);
  });
});
