import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import {
  CreateEventSourceMappingCommand,
  UpdateEventSourceMappingCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import type { App } from '../../src/app/app.js';

import {
  createRecordingFunction,
  createStream,
  withMappingServer,
  mappingEvent,
  enabledMapping,
} from './mapping-fixtures.js';
import { hooks } from '../harness/hooks.js';

/** Resolves once the mapping has checkpointed `position` (filtered records advance it too). */
function checkpointAt(app: App, uuid: string, position: number): Promise<unknown> {
  return mappingEvent(app, 'checkpoint', (e) => e.uuid === uuid && e.position >= position);
}

describe('event filtering in mappings', () => {
  let app: App;
  let k: KinesisClient;
  let l: LambdaClient;
  withMappingServer((s) => ({ app, k, l } = s));

  it('two mappings with different filters on one stream each get exactly their records, bytes untouched', async () => {
    const streamArn = await createStream(k, app, 'filtered', 1);
    const eu = await createRecordingFunction(app, l, 'eu-fn');
    const big = await createRecordingFunction(app, l, 'big-fn');
    const records = [
      '{"region":"eu-west-1","amount":5}',
      '{"region":"us-east-1","amount":500}',
      'not json at all',
      '{ "region" : "eu-central-1", "amount" : 1000 }',
      '{"region":"ap-south-1","amount":7}',
    ];
    const m1 = await l.send(
      new CreateEventSourceMappingCommand({
        FunctionName: eu.name,
        EventSourceArn: streamArn,
        StartingPosition: 'TRIM_HORIZON',
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ data: { region: [{ prefix: 'eu-' }] } }) }] },
      }),
    );
    const m2 = await l.send(
      new CreateEventSourceMappingCommand({
        FunctionName: big.name,
        EventSourceArn: streamArn,
        StartingPosition: 'TRIM_HORIZON',
        FilterCriteria: {
          Filters: [{ Pattern: JSON.stringify({ data: { amount: [{ numeric: ['>=', 500] }] } }) }],
        },
      }),
    );
    assert.deepEqual(
      m1.FilterCriteria?.Filters?.[0]?.Pattern,
      JSON.stringify({ data: { region: [{ prefix: 'eu-' }] } }),
    );
    const done1 = checkpointAt(app, m1.UUID!, 5);
    const done2 = checkpointAt(app, m2.UUID!, 5);
    await k.send(
      new PutRecordsCommand({
        StreamName: 'filtered',
        Records: records.map((d) => ({ Data: Buffer.from(d), PartitionKey: 'p' })),
      }),
    );
    await Promise.all([done1, done2]);
    assert.deepEqual(eu.datas(), [records[0], records[3]]);
    assert.deepEqual(big.datas(), [records[1], records[3]]);
    assert.equal(hooks(app).metricRecorder.mappings.get(m1.UUID!)!.filtered, 3);
  });

  it('a batch left empty by the filter invokes nothing, yet the checkpoint moves past it', async () => {
    const streamArn = await createStream(k, app, 'nothing', 1);
    const fn = await createRecordingFunction(app, l, 'nothing-fn');
    const m = await l.send(
      new CreateEventSourceMappingCommand({
        FunctionName: fn.name,
        EventSourceArn: streamArn,
        StartingPosition: 'TRIM_HORIZON',
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ partitionKey: ['wanted'] }) }] },
      }),
    );
    const done = checkpointAt(app, m.UUID!, 3);
    await k.send(
      new PutRecordsCommand({
        StreamName: 'nothing',
        Records: ['a', 'b', 'c'].map((d) => ({ Data: Buffer.from(d), PartitionKey: 'other' })),
      }),
    );
    await done;
    assert.equal(fn.invokes().length, 0);
  });

  it('filters stored records on their sequence number, partition key and arrival time', async () => {
    const streamArn = await createStream(k, app, 'metadata', 1);
    const fn = await createRecordingFunction(app, l, 'metadata-fn');
    const before = Date.now() / 1000 - 60;
    const put = await k.send(
      new PutRecordsCommand({
        StreamName: 'metadata',
        Records: ['r0', 'r1', 'r2', 'r3'].map((d, i) => ({ Data: Buffer.from(d), PartitionKey: `k${i}` })),
      }),
    );
    const seq1 = put.Records![1]!.SequenceNumber!;
    const m = await l.send(
      new CreateEventSourceMappingCommand({
        FunctionName: fn.name,
        EventSourceArn: streamArn,
        StartingPosition: 'TRIM_HORIZON',
        Enabled: false, // enabled once the test listens for its checkpoint
        FilterCriteria: {
          Filters: [
            { Pattern: JSON.stringify({ sequenceNumber: [seq1] }) },
            {
              Pattern: JSON.stringify({
                partitionKey: ['k3'],
                approximateArrivalTimestamp: [{ numeric: ['>', before] }],
              }),
            },
            { Pattern: JSON.stringify({ approximateArrivalTimestamp: [{ numeric: ['<', before] }] }) },
          ],
        },
      }),
    );
    const done = checkpointAt(app, m.UUID!, 4);
    await l.send(new UpdateEventSourceMappingCommand({ UUID: m.UUID!, Enabled: true }));
    await done;
    assert.deepEqual(fn.datas(), ['r1', 'r3']);
  });

  it('rejects invalid patterns at Create and Update with InvalidParameterValueException', async () => {
    const streamArn = await createStream(k, app, 'badpattern', 1);
    const fn = await createRecordingFunction(app, l, 'badpattern-fn');
    const bad = async (p: Promise<unknown>): Promise<void> =>
      assert.rejects(
        p,
        (e: Error) =>
          e.name === 'InvalidParameterValueException' &&
          /Invalid filter pattern definition\./.test(e.message),
      );
    await bad(
      l.send(
        new CreateEventSourceMappingCommand({
          FunctionName: fn.name,
          EventSourceArn: streamArn,
          StartingPosition: 'LATEST',
          FilterCriteria: { Filters: [{ Pattern: '{"data": "not-an-array"}' }] },
        }),
      ),
    );
    const m = await enabledMapping(app, l, {
      FunctionName: fn.name,
      EventSourceArn: streamArn,
      StartingPosition: 'LATEST',
    });
    await bad(
      l.send(
        new UpdateEventSourceMappingCommand({
          UUID: m.UUID!,
          FilterCriteria: { Filters: [{ Pattern: '{not json' }] },
        }),
      ),
    );
  });
});
