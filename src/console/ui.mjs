// Shared pieces of the console: the htm binding, data loading that follows the server's live events, charts
// (uPlot), and small formatting helpers.
import { h } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';
import uPlot from 'uplot';
import { pastExpiration, presign, sessionExpired, whenExpired } from './sigv4.mjs';

export const html = htm.bind(h);

// ---- live updates ----------------------------------------------------------------------------------------------

const listeners = new Set();
let source;

function connect() {
  // Presigned when credentials were entered (EventSource sends no headers); a fresh URL on every connect.
  presign('/_tributary/events').then((url) => {
    if (sessionExpired()) return;
    source = new EventSource(url);
    for (const type of ['stream', 'shards', 'batch', 'lag', 'mapping', 'discard', 'invocation', 'function']) {
      source.addEventListener(type, (e) => {
        const data = JSON.parse(e.data);
        for (const l of listeners) l(type, data);
      });
    }
    // On (re)connecting every page reloads: what changed before the stream was open was never sent.
    source.addEventListener('open', () => {
      document.body.setAttribute('data-live', 'open');
      for (const l of listeners) l('open', {});
    });
    source.addEventListener('error', () => {
      if (source.readyState !== EventSource.CLOSED) {
        document.body.setAttribute('data-live', 'retrying');
        return;
      }
      // A refused (re)connect closes the source for good. An expired signature: start over with a new URL. An
      // expired session: no URL would do, so nothing is retried until the user signs in again (a reload).
      if (pastExpiration()) expireSession();
      else {
        document.body.setAttribute('data-live', 'retrying');
        setTimeout(connect, 2000);
      }
    });
  });
}

// Once the session has expired no event reaches the pages (so none reloads, nor draws its charts again): the
// stream is closed and stays closed; `data-live="expired"` says so (and lets a test know).
whenExpired(() => {
  if (source instanceof EventSource) source.close();
  document.body.setAttribute('data-live', 'expired');
});

/**
 * The server's events (GET /_tributary/events, server-sent): `fn(type, data)` for each, while subscribed, and
 * `fn('open', {})` whenever the stream (re)connects.
 */
