// The form of a trigger's settings, as the Lambda console has it: for "Add trigger" (every field) and for editing a
// trigger (the source and starting position are fixed once created, as on AWS).
import { useEffect, useRef, useState } from 'preact/hooks';
import { kinesis, listStreams, sqs } from './api.mjs';
import { ErrorBox, Field, html, useAction, useLoad } from './ui.mjs';

export const NEW_TRIGGER = {
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
};

/** The form's values for an existing mapping. */
export function fieldsOf(m) {
  return {
    ...NEW_TRIGGER,
    stream: /:stream\/([^/]+)/.exec(m.EventSourceArn)?.[1] ?? '',
    consumer: m.EventSourceArn.includes('/consumer/') ? m.EventSourceArn : '',
    batchSize: String(m.BatchSize),
    window: String(m.MaximumBatchingWindowInSeconds ?? 0),
    position: m.StartingPosition,
    destination: m.DestinationConfig?.OnFailure?.Destination ?? '',
    retries: String(m.MaximumRetryAttempts ?? -1),
    maxAge: String(m.MaximumRecordAgeInSeconds ?? -1),
    bisect: Boolean(m.BisectBatchOnFunctionError),
    parallel: String(m.ParallelizationFactor ?? 1),
    reportFailures: (m.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
    tumbling: String(m.TumblingWindowInSeconds ?? 0),
    filters: (m.FilterCriteria?.Filters ?? []).map((f) => f.Pattern).join('\n'),
    enabled: m.State === 'Enabled' || m.State === 'Enabling' || m.State === 'Creating',
  };
}

const num = (v) => (v === '' || v === undefined ? undefined : Number(v));

/**
 * The settings both CreateEventSourceMapping and UpdateEventSourceMapping take. For an update an emptied
 * destination or filter list is sent empty, which removes it (Lambda's way).
 */
export function settingsOf(f, update) {
  const body = {
    BatchSize: num(f.batchSize),
    MaximumBatchingWindowInSeconds: num(f.window),
    MaximumRetryAttempts: num(f.retries),
    MaximumRecordAgeInSeconds: num(f.maxAge),
    BisectBatchOnFunctionError: f.bisect,
    ParallelizationFactor: num(f.parallel),
    TumblingWindowInSeconds: num(f.tumbling),
    FunctionResponseTypes: f.reportFailures ? ['ReportBatchItemFailures'] : [],
    Enabled: f.enabled,
  };
  const destination = f.destination.trim();
  if (destination || update)
    body.DestinationConfig = { OnFailure: destination ? { Destination: destination } : {} };
  const patterns = f.filters
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (patterns.length > 0 || update)
    body.FilterCriteria = { Filters: patterns.map((Pattern) => ({ Pattern })) };
  return body;
}

/**
 * `submit(f, streamArn)` is called with the values; `edit` fixes the source and starting position. `label` names
 * the form (its heading and accessible name), `action` its submit button.
 */
export function TriggerForm({ label, action, initial, edit = false, submit, cancel }) {
  const streams = useLoad(() => (edit ? Promise.resolve([]) : listStreams()), [edit]);
  const [f, setF] = useState(initial ?? NEW_TRIGGER);
  const set = (k) => (e) =>
    setF({ ...f, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  /** A number setting: its label, the range its hint states, the input's name and range, the key it sets in `f`. */
  const numberField = (label, hint, name, min, max, k) =>
    html`<${Field} label=${label} hint=${hint}
      ><input name=${name} type="number" min=${min} max=${max} value=${f[k]} onInput=${set(k)}
    /><//>`;
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
    const urls = (await sqs('ListQueues', {})).QueueUrls ?? [];
    const attrs = await Promise.all(
      urls.map((QueueUrl) => sqs('GetQueueAttributes', { QueueUrl, AttributeNames: ['QueueArn'] })),
    );
    return attrs.map((a) => a.Attributes?.QueueArn).filter(Boolean);
  }, []);
  const [add, busy, error] = useAction(() => submit(f, streamArn));
  // Keyboard: the form opens on its first field it lets you change, and Escape cancels it.
  const form = useRef(null);
  useEffect(() => form.current?.querySelector('select:enabled, input:enabled')?.focus(), []);
  const onKeyDown = (e) => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    cancel();
  };
  return html`<form
    class="card"
    aria-label=${label}
    ref=${form}
    onKeyDown=${onKeyDown}
    onSubmit=${(e) => (e.preventDefault(), add())}
  >
    <h2>${label}</h2>
    <div class="grid">
      <${Field} label="Source"
        ><select name="source" disabled>
          <option>Kinesis</option>
        </select><//
      >
      <${Field} label="Kinesis stream">
        <select name="stream" required disabled=${edit} value=${f.stream} onChange=${set('stream')}>
          <option value="">Choose a stream</option>
          ${edit ? html`<option value=${f.stream}>${f.stream}</option>` : null}
          ${(streams.data ?? []).map((s) => html`<option value=${s.StreamName}>${s.StreamName}</option>`)}
        </select>
      <//>
      <${Field} label="Consumer (optional)" hint="Enhanced fan-out: read through a registered consumer">
        <select name="consumer" disabled=${edit} value=${f.consumer} onChange=${set('consumer')}>
          <option value="">No consumer (shared throughput)</option>
          ${edit && f.consumer ? html`<option value=${f.consumer}>${f.consumer.split('/').pop()}</option>` : null}
          ${(consumers.data ?? []).map((c) => html`<option value=${c.ConsumerARN}>${c.ConsumerName}</option>`)}
        </select>
      <//>
      ${numberField('Batch size', '1–10000', 'batch-size', '1', '10000', 'batchSize')}
      ${numberField('Batch window (s)', '0–300', 'batch-window', '0', '300', 'window')}
      <${Field} label="Starting position">
        <select name="starting-position" disabled=${edit} value=${f.position} onChange=${set('position')}>
          <option>LATEST</option>
          <option>TRIM_HORIZON</option>
          <option>AT_TIMESTAMP</option>
        </select>
      <//>
      ${
        f.position === 'AT_TIMESTAMP' && !edit
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
      ${numberField('Retry attempts', '-1 (infinite) or 0–10000', 'retry-attempts', '-1', '10000', 'retries')}
      ${numberField('Maximum age of record (s)', '-1 (infinite) or 60–604800', 'maximum-record-age', '-1', '604800', 'maxAge')}
      ${numberField('Concurrent batches per shard', '1–10', 'parallelization-factor', '1', '10', 'parallel')}
      ${numberField('Tumbling window (s)', '0–900', 'tumbling-window', '0', '900', 'tumbling')}
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
      <button type="submit" disabled=${busy || (!edit && !streamArn)}>${action}</button>
      <button type="button" onClick=${cancel}>Cancel</button>
    </p>
    <${ErrorBox} error=${error ?? streams.error ?? queues.error} />
  </form>`;
}
