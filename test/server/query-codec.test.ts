import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AwsError } from '../../src/server/errors.js';
import { decodeQuery, encodeXml } from '../../src/server/protocols/query-codec.js';
import { QueryParams, renderXml } from '../../src/server/protocols/query.js';
import {
  boolean,
  double,
  entriesKey,
  integer,
  itemsKey,
  list,
  map,
  memberKey,
  string,
  structure,
  timestamp,
  type Shape,
  type StructureShape,
} from '../../src/server/shapes.js';

/**
 * The query codec: flattened parameters in by shape, XML out by shape. Parameters are built here the way
 * botocore's query serializer builds them, so a decode of them must give back the value they came from.
 */

/** botocore's query serialization of `value` (shape `shape`) at `key`. */
function serialize(shape: Shape, value: unknown, key: string, out: Map<string, string>): void {
  switch (shape.type) {
    case 'structure':
      for (const [name, member] of Object.entries(shape.members)) {
        const v = (value as Record<string, unknown>)[name];
        if (v !== undefined) serialize(member, v, memberKey(key, name, member), out);
      }
      return;
    case 'list': {
      const items = value as unknown[];
      // The query protocol sends an empty list as a bare `Name=`.
      if (items.length === 0) out.set(key, '');
      items.forEach((item, i) => serialize(shape.member, item, `${itemsKey(key, shape)}.${i + 1}`, out));
      return;
    }
    case 'map':
      Object.entries(value as Record<string, unknown>).forEach(([k, v], i) => {
        const entry = `${entriesKey(key, shape)}.${i + 1}`;
        out.set(`${entry}.${shape.keyName ?? 'key'}`, k);
        serialize(shape.value, v, `${entry}.${shape.valueName ?? 'value'}`, out);
      });
      return;
    case 'timestamp':
      out.set(key, new Date(value as number).toISOString());
      return;
    default:
      out.set(key, String(value));
  }
}

function params(shape: StructureShape, value: Record<string, unknown>): QueryParams {
  const out = new Map<string, string>();
  serialize(shape, value, '', out);
  return new QueryParams(out);
}

const paramsOf = (entries: Record<string, string>): QueryParams =>
  new QueryParams(new Map(Object.entries(entries)));

describe('query codec: parameters in', () => {
  it('reads what botocore writes: wrapped lists of structures, nested, with typed scalars', () => {
    const shape = structure({
      Queries: list(
        structure({
          Id: string(),
          Stat: structure({
            Period: integer(),
            Metric: structure({ Dims: list(structure({ Name: string() })) }),
          }),
          ReturnData: boolean(),
        }),
      ),
      Start: timestamp(),
      Ratio: double(),
      Stats: list(string()),
      Empty: list(string()),
    });
    const value = {
      Queries: [
        {
          Id: 'a',
          Stat: { Period: 60, Metric: { Dims: [{ Name: 'x' }, { Name: 'y' }] } },
          ReturnData: false,
        },
        { Id: 'b' },
      ],
      Start: Date.parse('2024-05-01T12:00:00Z'),
      Ratio: 0.5,
      Stats: ['Sum', 'Maximum'],
      Empty: [],
    };
    const p = params(shape, value);
    assert.equal(p.get('Queries.member.1.Stat.Metric.Dims.member.2.Name'), 'y');
    const decoded = decodeQuery(shape, p, { scalars: 'typed' });
    assert.deepEqual(decoded, { ...value, Start: new Date(value.Start) });
  });

  it('reads flattened lists and maps under their own names, and maps of structures (SQS)', () => {
    const attribute = structure({ StringValue: string(), BinaryValue: string(), DataType: string() });
    const shape = structure({
      AttributeNames: list(string(), { flattened: true, memberName: 'AttributeName' }),
      Attributes: map(string(), { flattened: true, name: 'Attribute', keyName: 'Name', valueName: 'Value' }),
      MessageAttributes: map(attribute, {
        flattened: true,
        name: 'MessageAttribute',
        keyName: 'Name',
        valueName: 'Value',
      }),
      Entries: list(structure({ Id: string(), Body: string() }), { flattened: true, memberName: 'Entry' }),
    });
    const value = {
      AttributeNames: ['All', 'QueueArn'],
      Attributes: { VisibilityTimeout: '40', DelaySeconds: '0' },
      MessageAttributes: {
        Count: { StringValue: '1', DataType: 'Number' },
        Bin: { BinaryValue: 'AAE=', DataType: 'Binary' },
      },
      Entries: [{ Id: 'one', Body: 'first' }],
    };
    const p = params(shape, value);
    assert.deepEqual(
      [
        p.get('AttributeName.2'),
        p.get('Attribute.1.Name'),
        p.get('MessageAttribute.2.Value.BinaryValue'),
        p.get('Entry.1.Body'),
      ],
      ['QueueArn', 'VisibilityTimeout', 'AAE=', 'first'],
    );
    assert.deepEqual(decodeQuery(shape, p, { scalars: 'text' }), value);
  });

  it('reads wrapped maps with renamed keys (SNS)', () => {
    const shape = structure({
      Attributes: map(string()),
      MessageAttributes: map(structure({ DataType: string(), StringValue: string() }), {
        keyName: 'Name',
        valueName: 'Value',
      }),
      Tags: list(structure({ Key: string(), Value: string() })),
    });
    const value = {
      Attributes: { DisplayName: 'T', Policy: '{}' },
      MessageAttributes: { a: { DataType: 'String', StringValue: 'x' } },
      Tags: [{ Key: 'k', Value: 'v' }],
    };
    const p = params(shape, value);
    assert.deepEqual(
      [
        p.get('Attributes.entry.2.key'),
        p.get('MessageAttributes.entry.1.Value.DataType'),
        p.get('Tags.member.1.Key'),
      ],
      ['Policy', 'String', 'k'],
    );
    assert.deepEqual(decodeQuery(shape, p, { scalars: 'text' }), value);
  });

  it('keeps items in index order, skips gaps, and leaves out members not given', () => {
    const shape = structure({
      L: list(string()),
      M: map(string()),
      S: structure({ A: string() }),
      X: string(),
    });
    const p = paramsOf({
      'L.member.10': 'ten',
      'L.member.2': 'two',
      'L.member.x': 'not an item',
      'M.entry.3.key': 'k3',
      'M.entry.1.key': 'k1',
      'M.entry.1.value': 'v1',
      'M.entry.2.value': 'no key: no entry',
    });
    // An entry without a value has the empty value, as AWS reads it.
    assert.deepEqual(decodeQuery(shape, p, { scalars: 'text' }), {
      L: ['two', 'ten'],
      M: { k1: 'v1', k3: '' },
    });
  });

  it('keeps scalars as text when asked to, for a validator that reads them itself', () => {
    const shape = structure({ N: integer(), B: boolean(), T: timestamp() });
    const p = paramsOf({ N: ' 07', B: 'yes', T: 'later' });
    assert.deepEqual(decodeQuery(shape, p, { scalars: 'text' }), { N: ' 07', B: 'yes', T: 'later' });
  });

  it('refuses typed scalars that are not what their shape says, naming the parameter', () => {
    const shape = structure({
      Q: list(structure({ N: integer(), B: boolean(), T: timestamp(), D: double() })),
    });
    const cases: Array<[string, string, string]> = [
      ['N', ' 60', 'Unable to parse Q.member.1.N as an integer:  60'],
      ['B', 'yes', 'Unable to parse Q.member.1.B as a boolean: yes'],
      ['T', 'later', 'Unable to parse Q.member.1.T as a timestamp: later'],
      ['D', '', 'Unable to parse Q.member.1.D as a number: '],
    ];
    for (const [member, text, message] of cases) {
      assert.throws(
        () => decodeQuery(shape, paramsOf({ [`Q.member.1.${member}`]: text }), { scalars: 'typed' }),
        (err: unknown) =>
          err instanceof AwsError && err.type === 'SerializationException' && err.message === message,
      );
    }
    // Epoch seconds are a timestamp too.
    assert.deepEqual(decodeQuery(shape, paramsOf({ 'Q.member.1.T': '1714564800.5' }), { scalars: 'typed' }), {
      Q: [{ T: new Date(1714564800500) }],
    });
  });

  it('finds parameters under a prefix, not under a longer name', () => {
    const p = paramsOf({ AB: '1', 'A.member.1': 'x', 'A.member.10.Name': 'y', 'AB.member.2': 'z' });
    assert.equal(p.present('A'), true);
    assert.equal(p.present('A.member.1'), true);
    assert.equal(p.present('A.member.3'), false);
    assert.deepEqual(p.indexes('A.member'), [1, 10]);
    assert.deepEqual(p.indexes('AB.member'), [2]);
  });
});