export function subscribe(fn) {
  if (!source) {
    source = 'connecting';
    connect();
  }
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * Loads data with `load()` now, again when `deps` change, and again (at most every 250 ms) when a live event
 * `relevant(type, data)` arrives or the event stream (re)connects. Answers `{data, error, reload}`.
 */
export function useLoad(load, deps, relevant) {
  const [state, setState] = useState({ data: undefined, error: undefined });
  const latest = useRef(load);
  latest.current = load;
  const runs = useRef(0);
  const run = useCallback(() => {
    // Loads may finish out of order: only the latest one's answer is shown.
    const n = ++runs.current;
    latest.current().then(
      (data) => n === runs.current && setState({ data, error: undefined }),
      (error) => n === runs.current && setState((s) => ({ data: s.data, error })),
    );
  }, []);
  useEffect(run, deps);
  useEffect(() => {
    if (!relevant) return undefined;
    let timer;
    const off = subscribe((type, data) => {
      if ((type !== 'open' && !relevant(type, data)) || timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        if (!sessionExpired()) run();
      }, 250);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, deps);
  return { ...state, reload: run };
}

// ---- pieces ----------------------------------------------------------------------------------------------------

export function ErrorBox({ error }) {
  if (!error) return null;
  return html`<p class="error" role="alert"><strong>${error.type ?? 'Error'}</strong> ${error.message}</p>`;
}

export function Loading({ what }) {
  return html`<p class="muted">Loading ${what}…</p>`;
}

/** A labelled form control; `children` is the control. */
export function Field({ label, hint, children }) {
  return html`<label class="field"
    ><span class="label">${label}</span>${children}${
      hint ? html`<span class="hint">${hint}</span>` : null
    }</label
  >`;
}

/** Runs an action (a form's submit); answers `[run, busy, error, result]`. */
export function useAction(action) {
  const [s, set] = useState({ busy: false, error: undefined, result: undefined });
  const run = async (...args) => {
    set({ busy: true, error: undefined, result: undefined });
    try {
      const result = await action(...args);
      set({ busy: false, error: undefined, result });
      return result;
    } catch (error) {
      set({ busy: false, error, result: undefined });
      return undefined;
    }
  };
  return [run, s.busy, s.error, s.result];
}

// ---- charts ----------------------------------------------------------------------------------------------------

function cssVar(name) {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || 'currentColor';
}

/**
 * A uPlot chart of one series `{t: epoch seconds[], v: number[]}`. `spark` draws a bare sparkline. The point
 * count is in `data-points` and the largest value in `data-max`, so a test can tell an empty chart from one with
 * data.
 */
export function Chart({ series, label, width = 520, height = 180, spark = false, unit = '' }) {
  const el = useRef(null);
  const plot = useRef(null);
  const t = series?.t ?? [];
  const v = series?.v ?? [];
  const span = useRef(undefined);
  span.current = series?.from === undefined ? undefined : [series.from, series.to];
  useEffect(() => {
    const axis = (extra) => ({ stroke: cssVar('--fg'), grid: { stroke: cssVar('--grid') }, ...extra });
    const opts = {
      width,
      height,
      legend: { show: !spark },
      cursor: { show: !spark },
      axes: spark
        ? [{ show: false }, { show: false }]
        : [axis({}), axis({ size: 70, values: (_, ticks) => ticks.map((x) => `${x}${unit}`) })],
      scales: {
        // The time asked for, however few points came back (one point alone would span nothing).
        x: { time: true, range: (_, min, max) => span.current ?? [min, max] },
        // From just below 0, so that a line of zeros shows rather than lying on the edge.
        y: {
          range: (_, _min, max) => {
            const top = Math.max(1, max ?? 1) * 1.1;
            return [-top * 0.04, top];
          },
        },
      },
      series: [
        {},
        {
          label,
          stroke: cssVar('--accent'),
          fill: cssVar('--accent-fill'),
          width: spark ? 1.5 : 2,
          points: { show: !spark, size: 6 },
        },
      ],
    };
    plot.current = new uPlot(opts, [t, v], el.current);
    return () => plot.current?.destroy();
  }, [width, height, spark]);
  useEffect(() => plot.current?.setData([t, v]), [t, v]);
  const last = v.length > 0 ? v[v.length - 1] : undefined;
  const empty = v.length === 0 ? html`<span class="muted chart-empty">no data yet</span>` : null;
  return html`${empty}
    <div
      class=${spark ? 'chart spark' : 'chart'}
      ref=${el}
      role="img"
      aria-label=${`${label}: ${v.length} points${last === undefined ? '' : `, latest ${last}${unit}`}`}
      data-points=${v.length}
      data-max=${v.reduce((a, x) => Math.max(a, x), 0)}
    ></div>`;
}

// ---- formatting ------------------------------------------------------------------------------------------------

export function time(value) {
  if (value === undefined || value === null) return '—';
  const d = typeof value === 'number' ? new Date(value < 1e12 ? value * 1000 : value) : new Date(value);
  return d.toLocaleString();
}

export function ms(n) {
  if (n === undefined || n === null) return '—';
  return n < 1000 ? `${Math.round(n * 10) / 10} ms` : `${Math.round(n / 100) / 10} s`;
}

/** A sequence number shortened for tables: its last digits, the whole in the title. */
export function Seq({ value }) {
  if (!value) return html`<span class="muted">—</span>`;
  return html`<code title=${value}>…${value.slice(-8)}</code>`;
}

/** The name at the end of an ARN (`…:function:NAME`, `…:stream/NAME`). */
export function arnName(arn) {
  if (!arn) return '';
  const stream = /:stream\/([^/]+)/.exec(arn);
  if (stream) return stream[1];
  return arn.split(':')[6] ?? arn.split(':').pop();
}

export function StatusBadge({ value }) {
  const v = String(value ?? '');
  const tone = /ACTIVE|Enabled|Active|Successful|OK|open/.test(v)
    ? 'ok'
    : /PROBLEM|Failed|DELETING|closed|Deleting|Disabled/.test(v)
      ? 'bad'
      : 'busy';
  return html`<span class=${`badge ${tone}`}>${v}</span>`;
}
