// Failed batches: the on-failure destination messages of every trigger whose destination is an SQS queue (peeked
// with ReceiveMessage and a visibility timeout of 0, so they stay in the queue), with their shard and sequence
// range; "Replay" sends the batch's records to the function again (POST /_tributary/mappings/UUID/replay).
import { useState } from 'preact/hooks';
import { enc, listMappings, rest, sqs } from './api.mjs';
import {
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

/** `arn:aws:sqs:REGION:ACCOUNT:NAME` -> NAME; undefined for another kind of ARN. */
const queueName = (arn) => (/^arn:aws[\w-]*:sqs:[^:]*:\d+:(.+)$/.exec(arn ?? '') ?? [])[1];

async function loadFailed() {
  const mappings = (await listMappings()).filter((m) => m.DestinationConfig?.OnFailure?.Destination);
  const destinations = [...new Set(mappings.map((m) => m.DestinationConfig.OnFailure.Destination))];
  const out = [];
  const topics = [];
  for (const arn of destinations) {
    const name = queueName(arn);
    if (!name) {
      topics.push(arn);
      continue;
    }
    const { QueueUrl } = await sqs('GetQueueUrl', { QueueName: name });
    const r = await sqs('ReceiveMessage', {
      QueueUrl,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 0,
      WaitTimeSeconds: 0,
    });
    for (const msg of r.Messages ?? []) {
      let body;
      try {
        body = JSON.parse(msg.Body);
      } catch {
        continue; // not a failure record: another producer's message in the same queue
      }
      const info = body.KinesisBatchInfo;
      if (!info) continue;
      const m = mappings.find(
        (x) =>
          x.DestinationConfig.OnFailure.Destination === arn &&
          x.EventSourceArn.startsWith(info.streamArn) &&
          x.FunctionArn === body.requestContext?.functionArn,
      );
      out.push({ id: msg.MessageId, queueUrl: QueueUrl, receipt: msg.ReceiptHandle, body, info, mapping: m });
    }
  }
  out.sort((a, b) => String(b.body.timestamp).localeCompare(String(a.body.timestamp)));
  return { batches: out, topics, mappings: mappings.length };
}

export function FailedPage() {
  const { data, error, reload } = useLoad(loadFailed, [], (type) => type === 'discard');
  return html`
    <h1 tabindex="-1">Failed batches</h1>
    <p class="muted">
      On-failure destination messages of the triggers that send to an SQS queue. Replay reads the batch's
      records from the stream again and invokes the function with them (for instance once it is fixed); the
      trigger's checkpoints do not move. Listing a queue receives its messages with a visibility timeout of 0,
      so they stay in the queue, but each listing counts as a receive (as the AWS console's "Poll for
      messages" does).
    </p>
    <${ErrorBox} error=${error} />
    <p><button type="button" onClick=${reload}>Refresh</button></p>
    ${
      data === undefined
        ? html`<${Loading} what="failed batches" />`
        : html`
            ${data.topics.map((t) => html`<p class="muted">Trigger destination <code>${t}</code> is an SNS topic: subscribe an SQS queue to it to see its messages.</p>`)}
            ${
              data.batches.length === 0
                ? html`<p class="muted">
                    No failed
                    batches${data.mappings === 0 ? ' (no trigger has an on-failure destination)' : ''}.
                  </p>`
                : html`<table class="list" aria-label="Failed batches">
                    <thead>
                      <tr>
                        <th>When</th>
                        <th>Condition</th>
                        <th>Function</th>
                        <th>Shard</th>
                        <th>Sequence range</th>
                        <th>Records</th>
                        <th>Actions</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${data.batches.map((b) => html`<${Batch} b=${b} key=${b.id} onDone=${reload} />`)}
                    </tbody>
                  </table>`
            }
          `
    }
  `;
}

function Batch({ b, onDone }) {
  const [qualifier, setQualifier] = useState('');
  const [replay, busy, error, result] = useAction(() =>
    rest('POST', `/_tributary/mappings/${enc(b.mapping.UUID)}/replay`, {
      ...b.body,
      ...(qualifier.trim() ? { Qualifier: qualifier.trim() } : {}),
    }),
  );
  const [remove, removing, removeError] = useAction(async () => {
    await sqs('DeleteMessage', { QueueUrl: b.queueUrl, ReceiptHandle: b.receipt });
    onDone();
  });
  const rc = b.body.requestContext ?? {};
  return html`<tr data-start=${b.info.startSequenceNumber}>
    <td>${time(b.body.timestamp)}</td>
    <td>${rc.condition}<br /><span class="muted">${rc.approximateInvokeCount} invokes</span></td>
    <td>
      ${b.mapping ? html`<a href=${`#/triggers/${enc(b.mapping.UUID)}`}>${arnName(rc.functionArn)}</a>` : arnName(rc.functionArn)}
    </td>
    <td>${b.info.shardId}</td>
    <td><${Seq} value=${b.info.startSequenceNumber} /> – <${Seq} value=${b.info.endSequenceNumber} /></td>
    <td>${b.info.batchSize}</td>
    <td class="actions">
      ${
        b.mapping
          ? html`<form class="inline" aria-label="Replay" onSubmit=${(e) => (e.preventDefault(), replay())}>
              <${Field} label="Version or alias (optional)"
                ><input
                  name="qualifier"
                  size="8"
                  value=${qualifier}
                  onInput=${(e) => setQualifier(e.target.value)}
              /><//>
              <button type="submit" disabled=${busy}>Replay</button>
            </form>`
          : html`<span class="muted">Its trigger is gone</span>`
      }
      <button type="button" disabled=${removing} onClick=${remove}>Delete message</button>
      <${ErrorBox} error=${error ?? removeError} />
      ${
        result
          ? html`<div role="status" class="replay-result">
              <${StatusBadge} value=${result.FunctionError ? `Failed: ${result.FunctionError}` : 'OK'} />
              ${result.Records} records, ${ms(result.DurationMs)}, ${result.ExecutedVersion}
              <pre class="data">${result.Payload}</pre>
            </div>`
          : null
      }
    </td>
  </tr>`;
}
