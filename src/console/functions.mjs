// Functions: the list; one function's configuration, recent invocations (duration, errors, cold starts), live
// log tail, a test invoke with a JSON payload editor, and its triggers (triggers.mjs).
import { useEffect, useRef, useState } from 'preact/hooks';
import { enc, invoke, listFunctions, rest, send } from './api.mjs';
import { ErrorBox, Field, Loading, StatusBadge, html, ms, time, useAction, useLoad } from './ui.mjs';
import { AddTrigger, TriggerList } from './triggers.mjs';

const fnEvent = (name) => (type, d) =>
  (type === 'function' || type === 'invocation') && (!name || d.functionName === name);

export function FunctionsPage() {
  const { data, error } = useLoad(
    async () => {
      const [fns, status] = await Promise.all([listFunctions(), rest('GET', '/_tributary/status')]);
      const totals = new Map(status.functions.map((f) => [f.name, f]));
      return fns.map((f) => ({ ...f, totals: totals.get(f.FunctionName) }));
    },
    [],
    fnEvent(),
  );
  return html`
    <h1 tabindex="-1">Functions</h1>
    <${ErrorBox} error=${error} />
    ${
      data === undefined
        ? html`<${Loading} what="functions" />`
        : data.length === 0
          ? html`<p class="muted">
              No functions yet: create one with <code>aws lambda create-function</code>.
            </p>`
          : html`<table class="list" aria-label="Functions">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Runtime</th>
                  <th>State</th>
                  <th>Memory</th>
                  <th>Timeout</th>
                  <th>Invocations</th>
                  <th>Errors</th>
                  <th>Avg duration</th>
                </tr>
              </thead>
              <tbody>
                ${data.map(
                  (f) =>
                    html`<tr data-function=${f.FunctionName}>
                      <td><a href=${`#/functions/${enc(f.FunctionName)}`}>${f.FunctionName}</a></td>
                      <td>${f.Runtime}</td>
                      <td><${StatusBadge} value=${f.State} /></td>
                      <td>${f.MemorySize} MB</td>
                      <td>${f.Timeout} s</td>
                      <td>${f.totals?.invocations ?? 0}</td>
                      <td>${f.totals?.errors ?? 0}</td>
                      <td>${ms(f.totals?.avgDurationMs)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
    }
  `;
}

/** The function's published versions and its aliases (what a test invoke can name). */
async function loadQualifiers(name) {
  const [v, a] = await Promise.all([
    rest('GET', `/2015-03-31/functions/${enc(name)}/versions`),
    rest('GET', `/2015-03-31/functions/${enc(name)}/aliases`),
  ]);
  return { versions: (v.Versions ?? []).filter((x) => x.Version !== '$LATEST'), aliases: a.Aliases ?? [] };
}

export function FunctionPage({ name }) {
  const fn = useLoad(() => rest('GET', `/2015-03-31/functions/${enc(name)}`), [name], fnEvent(name));
  const q = useLoad(() => loadQualifiers(name), [name], fnEvent(name));
  const c = fn.data?.Configuration;
  return html`
    <h1 tabindex="-1">${name} ${c ? html`<${StatusBadge} value=${c.State} />` : null}</h1>
    <${ErrorBox} error=${fn.error} />
    ${c ? html`<${Configuration} c=${c} />` : fn.error ? null : html`<${Loading} what="the function" />`}
    <${ErrorBox} error=${q.error} />
    ${
      q.data && (q.data.versions.length > 0 || q.data.aliases.length > 0)
        ? html`<h2>Versions and aliases</h2>
            <ul class="inline-list" aria-label="Versions and aliases">
              ${q.data.versions.map((v) => html`<li>Version <strong>${v.Version}</strong> <span class="muted">${v.Description ?? ''}</span></li>`)}
              ${q.data.aliases.map((a) => html`<li>Alias <strong>${a.Name}</strong> → ${a.FunctionVersion}${a.RoutingConfig?.AdditionalVersionWeights ? ' (weighted)' : ''}</li>`)}
            </ul>`
        : null
    }
    <h2>Triggers</h2>
    <${TriggerList} functionName=${name} />
    <${AddTrigger} functionName=${name} />
    <div class="cards">
      <${TestInvoke} name=${name} qualifiers=${q.data} />
      <${LogTail} name=${name} />
    </div>
    <h2>Recent invocations</h2>
    <${Invocations} name=${name} />
  `;
}

function Configuration({ c }) {
  const env = Object.entries(c.Environment?.Variables ?? {});
  return html`<dl class="facts">
    <dt>ARN</dt>
    <dd><code>${c.FunctionArn}</code></dd>
    <dt>Runtime</dt>
    <dd>${c.Runtime}</dd>
    <dt>Handler</dt>
    <dd><code>${c.Handler}</code></dd>
    <dt>Memory</dt>
    <dd>${c.MemorySize} MB</dd>
    <dt>Timeout</dt>
    <dd>${c.Timeout} s</dd>
    <dt>Role</dt>
    <dd><code>${c.Role}</code></dd>
    <dt>Last update</dt>
    <dd>${c.LastUpdateStatus ?? '—'} (${time(c.LastModified)})</dd>
    <dt>Code</dt>
    <dd>${c.CodeSize} bytes, <code title=${c.CodeSha256}>${c.CodeSha256?.slice(0, 12)}…</code></dd>
    <dt>Environment</dt>
    <dd>${env.length === 0 ? '—' : env.map(([k, v]) => html`<code>${k}=${v}</code> `)}</dd>
  </dl>`;
}

function Invocations({ name }) {
  const { data, error } = useLoad(
    () => rest('GET', `/_tributary/lambda/functions/${enc(name)}/invocations`).then((r) => r.Invocations),
    [name],
    (type, d) => type === 'invocation' && d.functionName === name,
  );
  if (error) return html`<${ErrorBox} error=${error} />`;
  if (!data) return html`<${Loading} what="invocations" />`;
  if (data.length === 0) return html`<p class="muted">No invocations since the server started.</p>`;
  return html`<table class="list" aria-label="Recent invocations">
    <thead>
      <tr>
        <th>Ended</th>
        <th>Request id</th>
        <th>Type</th>
        <th>Result</th>
        <th>Duration</th>
        <th>Cold start</th>
      </tr>
    </thead>
    <tbody>
      ${data.map(
        (i) =>
          html`<tr>
            <td>${new Date(i.endedAt).toLocaleTimeString()}</td>
            <td><code>${i.requestId}</code></td>
            <td>${i.invocationType}</td>
            <td>
              <${StatusBadge} value=${i.status === 'success' ? 'OK' : `Failed: ${i.errorType ?? i.status}`} />
            </td>
            <td>${ms(i.durationMs)}</td>
            <td>${i.initDurationMs === undefined ? '—' : `init ${ms(i.initDurationMs)}`}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function TestInvoke({ name, qualifiers }) {
  const [payload, setPayload] = useState('{\n  "key": "value"\n}');
  const [qualifier, setQualifier] = useState('');
  let parseError;
  try {
    JSON.parse(payload);
  } catch (e) {
    parseError = e.message;
  }
  const [run, busy, error, result] = useAction(() => invoke(name, payload, qualifier || undefined));
  return html`<form class="card" aria-label="Test invoke" onSubmit=${(e) => (e.preventDefault(), run())}>
    <h2>Test</h2>
    <${Field} label="Version or alias">
      <select name="qualifier" value=${qualifier} onChange=${(e) => setQualifier(e.target.value)}>
        <option value="">$LATEST</option>
        ${(qualifiers?.versions ?? []).map((v) => html`<option value=${v.Version}>Version ${v.Version}</option>`)}
        ${(qualifiers?.aliases ?? []).map((a) => html`<option value=${a.Name}>Alias ${a.Name}</option>`)}
      </select>
    <//>
    <${Field}
      label="Event JSON"
      hint=${parseError ? `Not JSON: ${parseError}` : 'Invoked synchronously (RequestResponse)'}
    >
      <textarea
        name="payload"
        class="code"
        rows="8"
        aria-invalid=${parseError ? 'true' : 'false'}
        onInput=${(e) => setPayload(e.target.value)}
      >
${payload}</textarea>
    <//>
    <button type="submit" disabled=${busy || parseError !== undefined}>Invoke</button>
    <${ErrorBox} error=${error} />
    ${
      result
        ? html`<div role="status" class="invoke-result">
            <p>
              <${StatusBadge} value=${result.functionError ? `Failed: ${result.functionError}` : 'OK'} />
              version ${result.version}
            </p>
            <pre class="data">${result.payload}</pre>
            <details>
              <summary>Log</summary>
              <pre class="data">${result.log}</pre>
            </details>
          </div>`
        : null
    }
  </form>`;
}

/** The function's log, followed live (GET /_tributary/lambda/functions/NAME/logs?follow=true). */
function LogTail({ name }) {
  const [lines, setLines] = useState([]);
  const [error, setError] = useState(undefined);
  const pre = useRef(null);
  useEffect(() => {
    const ac = new AbortController();
    (async () => {
      const res = await send(`/_tributary/lambda/functions/${enc(name)}/logs?lines=50&follow=true`, {
        signal: ac.signal,
      });
      if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let rest = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const parts = (rest + value).split('\n');
        rest = parts.pop();
        setLines((old) => [...old, ...parts].slice(-500));
      }
    })().catch((e) => {
      if (!ac.signal.aborted) setError(e);
    });
    return () => ac.abort();
  }, [name]);
  useEffect(() => {
    if (pre.current) pre.current.scrollTop = pre.current.scrollHeight;
  }, [lines]);
  return html`<section class="card" aria-label="Log">
    <h2>Log (live)</h2>
    <${ErrorBox} error=${error} />
    <pre class="data log" ref=${pre} tabindex="0" aria-live="polite">
${lines.join('\n') || 'No log lines yet.'}</pre>
  </section>`;
}
