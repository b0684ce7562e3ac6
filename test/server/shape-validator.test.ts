import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLOUDWATCH_DIALECT } from '../../src/cloudwatch/errors.js';
import { AwsError, MAX_ECHO_CHARS } from '../../src/server/errors.js';
import {
  blob,
  boolean,
  entries,
  integer,
  list,
  map,
  required,
  string,
  structure,
  timestamp,
  unchecked,
} from '../../src/server/shapes.js';
import { validate, type Dialect } from '../../src/server/validate.js';
import { awsJsonDialect } from '../../src/server/validation-dialects.js';
import { SNS_DIALECT } from '../../src/sns/errors.js';
import { SQS_DIALECT } from '../../src/sqs/errors.js';

/**
 * The shape-driven validator: what each shape accepts and rejects, and the exact answer each service family
 * gives (type, query code, status, message), as the services' clients see them.
 */

/** The AwsError `validate` throws, as a client sees it. */
function rejected(
  shape: Parameters<typeof validate>[0],
  input: unknown,
  dialect: Dialect,
): { type: string; code: string | undefined; status: number; message: string } {
  try {
    validate(shape, input, dialect);
  } catch (err) {
    assert.ok(err instanceof AwsError, String(err));
    return { type: err.type, code: err.queryCompat?.code, status: err.status, message: err.message };
  }
  assert.fail(`accepted ${JSON.stringify(input)}`);
}

/** Each input is refused with a 400 SerializationException whose message is the one beside it. */
function serializationErrors(
  shape: Parameters<typeof validate>[0],
  dialect: Dialect,
  cases: Array<[Record<string, unknown>, string]>,
): void {
  for (const [input, message] of cases) {
    assert.deepEqual(rejected(shape, input, dialect), {
      type: 'SerializationException',
      code: undefined,
      status: 400,
      message,
    });
  }
}

describe('validator: what a shape keeps', () => {
  const shape = structure({
    Name: required(string({ min: 1, max: 3 })),
    Count: integer(),
    Tags: map(string()),
    Raw: unchecked(structure({ X: required(string()) })),
  });

  it('returns the declared members only, read into their types', () => {
    const out = validate(shape, { Name: 'abc', Count: 2, Extra: 'x', Tags: { k: 'v' } }, CLOUDWATCH_DIALECT);
    assert.deepEqual(out, { Name: 'abc', Count: 2, Tags: { k: 'v' } });
  });

  it('counts lengths in code points, and passes unchecked members through as given', () => {
    assert.equal(validate(shape, { Name: '😀😀😀' }, CLOUDWATCH_DIALECT).Name, '😀😀😀');
    assert.deepEqual(validate(shape, { Name: 'a', Raw: 5 }, CLOUDWATCH_DIALECT).Raw, 5);
  });

  it('keeps a map key `__proto__` as a key, as JSON.parse does', () => {
    const out = validate(shape, JSON.parse('{"Name":"a","Tags":{"__proto__":"v"}}'), CLOUDWATCH_DIALECT);
    assert.deepEqual(Object.keys(out.Tags!), ['__proto__']);
    assert.equal(Object.getPrototypeOf(out.Tags), Object.prototype);
  });

  it('matches patterns against the whole value', () => {
    const s = structure({ Id: string({ pattern: /[a-z]+/ }) });
    assert.deepEqual(validate(s, { Id: 'abc' }, CLOUDWATCH_DIALECT), { Id: 'abc' });
    assert.match(
      rejected(s, { Id: 'abc1' }, CLOUDWATCH_DIALECT).message,
      /regular expression pattern: \[a-z\]\+/,
    );
  });
});