describe('query codec: XML out', () => {
  const xml = (shape: StructureShape, value: Record<string, unknown>): string =>
    renderXml(encodeXml(shape, value));

  it('writes members in the shape order, wrapped and flattened, leaving out what is absent (SQS)', () => {
    const shape = structure({
      Messages: list(
        structure({
          MessageId: string(),
          Body: string(),
          Attributes: map(string(), {
            flattened: true,
            name: 'Attribute',
            keyName: 'Name',
            valueName: 'Value',
          }),
          MD5: string(),
        }),
        { flattened: true, memberName: 'Message' },
      ),
      Failed: list(structure({ Id: string(), SenderFault: boolean() }), {
        flattened: true,
        memberName: 'Error',
      }),
    });
    const out = xml(shape, {
      Messages: [{ Body: 'a<b>&"\'', MessageId: 'm1', Attributes: { SenderId: 's' } }],
      Failed: [{ Id: 'x', SenderFault: true }],
      Unknown: 'left out',
    });
    assert.equal(
      out,
      '<Message><MessageId>m1</MessageId><Body>a&#60;b&#62;&#38;&#34;&#39;</Body>' +
        '<Attribute><Name>SenderId</Name><Value>s</Value></Attribute></Message>' +
        '<Error><Id>x</Id><SenderFault>true</SenderFault></Error>',
    );
  });

  it('writes wrapped lists and maps, empty ones as an empty element, doubles and timestamps (CloudWatch)', () => {
    const shape = structure({
      Label: string(),
      Datapoints: list(
        structure({ Timestamp: timestamp(), Sum: double(), Average: double(), Ext: map(double()) }),
      ),
      Messages: list(structure({ Code: string() })),
      Topics: list(string(), { memberName: 'Arn' }),
    });
    const out = xml(shape, {
      Label: 'L',
      Datapoints: [
        {
          Timestamp: new Date(Date.parse('2024-05-01T12:00:00.250Z')),
          Sum: 3,
          Average: 1.5,
          Ext: { p99: 2 },
        },
      ],
      Messages: [],
      Topics: ['t'],
    });
    assert.equal(
      out,
      '<Label>L</Label><Datapoints><member><Timestamp>2024-05-01T12:00:00Z</Timestamp><Sum>3.0</Sum>' +
        '<Average>1.5</Average><Ext><entry><key>p99</key><value>2.0</value></entry></Ext></member></Datapoints>' +
        '<Messages/><Topics><Arn>t</Arn></Topics>',
    );
  });

  it('writes an output with nothing in it as no elements', () => {
    assert.equal(xml(structure({ A: string(), B: list(string(), { flattened: true }) }), {}), '');
  });
});
