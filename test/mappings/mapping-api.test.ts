import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import type { App } from '../../src/app/app.js';
import { kinesisClient, rejectsWith, transports, withTestServer } from '../harness/helpers.js';
import { createRecordingFunction, createStream, lambdaClient, mappingState } from './mapping-fixtures.js';

for (const transport of transports) {
  describe(`event source mapping API over ${transport}`, () => {
    let app: App;
    let k: KinesisClient;
    let l: LambdaClient;
    let streamArn: string;
    withTestServer(
      {},
      (a) => ({ k: kinesisClient(a, transport), l: lambdaClient(a, transport) }),
      (a, made) => {
        app = a;
        ({ k, l } = made);
      },
    );
    before(async () => {
      streamArn = await createStream(k, app, 'api', 1);
      await createRecordingFunction(app, l, 'api-fn');
      await createRecordingFunction(app, l, 'api-fn-2');
    });

    it('creates with AWS defaults, gets, lists, updates and deletes', async () => {
      const created = await l.send(
        new CreateEventSourceMappingCommand({
          FunctionName: 'api-fn',
          EventSourceArn: streamArn,
          StartingPosition: 'LATEST',
        }),
      );
      assert.equal(created.$metadata.httpStatusCode, 202);
      assert.match(created.UUID!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(
        created.EventSourceMappingArn,
        `arn:aws:lambda:us-east-1:000000000000:event-source-mapping:${created.UUID}`,
      );
      assert.equal(created.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:api-fn');
      assert.equal(created.EventSourceArn, streamArn);
      assert.equal(created.BatchSize, 100);
      assert.equal(created.MaximumBatchingWindowInSeconds, 0);
      assert.equal(created.ParallelizationFactor, 1);
      assert.equal(created.MaximumRecordAgeInSeconds, -1);
      assert.equal(created.MaximumRetryAttempts, -1);
      assert.equal(created.BisectBatchOnFunctionError, false);
      assert.equal(created.TumblingWindowInSeconds, 0);
      assert.deepEqual(created.FunctionResponseTypes, []);
      assert.deepEqual(created.DestinationConfig, { OnFailure: {} });
      assert.equal(created.StartingPosition, 'LATEST');
      assert.equal(created.State, 'Creating');
      assert.equal(created.StateTransitionReason, 'User action');
      assert.equal(created.LastProcessingResult, 'No records processed');
      assert.ok(created.LastModified instanceof Date);
      await mappingState(app, created.UUID!, 'Enabled');

      const got = await l.send(new GetEventSourceMappingCommand({ UUID: created.UUID! }));
      assert.equal(got.State, 'Enabled');
      assert.equal(got.$metadata.httpStatusCode, 200);

      const listed = await l.send(new ListEventSourceMappingsCommand({ EventSourceArn: streamArn }));
      assert.ok(listed.EventSourceMappings!.some((m) => m.UUID === created.UUID));
      const byFn = await l.send(new ListEventSourceMappingsCommand({ FunctionName: 'api-fn' }));
      assert.deepEqual(
        byFn.EventSourceMappings!.map((m) => m.UUID),
        [created.UUID],
      );
      const none = await l.send(new ListEventSourceMappingsCommand({ FunctionName: 'api-fn-2' }));
      assert.deepEqual(none.EventSourceMappings, []);

      const updated = await l.send(
        new UpdateEventSourceMappingCommand({
          UUID: created.UUID!,
          BatchSize: 500,
          MaximumBatchingWindowInSeconds: 2,
          ParallelizationFactor: 3,
          MaximumRetryAttempts: 5,
          BisectBatchOnFunctionError: true,
        }),
      );
      assert.equal(updated.$metadata.httpStatusCode, 202);
      assert.equal(updated.State, 'Updating');
      assert.equal(updated.BatchSize, 500);
      await mappingState(app, created.UUID!, 'Enabled');
      const after = await l.send(new GetEventSourceMappingCommand({ UUID: created.UUID! }));
      assert.deepEqual(
        [
          after.BatchSize,
          after.MaximumBatchingWindowInSeconds,
          after.ParallelizationFactor,
          after.MaximumRetryAttempts,
          after.BisectBatchOnFunctionError,
        ],
        [500, 2, 3, 5, true],
      );

      const deleted = await l.send(new DeleteEventSourceMappingCommand({ UUID: created.UUID! }));
      assert.equal(deleted.$metadata.httpStatusCode, 202);
      assert.equal(deleted.State, 'Deleting');
      await mappingState(app, created.UUID!, 'Deleting');
      await rejectsWith(
        l.send(new GetEventSourceMappingCommand({ UUID: created.UUID! })),
        'ResourceNotFoundException',
        /./,
        404,
      );
    });

    it('pages ListEventSourceMappings with Marker and MaxItems', async () => {
      const s2 = await createStream(k, app, 'paging', 1);
      const uuids: string[] = [];
      for (const fn of ['api-fn', 'api-fn-2']) {
        const m = await l.send(
          new CreateEventSourceMappingCommand({
            FunctionName: fn,
            EventSourceArn: s2,
            StartingPosition: 'TRIM_HORIZON',
          }),
        );
        uuids.push(m.UUID!);
      }
      const p1 = await l.send(new ListEventSourceMappingsCommand({ EventSourceArn: s2, MaxItems: 1 }));
      assert.equal(p1.EventSourceMappings!.length, 1);
      assert.ok(p1.NextMarker);
      const p2 = await l.send(
        new ListEventSourceMappingsCommand({ EventSourceArn: s2, MaxItems: 1, Marker: p1.NextMarker }),
      );
      assert.equal(p2.EventSourceMappings!.length, 1);
      assert.equal(p2.NextMarker, undefined);
      assert.deepEqual(
        [p1.EventSourceMappings![0]!.UUID, p2.EventSourceMappings![0]!.UUID].sort(),
        [...uuids].sort(),
      );
      for (const u of uuids) await l.send(new DeleteEventSourceMappingCommand({ UUID: u }));
    });

    it('rejects bad input with AWS error types and messages', async () => {
      const base = {
        FunctionName: 'api-fn',
        EventSourceArn: streamArn,
        StartingPosition: 'TRIM_HORIZON' as const,
      };
      const missing = 'arn:aws:kinesis:us-east-1:000000000000:stream/nope';
      await rejectsWith(
        l.send(new CreateEventSourceMappingCommand({ ...base, EventSourceArn: missing })),
        'InvalidParameterValueException',
        new RegExp(`Stream not found: ${missing}`),
      );
      await rejectsWith(
        l.send(new CreateEventSourceMappingCommand({ ...base, FunctionName: 'no-such-fn' })),
        'ResourceNotFoundException',
        /Function does not exist/,
        404,
      );
      await rejectsWith(
        l.send(new CreateEventSourceMappingCommand({ ...base, StartingPosition: undefined })),
        'InvalidParameterValueException',
        /startingPosition/,
      );
      await rejectsWith(
        l.send(new CreateEventSourceMappingCommand({ ...base, StartingPosition: 'AT_TIMESTAMP' })),
        'InvalidParameterValueException',
        /StartingPositionTimestamp/,
      );
      await rejectsWith(
        l.send(new CreateEventSourceMappingCommand({ ...base, BatchSize: 0 })),
        'ValidationException',
        /Value '0' at 'batchSize' failed to satisfy constraint: Member must have value greater than or equal to 1/,
      );
      await rejectsWith(
        l.send(new CreateEventSourceMappingCommand({ ...base, BatchSize: 10001 })),
        'ValidationException',
        /at 'batchSize' failed to satisfy constraint: Member must have value less than or equal to 10000/,
      );
      await rejectsWith(
        l.send(new CreateEventSourceMappingCommand({ ...base, MaximumBatchingWindowInSeconds: 301 })),
        'ValidationException',
        /maximumBatchingWindowInSeconds/,
      );
      await rejectsWith(
        l.send(new CreateEventSourceMappingCommand({ ...base, ParallelizationFactor: 11 })),
        'ValidationException',
        /parallelizationFactor/,
      );
      await rejectsWith(
        l.send(new CreateEventSourceMappingCommand({ ...base, MaximumRetryAttempts: 10001 })),
        'ValidationException',
        /maximumRetryAttempts/,
      );
      await rejectsWith(
        l.send(new CreateEventSourceMappingCommand({ ...base, MaximumRecordAgeInSeconds: 30 })),
        'InvalidParameterValueException',
        /MaximumRecordAgeInSeconds/,
      );
      await rejectsWith(
        l.send(new CreateEventSourceMappingCommand({ ...base, TumblingWindowInSeconds: 901 })),
        'ValidationException',
        /tumblingWindowInSeconds/,
      );
      await rejectsWith(
        l.send(
          new CreateEventSourceMappingCommand({
            ...base,
            DestinationConfig: { OnSuccess: { Destination: 'arn:aws:sqs:us-east-1:000000000000:q' } },
          }),
        ),
        'InvalidParameterValueException',
        /Unsupported DestinationConfig parameter for given event source mapping type\./,
      );
      await rejectsWith(
        l.send(new CreateEventSourceMappingCommand({ ...base, StartingPosition: 'BOGUS' as never })),
        'ValidationException',
        /Member must satisfy enum value set: \[TRIM_HORIZON, LATEST, AT_TIMESTAMP\]/,
      );
      const first = await l.send(new CreateEventSourceMappingCommand(base));
      await rejectsWith(
        l.send(new CreateEventSourceMappingCommand(base)),
        'ResourceConflictException',
        new RegExp(
          `The event source arn \\( ${streamArn} \\) and function \\( api-fn \\) provided mapping already exists\\. Please update or delete the existing mapping with UUID ${first.UUID}`,
        ),
        409,
      );
      const unknown = '7a2b5c1e-0000-4000-8000-000000000000';
      await rejectsWith(
        l.send(new GetEventSourceMappingCommand({ UUID: unknown })),
        'ResourceNotFoundException',
        /./,
        404,
      );
      await rejectsWith(
        l.send(new UpdateEventSourceMappingCommand({ UUID: unknown, BatchSize: 5 })),
        'ResourceNotFoundException',
        /./,
        404,
      );
      await rejectsWith(
        l.send(new DeleteEventSourceMappingCommand({ UUID: unknown })),
        'ResourceNotFoundException',
        /./,
        404,
      );
      await mappingState(app, first.UUID!, 'Enabled');
      await rejectsWith(
        l.send(new UpdateEventSourceMappingCommand({ UUID: first.UUID!, BatchSize: 0 })),
        'ValidationException',
        /batchSize/,
      );
      await l.send(new DeleteEventSourceMappingCommand({ UUID: first.UUID! }));
    });
  });
}
