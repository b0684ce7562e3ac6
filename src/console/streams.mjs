// Streams: the list (status, shards, retention, write rate) with "Create stream"; one stream's shards (open or
// closed, hash ranges, first and last sequence numbers, lineage), resharding and a test record.
import { useState } from 'preact/hooks';
import { enc, kinesis, listShards, listStreams, metricSeries, rest, toBase64 } from './api.mjs';
import { Chart, ErrorBox, Field, Loading, Seq, StatusBadge, html, time, useAction, useLoad } from './ui.mjs';

const streamEvent = (name) => (type, d) =>
  (type === 'stream' || type === 'shards') && (!name || d.stream === name);

async function loadStreams() {
  const summaries = await listStreams();
  const details = await Promise.all(
    summaries.map((s) =>
      kinesis('DescribeStreamSummary', { StreamName: s.StreamName }).then((r) => r.StreamDescriptionSummary),
    ),
  );
  const rates = await metricSeries(
    details.map((d, i) => ({
      id: `s${i}`,
      namespace: 'AWS/Kinesis',
      metric: 'IncomingRecords',
      dimensions: { StreamName: d.StreamName },
      stat: 'Sum',
      fill: 0,
    })),
    // Without the metrics the list is still worth showing: their failure is shown beside it.
  ).catch((error) => ({ error }));
  const list = details.map((d, i) => ({ ...d, rate: rates[`s${i}`] }));
  list.metricsError = rates.error;
  return list;
}