describe('validator: CloudWatch (awsQueryCompatible)', () => {
  const dimension = structure({ Name: required(string({ min: 1, max: 255 })), Value: string({ max: 4 }) });
  const shape = structure({
    Namespace: required(string({ min: 1, max: 255 })),
    Dimensions: list(dimension, { max: 2 }),
    StartTime: timestamp(),
    Period: integer({ min: 1 }),
    Statistics: list(string({ enum: ['Sum', 'Maximum'] }), { min: 1, max: 5 }),
    Queries: list(structure({ ReturnData: boolean() })),
  });
  const ok = { Namespace: 'N' };

  it('reads numbers, booleans and timestamps from text too', () => {
    const out = validate(
      shape,
      { ...ok, Period: '60', StartTime: '2024-05-01T12:00:00Z', Queries: [{ ReturnData: 'false' }] },
      CLOUDWATCH_DIALECT,
    );
    assert.deepEqual(out, {
      ...ok,
      Period: 60,
      StartTime: Date.parse('2024-05-01T12:00:00Z'),
      Queries: [{ ReturnData: false }],
    });
    assert.equal(
      validate(shape, { ...ok, StartTime: 1714564800.5 }, CLOUDWATCH_DIALECT).StartTime,
      1714564800500,
    );
    assert.equal(validate(shape, { ...ok, StartTime: new Date(5) }, CLOUDWATCH_DIALECT).StartTime, 5);
  });

  it('answers a missing member with MissingParameter, named by its query key', () => {
    assert.deepEqual(rejected(shape, {}, CLOUDWATCH_DIALECT), {
      type: 'MissingRequiredParameterException',
      code: 'MissingParameter',
      status: 400,
      message: 'The parameter Namespace is required.',
    });
    assert.equal(
      rejected(shape, { ...ok, Dimensions: [{ Name: 'a' }, { Value: 'v' }] }, CLOUDWATCH_DIALECT).message,
      'The parameter Dimensions.member.2.Name is required.',
    );
  });

  it('answers a value of the wrong type with a SerializationException', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ Namespace: 5 }, 'Unexpected value type for Namespace: expected string'],
      [{ ...ok, Period: 'x' }, 'Unexpected value type for Period: expected integer'],
      [{ ...ok, Period: 1.5 }, 'Unexpected value type for Period: expected integer'],
      [{ ...ok, StartTime: 'yesterday' }, 'Unexpected value type for StartTime: expected timestamp'],
      [{ ...ok, Dimensions: 'x' }, 'Unexpected value type for Dimensions: expected list'],
      [{ ...ok, Dimensions: ['x'] }, 'Unexpected value type for Dimensions.member.1: expected structure'],
      [{ ...ok, Statistics: ['Sum', 5] }, 'Unexpected value type for Statistics: expected list of strings'],
      // Booleans are named by their member alone.
      [{ ...ok, Queries: [{ ReturnData: 'yes' }] }, 'Unexpected value type for ReturnData: expected boolean'],
    ];
    serializationErrors(shape, CLOUDWATCH_DIALECT, cases);
  });

  it('lists every constraint failure in one ValidationError, in member order', () => {
    const r = rejected(
      shape,
      {
        Namespace: '',
        Dimensions: [{ Name: 'a', Value: 'toolong' }, { Name: 'b' }, { Name: 'c' }],
        Period: 0,
        Statistics: ['Sum', 'Bogus'],
      },
      CLOUDWATCH_DIALECT,
    );
    assert.deepEqual(r, {
      type: 'ValidationError',
      code: 'ValidationError',
      status: 400,
      message:
        "5 validation errors detected: Value '' at 'namespace' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        `Value '[{"Name":"a","Value":"toolong"},{"Name":"b"},{"Name":"c"}]' at 'dimensions' failed to satisfy constraint: Member must have length less than or equal to 2; ` +
        "Value 'toolong' at 'dimensions.member.1.Value' failed to satisfy constraint: Member must have length less than or equal to 4; " +
        "Value '0' at 'period' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        "Value 'Bogus' at 'statistics.2.member' failed to satisfy constraint: Member must satisfy enum value set: [Sum, Maximum]",
    });
  });

  it('throws the first missing member even after collecting issues', () => {
    const s = structure({ A: string({ min: 2 }), B: required(string()) });
    assert.equal(rejected(s, { A: 'x' }, CLOUDWATCH_DIALECT).message, 'The parameter B is required.');
  });
});

