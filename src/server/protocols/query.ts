import { isUtf8 } from 'node:buffer';
import { AwsError, echo } from '../errors.js';
import type { ApiRequest, ApiResponse, Service } from '../http-types.js';
import { decodeFormComponent, InputError, type InputProblem } from './input-text.js';

/**
 * The AWS query protocol: `Action=...&Version=...` form parameters in, XML out. Used by SNS, by SQS
 * for older clients, and by CloudWatch. This file knows nothing of any one service.
 */

// ---------------------------------------------------------------------------------------------
// Parameters

/**
 * The parameters of one query request. Structured members are flattened into dotted keys:
 * lists as `Name.1`, `Name.2` (or `Name.member.1` when not flattened), structures as `Name.Field`,
 * maps as `Name.entry.1.key` / `Name.entry.1.value` (or flattened `Name.1.Name` / `Name.1.Value`).
 * The query codec (query-codec.ts) reads them into an operation's input by its shape.
 */
export class QueryParams {
  readonly #entries: ReadonlyMap<string, string>;
  /**
   * Set when the request's parameters are not all Unicode text (see readQueryParams): the service refuses the
   * request with it, and the values above hold URLSearchParams' lenient reading only so routing can see them.
   */
  readonly problem: InputProblem | undefined;
  #keys: string[] | undefined;

  constructor(entries: ReadonlyMap<string, string>, problem?: InputProblem) {
    this.#entries = entries;
    this.problem = problem;
  }

  get(name: string): string | undefined {
    return this.#entries.get(name);
  }