export function StreamsPage() {
  const { data, error, reload } = useLoad(loadStreams, [], streamEvent());
  return html`
    <h1 tabindex="-1">Streams</h1>
    <${ErrorBox} error=${error ?? data?.metricsError} />
    ${
      data === undefined
        ? html`<${Loading} what="streams" />`
        : data.length === 0
          ? html`<p class="muted">No streams yet.</p>`
          : html`<table class="list" aria-label="Streams">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Status</th>
                  <th>Mode</th>
                  <th>Open shards</th>
                  <th>Retention</th>
                  <th>Records / min (30 min)</th>
                </tr>
              </thead>
              <tbody>
                ${data.map(
                  (s) =>
                    html`<tr data-stream=${s.StreamName}>
                      <td><a href=${`#/streams/${enc(s.StreamName)}`}>${s.StreamName}</a></td>
                      <td><${StatusBadge} value=${s.StreamStatus} /></td>
                      <td>${s.StreamModeDetails?.StreamMode ?? 'PROVISIONED'}</td>
                      <td>${s.OpenShardCount}</td>
                      <td>${s.RetentionPeriodHours} h</td>
                      <td>
                        <${Chart}
                          spark
                          series=${s.rate}
                          label=${`${s.StreamName} records per minute`}
                          width=${160}
                          height=${32}
                        />
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
    }
    <${CreateStream} onDone=${reload} />
  `;
}

function CreateStream({ onDone }) {
  const [name, setName] = useState('');
  const [mode, setMode] = useState('PROVISIONED');
  const [shards, setShards] = useState(1);
  const [run, busy, error] = useAction(async () => {
    const input = { StreamName: name, StreamModeDetails: { StreamMode: mode } };
    if (mode === 'PROVISIONED') input.ShardCount = Number(shards);
    await kinesis('CreateStream', input);
    setName('');
    onDone();
  });
  return html`<form class="card" aria-label="Create stream" onSubmit=${(e) => (e.preventDefault(), run())}>
    <h2>Create stream</h2>
    <${Field} label="Name"
      ><input name="stream-name" required value=${name} onInput=${(e) => setName(e.target.value)}
    /><//>
    <${Field} label="Capacity mode">
      <select name="mode" value=${mode} onChange=${(e) => setMode(e.target.value)}>
        <option value="PROVISIONED">Provisioned</option>
        <option value="ON_DEMAND">On-demand</option>
      </select>
    <//>
    ${
      mode === 'PROVISIONED'
        ? html`<${Field} label="Shards"
            ><input
              name="shards"
              type="number"
              min="1"
              value=${shards}
              onInput=${(e) => setShards(e.target.value)}
          /><//>`
        : null
    }
    <button type="submit" disabled=${busy}>Create stream</button>
    <${ErrorBox} error=${error} />
  </form>`;
}

async function loadStream(name) {
  const [summary, shards, positions] = await Promise.all([
    kinesis('DescribeStreamSummary', { StreamName: name }).then((r) => r.StreamDescriptionSummary),
    listShards(name),
    rest('GET', `/_tributary/streams/${enc(name)}/shards`).then((r) => r.Shards),
  ]);
  const byId = new Map(positions.map((p) => [p.ShardId, p]));
  return { summary, shards: shards.map((s) => ({ ...s, ...byId.get(s.ShardId) })) };
}

export function StreamPage({ name }) {
  const { data, error, reload } = useLoad(() => loadStream(name), [name], streamEvent(name));
  if (!data)
    return html`<h1 tabindex="-1">${name}</h1>
      <${ErrorBox} error=${error} />${error ? null : html`<${Loading} what="the stream" />`}`;
  const s = data.summary;
  return html`
    <h1 tabindex="-1">${name} <${StatusBadge} value=${s.StreamStatus} /></h1>
    <${ErrorBox} error=${error} />
    <dl class="facts">
      <dt>ARN</dt>
      <dd><code>${s.StreamARN}</code></dd>
      <dt>Mode</dt>
      <dd>${s.StreamModeDetails?.StreamMode}</dd>
      <dt>Open shards</dt>
      <dd>${s.OpenShardCount}</dd>
      <dt>Retention</dt>
      <dd>${s.RetentionPeriodHours} hours</dd>
      <dt>Created</dt>
      <dd>${time(s.StreamCreationTimestamp)}</dd>
      <dt>Consumers</dt>
      <dd>${s.ConsumerCount ?? 0}</dd>
    </dl>
    <p><a href=${`#/records?stream=${enc(name)}`}>Browse records</a></p>
    <h2>Shards</h2>
    <${ShardTable} name=${name} shards=${data.shards} onDone=${reload} />
    <h2>Lineage</h2>
    <${Lineage} shards=${data.shards} />
    <div class="cards">
      <${PutRecord} name=${name} />
      <${Reshard} name=${name} open=${s.OpenShardCount} onDone=${reload} />
    </div>
  `;
}

function ShardTable({ name, shards, onDone }) {
  const open = shards.filter((s) => !s.SequenceNumberRange?.EndingSequenceNumber);
  const [run, busy, error] = useAction(async (op, input) => {
    await kinesis(op, { StreamName: name, ...input });
    onDone();
  });
  const nextOf = (s) =>
    open.find((o) => BigInt(o.HashKeyRange.StartingHashKey) === BigInt(s.HashKeyRange.EndingHashKey) + 1n);
  return html`<table class="list" aria-label="Shards">
      <thead>
        <tr>
          <th>Shard</th>
          <th>State</th>
          <th>Hash range</th>
          <th>First sequence number</th>
          <th>Last sequence number</th>
          <th>Records</th>
          <th>Actions</th>
        </tr>
      </thead>
      <tbody>
        ${shards.map((s) => {
          const closed = Boolean(s.SequenceNumberRange?.EndingSequenceNumber);
          const start = BigInt(s.HashKeyRange.StartingHashKey);
          const end = BigInt(s.HashKeyRange.EndingHashKey);
          const next = closed ? undefined : nextOf(s);
          return html`<tr data-shard=${s.ShardId}>
            <td><a href=${`#/records?stream=${enc(name)}&shard=${enc(s.ShardId)}`}>${s.ShardId}</a></td>
            <td><${StatusBadge} value=${closed ? 'closed' : 'open'} /></td>
            <td><code title=${`${start} – ${end}`}>${hashPct(start)}–${hashPct(end + 1n)}</code></td>
            <td><${Seq} value=${s.FirstSequenceNumber} /></td>
            <td><${Seq} value=${s.LastSequenceNumber} /></td>
            <td>${s.Records ?? 0}</td>
            <td class="actions">
              ${
                closed
                  ? null
                  : html`<button
                      type="button"
                      disabled=${busy || end - start < 1n}
                      onClick=${() => run('SplitShard', { ShardToSplit: s.ShardId, NewStartingHashKey: String(start + (end - start + 1n) / 2n) })}
                    >
                      Split
                    </button>`
              }
              ${
                next
                  ? html`<button
                      type="button"
                      disabled=${busy}
                      onClick=${() => run('MergeShards', { ShardToMerge: s.ShardId, AdjacentShardToMerge: next.ShardId })}
                    >
                      Merge with ${next.ShardId.slice(-3)}
                    </button>`
                  : null
              }
            </td>
          </tr>`;
        })}
      </tbody>
    </table>
    <${ErrorBox} error=${error} />`;
}

const HASH_MAX = 2n ** 128n;
function hashPct(n) {
  return `${Number((n * 10000n) / HASH_MAX) / 100}%`;
}

/** Shards drawn as a tree: each child under its parent(s); a merged child appears under both. */
function Lineage({ shards }) {
  const ids = new Set(shards.map((s) => s.ShardId));
  const children = new Map();
  for (const s of shards) {
    for (const p of [s.ParentShardId, s.AdjacentParentShardId]) {
      if (p && ids.has(p)) children.set(p, [...(children.get(p) ?? []), s]);
    }
  }
  const roots = shards.filter(
    (s) =>
      !(s.ParentShardId && ids.has(s.ParentShardId)) &&
      !(s.AdjacentParentShardId && ids.has(s.AdjacentParentShardId)),
  );
  const node = (s) =>
    html`<li>
      <span class=${s.SequenceNumberRange?.EndingSequenceNumber ? 'closed' : 'open'}>${s.ShardId}</span>
      ${s.AdjacentParentShardId ? html` <span class="muted">(merged)</span>` : null}
      ${
        children.has(s.ShardId)
          ? html`<ul>
              ${children.get(s.ShardId).map(node)}
            </ul>`
          : null
      }
    </li>`;
  return html`<ul class="tree" aria-label="Shard lineage">
    ${roots.map(node)}
  </ul>`;
}

function PutRecord({ name }) {
  const [key, setKey] = useState('key-1');
  const [data, setData] = useState('{"hello": "world"}');
  const [run, busy, error, result] = useAction(() =>
    kinesis('PutRecord', { StreamName: name, PartitionKey: key, Data: toBase64(data) }),
  );
  return html`<form
    class="card"
    aria-label="Put a test record"
    onSubmit=${(e) => (e.preventDefault(), run())}
  >
    <h2>Put a test record</h2>
    <${Field} label="Partition key"
      ><input name="partition-key" required value=${key} onInput=${(e) => setKey(e.target.value)}
    /><//>
    <${Field} label="Data">
      <textarea name="data" rows="4" onInput=${(e) => setData(e.target.value)}>${data}</textarea>
    <//>
    <button type="submit" disabled=${busy}>Put record</button>
    ${result ? html`<p class="ok" role="status">Put in ${result.ShardId} at <${Seq} value=${result.SequenceNumber} /></p>` : null}
    <${ErrorBox} error=${error} />
  </form>`;
}

function Reshard({ name, open, onDone }) {
  const [target, setTarget] = useState(open);
  const [run, busy, error] = useAction(async () => {
    await kinesis('UpdateShardCount', {
      StreamName: name,
      TargetShardCount: Number(target),
      ScalingType: 'UNIFORM_SCALING',
    });
    onDone();
  });
  return html`<form class="card" aria-label="Reshard" onSubmit=${(e) => (e.preventDefault(), run())}>
    <h2>Reshard</h2>
    <${Field} label="Target open shards" hint="UpdateShardCount, uniform scaling (at most double or half)">
      <input
        name="target-shards"
        type="number"
        min="1"
        value=${target}
        onInput=${(e) => setTarget(e.target.value)}
      />
    <//>
    <button type="submit" disabled=${busy}>Update shard count</button>
    <${ErrorBox} error=${error} />
  </form>`;
}
