// The record viewer: a shard read from TRIM_HORIZON, LATEST, a timestamp or a sequence number (GetShardIterator,
// GetRecords), shown as pretty JSON, UTF-8 text or hex; a live tail; and a FilterCriteria pattern tried on the
// records shown, judged by the server's filter engine (the one the mappings use).
import { useEffect, useRef, useState } from 'preact/hooks';
import { kinesis, listShards, listStreams, rest } from './api.mjs';
import { ErrorBox, Field, Seq, html, subscribe, useAction, useLoad } from './ui.mjs';

const POSITIONS = ['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP', 'AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER'];

function bytesOf(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The record's data as the chosen view shows it. */
export function decode(b64, view) {
  const bytes = bytesOf(b64);
  if (view === 'hex') {
    const lines = [];
    for (let i = 0; i < bytes.length; i += 16) {
      const row = [...bytes.slice(i, i + 16)];
      const hex = row.map((b) => b.toString(16).padStart(2, '0')).join(' ');
      const ascii = row.map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
      lines.push(`${i.toString(16).padStart(6, '0')}  ${hex.padEnd(47)}  ${ascii}`);
    }
    return lines.join('\n');
  }
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return view === 'json' ? '(not UTF-8: see hex)' : new TextDecoder().decode(bytes);
  }
  if (view !== 'json') return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return `(not JSON) ${text}`;
  }
}

async function read(iterator, limit) {
  const records = [];
  let next = iterator;
  // A few calls at most: an empty answer while behind means the reader has not reached the data yet.
  for (let i = 0; i < 5 && next && records.length < limit; i++) {
    const r = await kinesis('GetRecords', { ShardIterator: next, Limit: limit - records.length });
    records.push(...r.Records);
    next = r.NextShardIterator;
    if (r.MillisBehindLatest === 0) break;
  }
  return { records, next };
}

