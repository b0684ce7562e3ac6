// Triggers, as the Lambda console has them: a function's Kinesis event source mappings, "Add trigger" with every
// mapping setting, enable/disable/delete, and one trigger's state, per-shard progress and IteratorAge chart.
import { useState } from 'preact/hooks';
import { enc, kinesis, listMappings, listStreams, metricSeries, rest, sqs } from './api.mjs';
import {
  Chart,
  ErrorBox,
  Field,
  Loading,
  Seq,
  StatusBadge,
  arnName,
  html,
  ms,
  time,
  useAction,
  useLoad,
} from './ui.mjs';

const PATH = '/2015-03-31/event-source-mappings';
const mappingEvent = (uuid) => (type, d) =>
  ['mapping', 'batch', 'lag', 'discard'].includes(type) && (!uuid || d.uuid === uuid);

function setEnabled(uuid, Enabled) {
  return rest('PUT', `${PATH}/${enc(uuid)}`, { Enabled });
}

function Controls({ m, onDone }) {
  const [run, busy, error] = useAction(async (f) => {
    await f();
    onDone?.();
  });
  const enabled = m.State === 'Enabled' || m.State === 'Enabling' || m.State === 'Creating';
  return html`<span class="actions">
    <button type="button" disabled=${busy} onClick=${() => run(() => setEnabled(m.UUID, !enabled))}>
      ${enabled ? 'Disable' : 'Enable'}
    </button>
    <button
      type="button"
      class="danger"
      disabled=${busy}
      onClick=${() => confirm(`Delete trigger ${m.UUID}?`) && run(() => rest('DELETE', `${PATH}/${enc(m.UUID)}`))}
    >
      Delete
    </button>
    <${ErrorBox} error=${error} />
  </span>`;
}