  /** Whether any parameter is `prefix` or under `prefix.`. */
  present(prefix: string): boolean {
    if (this.#entries.has(prefix)) return true;
    const keys = this.#sorted();
    const k = keys[firstAtOrAfter(keys, prefix + '.')];
    return k !== undefined && k.startsWith(prefix + '.');
  }

  /** The indexes of the collection `prefix.N...`, ascending (1-based; gaps are kept out). */
  indexes(prefix: string): number[] {
    const p = prefix + '.';
    const keys = this.#sorted();
    const seen = new Set<number>();
    for (let i = firstAtOrAfter(keys, p); i < keys.length && keys[i]!.startsWith(p); i++) {
      const rest = keys[i]!.slice(p.length);
      const dot = rest.indexOf('.');
      const head = dot === -1 ? rest : rest.slice(0, dot);
      if (/^[1-9]\d{0,5}$/.test(head)) seen.add(Number(head));
    }
    return [...seen].sort((a, b) => a - b);
  }

  /** The keys in code-unit order, so the keys under a prefix are one run (found by binary search). */
  #sorted(): string[] {
    return (this.#keys ??= [...this.#entries.keys()].sort());
  }
}

/** The first position in sorted `keys` whose key is >= `s`. */
function firstAtOrAfter(keys: readonly string[], s: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Query parameters of a request: the URL query string, then the form body (which wins). Read strictly: a body
 * that is not UTF-8, or a percent-encoded value whose bytes are not, is a `problem` (the first one found).
 */
export function readQueryParams(req: ApiRequest): QueryParams {
  const merged = new Map<string, string>();
  let problem: InputProblem | undefined;
  const read = (text: string): void => {
    for (const pair of text.split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const rawKey = eq === -1 ? pair : pair.slice(0, eq);
      const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
      try {
        const key = decodeFormComponent(rawKey, rawKey);
        merged.set(key, decodeFormComponent(rawValue, key));
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        problem ??= err.problem;
        // URLSearchParams' lenient reading, for routing only.
        for (const [k, v] of new URLSearchParams(pair)) merged.set(k, v);
      }
    }
  };
  read(req.search ?? req.query.toString());
  if (isFormBody(req)) {
    if (!isUtf8(req.body)) problem ??= { kind: 'utf8' };
    read(req.body.toString('utf8'));
  }
  return new QueryParams(merged, problem);
}

function isFormBody(req: ApiRequest): boolean {
  return String(req.headers['content-type'] ?? '')
    .toLowerCase()
    .startsWith('application/x-www-form-urlencoded');
}

// ---------------------------------------------------------------------------------------------
// XML

/** XML content: elements, text (escaped), or lists of them; null/undefined are left out. */
export type XmlContent =
  XmlElement | string | number | boolean | bigint | null | undefined | readonly XmlContent[];

export interface XmlElement {
  readonly tag: string;
  readonly attrs?: Readonly<Record<string, string>>;
  readonly content: readonly XmlContent[];
}

/** An element. `el('QueueUrl', url)` renders `<QueueUrl>...</QueueUrl>`. */
export function el(tag: string, ...content: XmlContent[]): XmlElement {
  return { tag, content };
}

/**
 * Text content for XML 1.0, as AWS's query responses and errors carry it (attributes carry only fixed values,
 * `xmlns`). A literal CR would reach the client as LF (a parser normalizes line ends), so it is sent as a
 * reference. Control characters other than tab/newline/CR cannot appear in XML 1.0 even as
 * references.
 */
export function xmlEscape(s: string): string {
  return s.replace(/[<>&'"\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderXml(content: XmlContent): string {
  if (content === undefined || content === null) return '';
  if (Array.isArray(content)) return (content as readonly XmlContent[]).map(renderXml).join('');
  if (typeof content === 'object') {
    const e = content as XmlElement;
    const attrs = Object.entries(e.attrs ?? {})
      .map(([k, v]) => ` ${k}="${xmlEscape(v)}"`)
      .join('');
    const inner = renderXml(e.content);
    return inner === '' ? `<${e.tag}${attrs}/>` : `<${e.tag}${attrs}>${inner}</${e.tag}>`;
  }
  return xmlEscape(String(content));
}

/**
 * `<ActionResponse xmlns><ActionResult>...</ActionResult><ResponseMetadata>...` — the envelope of
 * every successful query response. `result` undefined means the action has no result element.
 */
export function queryResponseXml(
  action: string,
  xmlns: string,
  result: XmlContent | undefined,
  requestId: string,
): string {
  const root: XmlElement = {
    tag: `${action}Response`,
    attrs: { xmlns },
    content: [
      result === undefined ? undefined : el(`${action}Result`, result),
      el('ResponseMetadata', el('RequestId', requestId)),
    ],
  };
  return '<?xml version="1.0"?>' + renderXml(root);
}

// ---------------------------------------------------------------------------------------------
// Service

/** One query action: parameters in, the children of `<ActionResult>` out (undefined: no result element). */
export type QueryAction = (params: QueryParams, req: ApiRequest) => Promise<XmlContent | undefined>;

export interface QueryServiceOptions {
  name: string;
  /** The API version this service answers, e.g. `2010-03-31` (SNS). */
  version: string;
  /** Namespace of response documents, e.g. `http://sns.amazonaws.com/doc/2010-03-31/`. */
  xmlns: string;
  actions: Record<string, QueryAction>;
  /**
   * The error for parameters that are not Unicode text, when the service has its own (SQS: a MessageBody is
   * InvalidMessageContents); undefined, or no hook, means MalformedQueryString.
   */
  invalidText?: (problem: Extract<InputProblem, { kind: 'text' }>) => AwsError | undefined;
}

/** Parameters that are not Unicode text: the request is refused, never stored altered. */
function malformedQuery(problem: InputProblem): AwsError {
  const where =
    problem.kind === 'text'
      ? ` in parameter ${echo(problem.member)} (byte ${problem.char})`
      : problem.kind === 'utf8'
        ? ' in the request body'
        : '';
  return new AwsError('MalformedQueryString', `The query string is not valid UTF-8${where}.`, 400);
}

const parsedParams = new WeakMap<ApiRequest, QueryParams | null>();

/** The request's query parameters when it is a query-protocol request (form POST or GET with Action). */
export function queryParamsOf(req: ApiRequest): QueryParams | undefined {
  let p = parsedParams.get(req);
  if (p === undefined) {
    const candidate =
      (req.method === 'POST' && isFormBody(req)) || (req.method === 'GET' && req.query.has('Action'));
    p = candidate ? readQueryParams(req) : null;
    parsedParams.set(req, p);
  }
  return p ?? undefined;
}

/**
 * Builds a query-protocol Service. It claims a request when its Version is this service's, or when it
 * has no Version and an Action this service implements — never other services' versions or actions.
 */
export function queryService(opts: QueryServiceOptions): Service {
  const known = (action: string | undefined): action is string =>
    action !== undefined && Object.hasOwn(opts.actions, action);
  return {
    name: opts.name,
    matches(req) {
      const p = queryParamsOf(req);
      if (!p) return false;
      const version = p.get('Version');
      if (version !== undefined) return version === opts.version;
      return known(p.get('Action'));
    },
    describe(req) {
      const action = queryParamsOf(req)?.get('Action');
      return { operation: known(action) ? action : undefined, protocol: 'query' };
    },
    async handle(req): Promise<ApiResponse> {
      const p = queryParamsOf(req) ?? readQueryParams(req);
      if (p.problem)
        throw (
          (p.problem.kind === 'text' ? opts.invalidText?.(p.problem) : undefined) ?? malformedQuery(p.problem)
        );
      const action = p.get('Action');
      if (action === undefined)
        throw new AwsError('MissingAction', 'The request must contain the parameter Action.', 400);
      if (!known(action))
        throw new AwsError('InvalidAction', `The action ${action} is not valid for this endpoint.`, 400);
      const result = await opts.actions[action]!(p, req);
      return {
        status: 200,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': req.requestId },
        body: queryResponseXml(action, opts.xmlns, result, req.requestId),
      };
    },
  };
}