export function RecordsPage({ query }) {
  const streams = useLoad(listStreams, []);
  const [stream, setStream] = useState(query.get('stream') ?? '');
  const [shard, setShard] = useState(query.get('shard') ?? '');
  const [position, setPosition] = useState('TRIM_HORIZON');
  const [at, setAt] = useState('');
  const [limit, setLimit] = useState(100);
  const [view, setView] = useState('json');
  const [records, setRecords] = useState([]);
  // Reads completed: in the status's data-reads, so a test can tell a new read's result from the one before.
  const [reads, setReads] = useState(0);
  const [tail, setTail] = useState(false);
  // Whether the live tail listens to the server's events yet (its subscription starts after the box is drawn): in
  // the box's data-listening, so a test puts its record once the tail would see it.
  const [listening, setListening] = useState(false);
  const next = useRef(undefined);
  const shards = useLoad(() => (stream ? listShards(stream) : Promise.resolve([])), [stream]);
  useEffect(() => {
    const list = shards.data ?? [];
    if (list.length > 0 && !list.some((s) => s.ShardId === shard)) setShard(list[0].ShardId);
  }, [shards.data]);
  useEffect(() => {
    if (!stream && streams.data?.length) setStream(streams.data[0].StreamName);
  }, [streams.data]);

  const [browse, busy, error] = useAction(async () => {
    const input = { StreamName: stream, ShardId: shard, ShardIteratorType: position };
    if (position === 'AT_TIMESTAMP') input.Timestamp = Date.parse(at) / 1000;
    if (position.endsWith('SEQUENCE_NUMBER')) input.StartingSequenceNumber = at.trim();
    const it = await kinesis('GetShardIterator', input);
    const r = await read(it.ShardIterator, Number(limit));
    next.current = r.next;
    setRecords(r.records);
    setReads((n) => n + 1);
  });
  const [more, moreBusy, moreError] = useAction(async () => {
    if (!next.current) return;
    const r = await read(next.current, Number(limit));
    next.current = r.next;
    setRecords((old) => [...old, ...r.records]);
  });
  // Live tail: each append to this shard reads on from where the viewer stopped.
  useEffect(() => {
    if (!tail) return undefined;
    const off = subscribe((type, d) => {
      if (type === 'stream' && d.stream === stream && d.shardId === shard && !moreBusy) void more();
    });
    setListening(true);
    return () => {
      off();
      setListening(false);
    };
  }, [tail, stream, shard]);

  return html`
    <h1 tabindex="-1">Records</h1>
    <form class="card row" aria-label="Browse a shard" onSubmit=${(e) => (e.preventDefault(), browse())}>
      <${Field} label="Stream">
        <select name="stream" value=${stream} onChange=${(e) => setStream(e.target.value)}>
          ${(streams.data ?? []).map((s) => html`<option value=${s.StreamName}>${s.StreamName}</option>`)}
        </select>
      <//>
      <${Field} label="Shard">
        <select name="shard" value=${shard} onChange=${(e) => setShard(e.target.value)}>
          ${(shards.data ?? []).map((s) => html`<option value=${s.ShardId}>${s.ShardId}</option>`)}
        </select>
      <//>
      <${Field} label="From">
        <select name="position" value=${position} onChange=${(e) => setPosition(e.target.value)}>
          ${POSITIONS.map((p) => html`<option value=${p}>${p}</option>`)}
        </select>
      <//>
      ${
        position === 'AT_TIMESTAMP'
          ? html`<${Field} label="Timestamp"
              ><input
                name="at"
                type="datetime-local"
                step="1"
                value=${at}
                onInput=${(e) => setAt(e.target.value)}
            /><//>`
          : position.endsWith('SEQUENCE_NUMBER')
            ? html`<${Field} label="Sequence number"
                ><input name="at" size="30" value=${at} onInput=${(e) => setAt(e.target.value)}
              /><//>`
            : null
      }
      <${Field} label="Limit"
        ><input
          name="limit"
          type="number"
          min="1"
          max="10000"
          value=${limit}
          onInput=${(e) => setLimit(e.target.value)}
      /><//>
      <button type="submit" disabled=${busy || !shard}>Read</button>
    </form>
    <${ErrorBox} error=${error ?? moreError ?? streams.error ?? shards.error} />
    <div class="toolbar">
      <fieldset class="inline">
        <legend>Show data as</legend>
        ${[
          ['json', 'JSON'],
          ['text', 'UTF-8'],
          ['hex', 'Hex'],
        ].map(
          ([v, label]) =>
            html`<label
              ><input
                type="radio"
                name="view"
                value=${v}
                checked=${view === v}
                onChange=${() => setView(v)}
              />
              ${label}</label
            >`,
        )}
      </fieldset>
      <label
        ><input
          type="checkbox"
          name="tail"
          checked=${tail}
          data-listening=${listening}
          onChange=${(e) => setTail(e.target.checked)}
        />
        Live tail</label
      >
      <button type="button" onClick=${more} disabled=${moreBusy || !next.current}>Read more</button>
      <span class="muted" role="status" data-reads=${reads}>${records.length} records</span>
    </div>
    <${FilterTry} records=${records} view=${view} />
  `;
}

/** The records, and a FilterCriteria pattern tried on them. */
function FilterTry({ records, view }) {
  const [pattern, setPattern] = useState('{"data": {"type": ["order"]}}');
  // The matches with the records they were tried on: another read shows none, in the same render (an effect that
  // cleared them after the next paint could clear a newer try's answer).
  const [tried, setTried] = useState(undefined);
  const matches = tried?.records === records ? tried.matches : undefined;
  const [test, busy, error] = useAction(async () => {
    const r = await rest('POST', '/_tributary/filter/test', {
      FilterCriteria: { Filters: [{ Pattern: pattern }] },
      Records: records.map((x) => ({
        partitionKey: x.PartitionKey,
        sequenceNumber: x.SequenceNumber,
        approximateArrivalTimestamp: x.ApproximateArrivalTimestamp,
        data: x.Data,
      })),
    });
    setTried({ records, matches: r.Matches });
  });
  const matched = matches?.filter(Boolean).length;
  return html`
    <form class="card" aria-label="Try a filter" onSubmit=${(e) => (e.preventDefault(), test())}>
      <${Field}
        label="FilterCriteria pattern"
        hint="Lambda event filtering: patterns see partitionKey, sequenceNumber, approximateArrivalTimestamp and data (parsed JSON)"
      >
        <textarea name="pattern" rows="2" class="code" onInput=${(e) => setPattern(e.target.value)}>
${pattern}</textarea>
      <//>
      <button type="submit" disabled=${busy || records.length === 0}>Try filter</button>
      ${matches ? html`<span role="status" class="filter-result"> ${matched} of ${matches.length} match</span>` : null}
      <${ErrorBox} error=${error} />
    </form>
    <table class="list records" aria-label="Records">
      <thead>
        <tr>
          ${matches ? html`<th>Filter</th>` : null}
          <th>Sequence number</th>
          <th>Partition key</th>
          <th>Arrived</th>
          <th>Data</th>
        </tr>
      </thead>
      <tbody>
        ${records.map(
          (r, i) =>
            html`<tr class=${matches ? (matches[i] ? 'match' : 'nomatch') : ''} data-seq=${r.SequenceNumber}>
              ${matches ? html`<td>${matches[i] ? '✔ match' : '✘ no'}</td>` : null}
              <td><${Seq} value=${r.SequenceNumber} /></td>
              <td><code>${r.PartitionKey}</code></td>
              <td>${new Date(r.ApproximateArrivalTimestamp * 1000).toLocaleTimeString()}</td>
              <td><pre class="data">${decode(r.Data, view)}</pre></td>
            </tr>`,
        )}
      </tbody>
    </table>
  `;
}