describe('validator: SQS', () => {
  const entry = structure({ Id: unchecked(string()), Handle: required(string()) });
  const shape = structure({
    QueueUrl: required(string()),
    Max: integer({ min: 1, max: 10, reason: 'Must be between 1 and 10, if provided.' }),
    Names: list(string(), { flattened: true, memberName: 'Name' }),
    Attributes: map(unchecked(string())),
    Entries: entries(entry),
  });
  const ok = { QueueUrl: 'u' };
  const invalid = (message: string) => ({
    type: 'InvalidParameterValueException',
    code: 'InvalidParameterValue',
    status: 400,
    message,
  });

  it('reads numbers from text, and an empty number is not given', () => {
    assert.deepEqual(validate(shape, { ...ok, Max: ' 5 ' }, SQS_DIALECT), { ...ok, Max: 5 });
    assert.deepEqual(validate(shape, { ...ok, Max: '' }, SQS_DIALECT), ok);
  });

  it('answers a missing (or empty) member with MissingParameter', () => {
    for (const input of [{}, { QueueUrl: '' }, { QueueUrl: null }]) {
      assert.deepEqual(rejected(shape, input, SQS_DIALECT), {
        type: 'MissingRequiredParameterException',
        code: 'MissingParameter',
        status: 400,
        message: 'The request must contain the parameter QueueUrl.',
      });
    }
  });

  it('words a bad number with the member own reason, quoting the value as given', () => {
    const reason = 'is invalid. Reason: Must be between 1 and 10, if provided.';
    const cases: Array<[unknown, string]> = [
      [0, `Value 0 for parameter Max ${reason}`],
      ['11', `Value 11 for parameter Max ${reason}`],
      ['0100', `Value 0100 for parameter Max ${reason}`],
      ['abc', `Value abc for parameter Max ${reason}`],
      [1.5, `Value 1.5 for parameter Max ${reason}`],
      [true, `Value true for parameter Max ${reason}`],
      [[1], `Value [1] for parameter Max ${reason}`],
    ];
    for (const [Max, message] of cases)
      assert.deepEqual(rejected(shape, { ...ok, Max }, SQS_DIALECT), invalid(message));
    const long = rejected(shape, { ...ok, Max: 'x'.repeat(MAX_ECHO_CHARS + 1) }, SQS_DIALECT).message;
    assert.ok(long.startsWith(`Value ${'x'.repeat(MAX_ECHO_CHARS)}... for parameter Max`), long.slice(-80));
  });

  it('words values of the wrong type', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ QueueUrl: 5 }, 'Value 5 for parameter QueueUrl is invalid. Reason: must be a string.'],
      [{ ...ok, Names: 'x' }, 'Value for parameter Names is invalid. Reason: must be a list of strings.'],
      [
        { ...ok, Names: ['a', 5] },
        'Value for parameter Names is invalid. Reason: must be a list of strings.',
      ],
      [{ ...ok, Attributes: [] }, 'Value for parameter Attributes is invalid. Reason: must be a map.'],
      [
        { ...ok, Entries: 'x' },
        'Value for parameter Entries is invalid. Reason: must be a list of structures.',
      ],
      [
        { ...ok, Entries: [{}, 1] },
        'Value for parameter Entries is invalid. Reason: must be a list of structures.',
      ],
    ];
    for (const [input, message] of cases)
      assert.deepEqual(rejected(shape, input, SQS_DIALECT), invalid(message));
  });

  it('leaves batch entries to the action, which validates each one alone', () => {
    const out = validate(
      shape,
      { ...ok, Entries: [{ Id: 'a', Handle: 'h', X: 1 }, { Id: 'b' }] },
      SQS_DIALECT,
    );
    assert.deepEqual(out.Entries, [{ Id: 'a', Handle: 'h', X: 1 }, { Id: 'b' }]);
    assert.deepEqual(validate(entry, out.Entries![0], SQS_DIALECT), { Id: 'a', Handle: 'h' });
    assert.equal(
      rejected(entry, out.Entries![1], SQS_DIALECT).message,
      'The request must contain the parameter Handle.',
    );
  });
});

describe('validator: SNS', () => {
  const shape = structure({
    TopicArn: required(string({ pattern: /arn:[a-z]+/ })),
    Protocol: required(string()),
    Tags: list(structure({ Key: required(string({ min: 1 })) })),
  });
  const invalid = (message: string) => ({ type: 'InvalidParameter', code: undefined, status: 400, message });

  it('names a required parameter not given, or empty, with its reason', () => {
    assert.deepEqual(
      rejected(shape, { Protocol: 'sqs' }, SNS_DIALECT),
      invalid('Invalid parameter: TopicArn Reason: no value for required parameter'),
    );
    assert.deepEqual(
      rejected(shape, { TopicArn: 'arn:x', Protocol: '' }, SNS_DIALECT),
      invalid('Invalid parameter: Protocol Reason: no value for required parameter'),
    );
  });

  it('names the request parameter a failure is in', () => {
    assert.deepEqual(
      rejected(shape, { TopicArn: 'nope', Protocol: 'sqs' }, SNS_DIALECT),
      invalid('Invalid parameter: TopicArn'),
    );
    for (const Tags of [[{}], [{ Key: '' }]]) {
      assert.deepEqual(
        rejected(shape, { TopicArn: 'arn:x', Protocol: 'sqs', Tags }, SNS_DIALECT),
        invalid('Invalid parameter: Tags'),
      );
    }
  });
});

