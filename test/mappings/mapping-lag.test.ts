// Honest lag metrics (issue 14): while a mapping is behind, the records-behind gauge and IteratorAge (the age of the
// oldest record not yet processed) are visible in Prometheus and `tributary status` even though no batch completes.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import {
  enabledMapping,
  createRecordingFunction,
  createStream,
  mappingEvent,
  recordsDelivered,
  mappingTestServer,
} from './mapping-fixtures.js';

function gauge(text: string, name: string, uuid: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`uuid="${uuid}"`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('mapping lag', () => {
  it('shows records behind and a rising IteratorAge while the function is slow, and 0 behind once caught up', async () => {
    await using server = await mappingTestServer({ mappings: { lagIntervalMs: 50 } });
    const { app, k, l } = server;
    const arn = await createStream(k, app, 'lagging');
    const fn = await createRecordingFunction(app, l, 'slow-fn', { BEHAVIOUR: 'sleep:400' });
    const m = await enabledMapping(app, l, {
      FunctionName: fn.name,
      EventSourceArn: arn,
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 1,
    });
    const uuid = m.UUID!;
    await k.send(
      new PutRecordsCommand({
        StreamName: 'lagging',
        Records: Array.from({ length: 6 }, (_, i) => ({ PartitionKey: 'k', Data: Buffer.from(`r${i}`) })),
      }),
    );
    const first = await mappingEvent(app, 'lag', (e) => e.uuid === uuid && e.recordsBehind >= 4);
    assert.equal(first.shards.length, 1);
    const later = await mappingEvent(
      app,
      'lag',
      (e) => e.uuid === uuid && e.recordsBehind >= 4 && e.iteratorAgeMs > first.iteratorAgeMs,
    );
    assert.ok(later.iteratorAgeMs > first.iteratorAgeMs);

    const metrics = await (await fetch(`${app.endpoint}/metrics`)).text();
    assert.ok(
      (gauge(metrics, 'tributary_event_source_mapping_records_behind', uuid) ?? 0) >= 1,
      'records behind gauge',
    );
    assert.ok(
      (gauge(metrics, 'tributary_event_source_mapping_oldest_pending_record_age_ms', uuid) ?? 0) > 0,
      'iterator age gauge',
    );
    const status = (await (await fetch(`${app.endpoint}/_tributary/status`)).json()) as {
      mappings: Array<{ uuid: string; recordsBehind: number; iteratorAgeMs: number }>;
    };
    const s = status.mappings.find((x) => x.uuid === uuid)!;
    assert.ok(s.recordsBehind >= 1 && s.iteratorAgeMs > 0, JSON.stringify(s));

    const caughtUp = mappingEvent(app, 'lag', (e) => e.uuid === uuid && e.recordsBehind === 0);
    await recordsDelivered(app, uuid, 6);
    await caughtUp;
    const after = await (await fetch(`${app.endpoint}/metrics`)).text();
    assert.equal(gauge(after, 'tributary_event_source_mapping_records_behind', uuid), 0);
  });
});