export function TriggerList({ functionName }) {
  const { data, error, reload } = useLoad(() => listMappings(functionName), [functionName], mappingEvent());
  if (error) return html`<${ErrorBox} error=${error} />`;
  if (!data) return html`<${Loading} what="triggers" />`;
  if (data.length === 0) return html`<p class="muted">No triggers.</p>`;
  return html`<table class="list" aria-label="Triggers">
    <thead>
      <tr>
        <th>Source</th>
        <th>State</th>
        <th>Last processing result</th>
        <th>Batch size</th>
        <th>Starting position</th>
        <th>Actions</th>
      </tr>
    </thead>
    <tbody>
      ${data.map(
        (m) =>
          html`<tr data-uuid=${m.UUID}>
            <td><a href=${`#/triggers/${enc(m.UUID)}`}>Kinesis: ${arnName(m.EventSourceArn)}</a></td>
            <td><${StatusBadge} value=${m.State} /></td>
            <td>${m.LastProcessingResult}</td>
            <td>${m.BatchSize}</td>
            <td>${m.StartingPosition}</td>
            <td><${Controls} m=${m} onDone=${reload} /></td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

const num = (v) => (v === '' || v === undefined ? undefined : Number(v));

export function AddTrigger({ functionName }) {
  const [open, setOpen] = useState(false);
  const streams = useLoad(() => (open ? listStreams() : Promise.resolve([])), [open]);
  const [f, setF] = useState({
    stream: '',
    consumer: '',
    batchSize: '100',
    window: '0',
    position: 'LATEST',
    timestamp: '',
    destination: '',
    retries: '-1',
    maxAge: '-1',
    bisect: false,
    parallel: '1',
    reportFailures: false,
    tumbling: '0',
    filters: '',
    enabled: true,
  });
  const set = (k) => (e) =>
    setF({ ...f, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  const streamArn = (streams.data ?? []).find((s) => s.StreamName === f.stream)?.StreamARN;
  const consumers = useLoad(
    () =>
      streamArn
        ? kinesis('ListStreamConsumers', { StreamARN: streamArn }).then((r) => r.Consumers ?? [])
        : Promise.resolve([]),
    [streamArn],
  );
  // Suggestions for the on-failure destination: the queues' ARNs (an SNS topic's ARN can be typed).
  const queues = useLoad(async () => {
    if (!open) return [];
    const urls = (await sqs('ListQueues', {})).QueueUrls ?? [];
    const attrs = await Promise.all(
      urls.map((QueueUrl) => sqs('GetQueueAttributes', { QueueUrl, AttributeNames: ['QueueArn'] })),
    );
    return attrs.map((a) => a.Attributes?.QueueArn).filter(Boolean);
  }, [open]);
  const [add, busy, error, added] = useAction(async () => {
    const body = {
      FunctionName: functionName,
      EventSourceArn: f.consumer || streamArn,
      BatchSize: num(f.batchSize),
      MaximumBatchingWindowInSeconds: num(f.window),
      StartingPosition: f.position,
      MaximumRetryAttempts: num(f.retries),
      MaximumRecordAgeInSeconds: num(f.maxAge),
      BisectBatchOnFunctionError: f.bisect,
      ParallelizationFactor: num(f.parallel),
      TumblingWindowInSeconds: num(f.tumbling),
      FunctionResponseTypes: f.reportFailures ? ['ReportBatchItemFailures'] : [],
      Enabled: f.enabled,
    };
    if (f.position === 'AT_TIMESTAMP') body.StartingPositionTimestamp = Date.parse(f.timestamp) / 1000;
    if (f.destination.trim()) body.DestinationConfig = { OnFailure: { Destination: f.destination.trim() } };
    const patterns = f.filters
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    if (patterns.length > 0) body.FilterCriteria = { Filters: patterns.map((Pattern) => ({ Pattern })) };
    const m = await rest('POST', `${PATH}/`, body);
    setOpen(false);
    return m;
  });
  if (!open) {
    return html`<p>
      <button type="button" onClick=${() => setOpen(true)}>Add trigger</button>
      ${added ? html` <span role="status" class="ok">Trigger ${added.UUID} added (${added.State}).</span>` : null}
    </p>`;
  }
  return html`<form class="card" aria-label="Add trigger" onSubmit=${(e) => (e.preventDefault(), add())}>
    <h2>Add trigger</h2>
    <div class="grid">
      <${Field} label="Source"
        ><select name="source" disabled>
          <option>Kinesis</option>
        </select><//
      >
      <${Field} label="Kinesis stream">
        <select name="stream" required value=${f.stream} onChange=${set('stream')}>
          <option value="">Choose a stream</option>
          ${(streams.data ?? []).map((s) => html`<option value=${s.StreamName}>${s.StreamName}</option>`)}
        </select>
      <//>
      <${Field} label="Consumer (optional)" hint="Enhanced fan-out: read through a registered consumer">
        <select name="consumer" value=${f.consumer} onChange=${set('consumer')}>
          <option value="">No consumer (shared throughput)</option>
          ${(consumers.data ?? []).map((c) => html`<option value=${c.ConsumerARN}>${c.ConsumerName}</option>`)}
        </select>
      <//>
      <${Field} label="Batch size" hint="1–10000"
        ><input
          name="batch-size"
          type="number"
          min="1"
          max="10000"
          value=${f.batchSize}
          onInput=${set('batchSize')}
      /><//>
      <${Field} label="Batch window (s)" hint="0–300"
        ><input
          name="batch-window"
          type="number"
          min="0"
          max="300"
          value=${f.window}
          onInput=${set('window')}
      /><//>
      <${Field} label="Starting position">
        <select name="starting-position" value=${f.position} onChange=${set('position')}>
          <option>LATEST</option>
          <option>TRIM_HORIZON</option>
          <option>AT_TIMESTAMP</option>
        </select>
      <//>
      ${
        f.position === 'AT_TIMESTAMP'
          ? html`<${Field} label="Timestamp"
              ><input
                name="timestamp"
                type="datetime-local"
                step="1"
                required
                value=${f.timestamp}
                onInput=${set('timestamp')}
            /><//>`
          : null
      }
      <${Field} label="On-failure destination" hint="SQS queue or SNS topic ARN"
        ><input
          name="destination"
          list="destinations"
          size="40"
          value=${f.destination}
          onInput=${set('destination')}
        />
        <datalist id="destinations">
          ${(queues.data ?? []).map((arn) => html`<option value=${arn} />`)}
        </datalist><//
      >
      <${Field} label="Retry attempts" hint="-1 (infinite) or 0–10000"
        ><input
          name="retry-attempts"
          type="number"
          min="-1"
          max="10000"
          value=${f.retries}
          onInput=${set('retries')}
      /><//>
      <${Field} label="Maximum age of record (s)" hint="-1 (infinite) or 60–604800"
        ><input
          name="maximum-record-age"
          type="number"
          min="-1"
          max="604800"
          value=${f.maxAge}
          onInput=${set('maxAge')}
      /><//>
      <${Field} label="Concurrent batches per shard" hint="1–10"
        ><input
          name="parallelization-factor"
          type="number"
          min="1"
          max="10"
          value=${f.parallel}
          onInput=${set('parallel')}
      /><//>
      <${Field} label="Tumbling window (s)" hint="0–900"
        ><input
          name="tumbling-window"
          type="number"
          min="0"
          max="900"
          value=${f.tumbling}
          onInput=${set('tumbling')}
      /><//>
    </div>
    <label class="check"
      ><input type="checkbox" name="split-batch" checked=${f.bisect} onChange=${set('bisect')} /> Split batch
      on error</label
    >
    <label class="check"
      ><input
        type="checkbox"
        name="report-failures"
        checked=${f.reportFailures}
        onChange=${set('reportFailures')}
      />
      Report batch item failures</label
    >
    <${Field} label="Filters" hint='One FilterCriteria pattern per line, e.g. {"data": {"type": ["order"]}}'>
      <textarea name="filters" class="code" rows="2" onInput=${set('filters')}>${f.filters}</textarea>
    <//>
    <label class="check"
      ><input type="checkbox" name="enabled" checked=${f.enabled} onChange=${set('enabled')} /> Enable
      trigger</label
    >
    <p>
      <button type="submit" disabled=${busy || !streamArn}>Add</button>
      <button type="button" onClick=${() => setOpen(false)}>Cancel</button>
    </p>
    <${ErrorBox} error=${error ?? streams.error ?? queues.error} />
  </form>`;
}

async function loadTrigger(uuid) {
  const [m, shards] = await Promise.all([
    rest('GET', `${PATH}/${enc(uuid)}`),
    rest('GET', `/_tributary/mappings/${enc(uuid)}/shards`).then((r) => r.Shards),
  ]);
  const series = await metricSeries([
    {
      id: 'age',
      namespace: 'AWS/Lambda',
      metric: 'IteratorAge',
      dimensions: { EventSourceMappingUUID: uuid },
      stat: 'Maximum',
    },
    // The rest of the page is still worth showing: the chart's failure is shown in its place.
  ]).catch((error) => ({ error }));
  return { m, shards, age: series.age, ageError: series.error };
}

export function TriggerPage({ uuid }) {
  const { data, error, reload } = useLoad(() => loadTrigger(uuid), [uuid], mappingEvent(uuid));
  if (!data)
    return html`<h1 tabindex="-1">Trigger</h1>
      <${ErrorBox} error=${error} />${error ? null : html`<${Loading} what="the trigger" />`}`;
  const { m, shards, age, ageError } = data;
  const fn = arnName(m.FunctionArn);
  return html`
    <h1 tabindex="-1">Trigger: Kinesis ${arnName(m.EventSourceArn)} → ${fn}</h1>
    <p><a href=${`#/functions/${enc(fn)}`}>Back to ${fn}</a></p>
    <${ErrorBox} error=${error} />
    <dl class="facts">
      <dt>State</dt>
      <dd><${StatusBadge} value=${m.State} /> <${Controls} m=${m} onDone=${reload} /></dd>
      <dt>Last processing result</dt>
      <dd data-field="last-processing-result">${m.LastProcessingResult}</dd>
      <dt>UUID</dt>
      <dd><code>${m.UUID}</code></dd>
      <dt>Source</dt>
      <dd><code>${m.EventSourceArn}</code></dd>
      <dt>Batch size / window</dt>
      <dd>${m.BatchSize} / ${m.MaximumBatchingWindowInSeconds} s</dd>
      <dt>Starting position</dt>
      <dd>
        ${m.StartingPosition}${m.StartingPositionTimestamp ? ` (${time(m.StartingPositionTimestamp)})` : ''}
      </dd>
      <dt>Retries / record age</dt>
      <dd>${m.MaximumRetryAttempts} / ${m.MaximumRecordAgeInSeconds} s</dd>
      <dt>Split on error / per shard</dt>
      <dd>${m.BisectBatchOnFunctionError ? 'yes' : 'no'} / ${m.ParallelizationFactor}</dd>
      <dt>Response types</dt>
      <dd>${(m.FunctionResponseTypes ?? []).join(', ') || '—'}</dd>
      <dt>Tumbling window</dt>
      <dd>${m.TumblingWindowInSeconds ?? 0} s</dd>
      <dt>On failure</dt>
      <dd>
        ${m.DestinationConfig?.OnFailure?.Destination ? html`<code>${m.DestinationConfig.OnFailure.Destination}</code>` : '—'}
      </dd>
      <dt>Filters</dt>
      <dd>
        ${(m.FilterCriteria?.Filters ?? []).map((x) => html`<code>${x.Pattern}</code> `)}${m.FilterCriteria?.Filters?.length ? '' : '—'}
      </dd>
    </dl>
    <h2>Shards</h2>
    ${
      shards.length === 0
        ? html`<p class="muted">Not reading (the trigger is not enabled, or its stream is gone).</p>`
        : html`<table class="list" aria-label="Shard progress">
            <thead>
              <tr>
                <th>Shard</th>
                <th>Checkpoint</th>
                <th>Tip</th>
                <th>Records behind</th>
                <th>Iterator age</th>
              </tr>
            </thead>
            <tbody>
              ${shards.map(
                (s) =>
                  html`<tr data-shard=${s.ShardId}>
                    <td>${s.ShardId}</td>
                    <td><${Seq} value=${s.CheckpointSequenceNumber} /></td>
                    <td><${Seq} value=${s.TipSequenceNumber} /></td>
                    <td data-field="records-behind">${s.RecordsBehind}</td>
                    <td>${ms(s.IteratorAgeMs)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    <h2>IteratorAge (maximum per minute, last 30 minutes)</h2>
    <${ErrorBox} error=${ageError} />
    <${Chart} series=${age} label="IteratorAge" unit=" ms" />
  `;
}