describe('validator: AWS JSON services (Kinesis, Lambda)', () => {
  const record = structure(
    { Data: required(blob({ max: 4 })), Key: required(string({ min: 1, max: 3 })) },
    { printed: 'com.example.Entry@2' },
  );
  const shape = structure({
    Name: required(string({ min: 1, max: 5, pattern: /[a-z]+/ })),
    Count: integer({ min: 1 }),
    Mode: structure({ Kind: required(string({ enum: ['A', 'B'] })) }),
    Records: list(record, { max: 2 }),
    Tags: map(string({ min: 0, max: 3 }), { key: string({ min: 1, max: 2 }), min: 1, dropNullValues: true }),
    Keys: list(string({ min: 1, max: 2 })),
    At: timestamp(),
  });
  const detected = (...parts: string[]): string =>
    `${parts.length} validation error${parts.length === 1 ? '' : 's'} detected: ${parts.join('; ')}`;

  it('reads blobs from base64 or bytes, timestamps from epoch seconds (also as text) or Dates, and truncates integers', () => {
    const out = validate(
      shape,
      { Name: 'ab', Count: 2.9, Records: [{ Data: 'AAE=', Key: 'k' }], At: '1.5' },
      awsJsonDialect,
    );
    assert.deepEqual(out, {
      Name: 'ab',
      Count: 2,
      Records: [{ Data: Buffer.from([0, 1]), Key: 'k' }],
      At: 1500,
    });
    assert.deepEqual(
      validate(shape, { Name: 'a', Records: [{ Data: new Uint8Array([7]), Key: 'k' }] }, awsJsonDialect)
        .Records,
      [{ Data: Buffer.from([7]), Key: 'k' }],
    );
  });

  it('lists every failure in one ValidationException, with AWS paths and printed values', () => {
    const r = rejected(
      shape,
      {
        Name: 'a b c d',
        Count: 0,
        Mode: { Kind: 5 },
        Records: [{ Data: 'AAAAAAAA' }, { Key: 'k', Data: 'AA==' }, { Key: 'k', Data: 'AA==' }],
        Tags: { '': 'v', abc: 'long', ok: null },
        Keys: ['', 'a', 'xyz'],
      },
      awsJsonDialect,
    );
    assert.deepEqual(r, {
      type: 'ValidationException',
      code: undefined,
      status: 400,
      message: detected(
        "Value 'a b c d' at 'name' failed to satisfy constraint: Member must have length less than or equal to 5",
        "Value 'a b c d' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z]+",
        "Value '0' at 'count' failed to satisfy constraint: Member must have value greater than or equal to 1",
        "Value '5' at 'mode.kind' failed to satisfy constraint: Member must satisfy enum value set: [A, B]",
        "Value '[com.example.Entry@2, com.example.Entry@2, com.example.Entry@2]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 2",
        "Value 'java.nio.HeapByteBuffer[pos=0 lim=6 cap=6]' at 'records.1.member.data' failed to satisfy constraint: Member must have length less than or equal to 4",
        "Value null at 'records.1.member.key' failed to satisfy constraint: Member must not be null",
        // A map's keys and values, and the lengths of a list's members, are reported once at the map or list.
        "Value '{=v, abc=long}' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 2, Member must have length greater than or equal to 1]",
        "Value '{=v, abc=long}' at 'tags' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 3, Member must have length greater than or equal to 0]",
        "Value '[, a, xyz]' at 'keys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 2, Member must have length greater than or equal to 1]",
      ),
    });
  });

  it('answers a value of the wrong type with a SerializationException naming the member', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ Name: 5 }, 'Unexpected value type for Name: expected string'],
      [{ Name: 'a', Count: '1' }, 'Unexpected value type for Count: expected number'],
      [{ Name: 'a', Mode: [] }, 'Unexpected value type for Mode: expected structure'],
      [{ Name: 'a', Records: {} }, 'Unexpected value type for Records: expected list'],
      [{ Name: 'a', Records: ['x'] }, 'Unexpected value type for Records member 1: expected structure'],
      [{ Name: 'a', Records: [{ Data: 5 }] }, 'Unexpected value type for Data: expected blob'],
      [{ Name: 'a', Records: [{ Data: 'A' }] }, 'Base64 encoded data for Data is malformed.'],
      [{ Name: 'a', Tags: { k: 1 } }, 'Unexpected value type for Tags.k: expected string'],
      [{ Name: 'a', Keys: [1] }, 'Unexpected value type for Keys member: expected string'],
      [{ Name: 'a', At: 'noon' }, 'Unexpected value type for At: expected timestamp'],
    ];
    serializationErrors(shape, awsJsonDialect, cases);
  });

  it('never quotes a sensitive value, and reports a shape check in its own words', () => {
    const s = structure({
      Env: map(string(), { key: string({ pattern: /[A-Z]+/ }), sensitive: true, typeName: 'map' }),
      One: list(unchecked(string()), {
        check: (l: unknown[]) => (l.length === 1 ? undefined : { value: l, constraint: 'Exactly one' }),
      }),
    });
    assert.deepEqual(
      rejected(s, { Env: { bad1: 'secret' }, One: ['a', 'b'] }, awsJsonDialect).message,
      detected(
        "Value null at 'env' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [A-Z]+]",
        "Value '[a, b]' at 'one' failed to satisfy constraint: Exactly one",
      ),
    );
    assert.equal(
      rejected(s, { Env: 'x' }, awsJsonDialect).message,
      'Unexpected value type for Env: expected map',
    );
  });
});
