// Triggers, as the Lambda console has them: a function's Kinesis event source mappings, "Add trigger" with every
// mapping setting, enable/disable/delete, and one trigger's state, per-shard progress and IteratorAge chart.
import { useEffect, useRef, useState } from 'preact/hooks';
import { enc, listMappings, metricSeries, rest } from './api.mjs';
import { TriggerForm, fieldsOf, settingsOf } from './trigger-form.mjs';
import {
  Chart,
  ErrorBox,
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

export function AddTrigger({ functionName }) {
  const [open, setOpen] = useState(false);
  const [added, setAdded] = useState(undefined);
  // Closing the form (Add, Cancel, Escape) puts the focus back on the button that opened it.
  const button = useRef(null);
  const wasOpen = useRef(false);
  useEffect(() => {
    if (!open && wasOpen.current) button.current?.focus();
    wasOpen.current = open;
  }, [open]);
  const submit = async (f, streamArn) => {
    const body = {
      FunctionName: functionName,
      EventSourceArn: f.consumer || streamArn,
      StartingPosition: f.position,
      ...settingsOf(f, false),
    };
    if (f.position === 'AT_TIMESTAMP') body.StartingPositionTimestamp = Date.parse(f.timestamp) / 1000;
    setAdded(await rest('POST', `${PATH}/`, body));
    setOpen(false);
  };
  if (!open) {
    return html`<p>
      <button type="button" ref=${button} onClick=${() => setOpen(true)}>Add trigger</button>
      ${added ? html` <span role="status" class="ok">Trigger ${added.UUID} added (${added.State}).</span>` : null}
    </p>`;
  }
  return html`<${TriggerForm}
    label="Add trigger"
    action="Add"
    submit=${submit}
    cancel=${() => setOpen(false)}
  />`;
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
  const [editing, setEditing] = useState(false);
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
    ${
      editing
        ? html`<${TriggerForm}
            label="Edit trigger"
            action="Save"
            edit
            initial=${fieldsOf(m)}
            submit=${async (f) => {
              await rest('PUT', `${PATH}/${enc(uuid)}`, settingsOf(f, true));
              setEditing(false);
              reload();
            }}
            cancel=${() => setEditing(false)}
          />`
        : html`<p><button type="button" onClick=${() => setEditing(true)}>Edit</button></p>`
    }
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
