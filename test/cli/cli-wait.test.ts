import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { CreateEventSourceMappingCommand, UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import {
  createRecordingFunction,
  createStream,
  mappingState,
  withMappingServer,
  type MappingTestServer,
} from '../mappings/mapping-fixtures.js';
import { tributary } from './cli-helpers.js';

/** `tributary wait MAPPING` and GET /_tributary/mappings/UUID/drained. */
describe('tributary wait', () => {
  let s: MappingTestServer;
  withMappingServer((x) => (s = x));

  const put = (stream: string, from: number, n: number) =>
    s.k.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: Array.from({ length: n }, (_, i) => ({
          PartitionKey: `p${from + i}`,
          Data: Buffer.from(String(from + i)),
        })),
      }),
    );

  it('returns once every record written so far was processed: no sleep needed before reading the results', async () => {
    const arn = await createStream(s.k, s.app, 'waited', 2);
    // Slow enough that the records are not all processed by the time `wait` starts.
    const fn = await createRecordingFunction(s.app, s.l, 'waited-fn', { BEHAVIOUR: 'sleep:100' });
    await put('waited', 0, 40);
    const { UUID } = await s.l.send(
      new CreateEventSourceMappingCommand({
        FunctionName: fn.name,
        EventSourceArn: arn,
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 5,
      }),
    );
    const r = await tributary(['wait', UUID!, '--endpoint', s.app.endpoint]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /drained/);
    // Everything put before the wait has reached the function.
    assert.deepEqual(
      fn
        .datas()
        .map(Number)
        .sort((a, b) => a - b),
      Array.from({ length: 40 }, (_, i) => i),
    );

    // Again with --json, after more records: the answer is the endpoint's.
    await put('waited', 40, 10);
    const j = await tributary(['wait', UUID!, '--endpoint', s.app.endpoint, '--json']);
    assert.equal(j.code, 0, j.stderr);
    assert.deepEqual(JSON.parse(j.stdout), { UUID, Drained: true, RecordsBehind: 0 });
    assert.equal(new Set(fn.datas()).size, 50);
  });

  it('answers Drained false with what is left when the timeout comes first (a disabled mapping), exit code 1', async () => {
    const arn = await createStream(s.k, s.app, 'stuck');
    const fn = await createRecordingFunction(s.app, s.l, 'stuck-fn');
    const { UUID } = await s.l.send(
      new CreateEventSourceMappingCommand({
        FunctionName: fn.name,
        EventSourceArn: arn,
        StartingPosition: 'TRIM_HORIZON',
        Enabled: false,
      }),
    );
    await mappingState(s.app, UUID!, 'Disabled');
    await put('stuck', 0, 3);
    const res = await fetch(`${s.app.endpoint}/_tributary/mappings/${UUID}/drained?timeout=0`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { UUID, Drained: false, RecordsBehind: 3 });
    const r = await tributary(['wait', UUID!, '--endpoint', s.app.endpoint, '--timeout', '0']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /not drained: .* 3 record/);

    // Enabled again, the same wait succeeds (the mapping reads from TRIM_HORIZON).
    await s.l.send(new UpdateEventSourceMappingCommand({ UUID, Enabled: true }));
    const ok = await fetch(`${s.app.endpoint}/_tributary/mappings/${UUID}/drained?timeout=30`);
    assert.deepEqual(await ok.json(), { UUID, Drained: true, RecordsBehind: 0 });
    assert.equal(fn.datas().length, 3);
  });

  it('refuses an unknown mapping (404 ResourceNotFoundException) and a bad timeout', async () => {
    const res = await fetch(`${s.app.endpoint}/_tributary/mappings/nope/drained`);
    assert.equal(res.status, 404);
    const r = await tributary(['wait', 'nope', '--endpoint', s.app.endpoint]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ResourceNotFoundException/);
    const bad = await tributary(['wait', 'nope', '--endpoint', s.app.endpoint, '--timeout', 'x']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--timeout must be/);
  });
});
