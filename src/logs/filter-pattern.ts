import { InvalidParameter } from './errors.js';

/**
 * CloudWatch Logs filter patterns ("Filter pattern syntax for metric filters, subscription filters, filter log
 * events" in the CloudWatch Logs User Guide), the parts FilterLogEvents users write most:
 * - terms, case sensitive: `ERROR` (contains), `ERROR Exception` (all), `?ERROR ?WARN` (any), `-DEBUG` (none),
 *   `"Task timed out"` (a phrase), `%[0-9]{3}%` (a regular expression);
 * - JSON: `{ $.level = "ERROR" }`, `{ $.latency > 100 && $.path = "/api*" }`, `||`, parentheses, `!=`, `<`, `<=`,
 *   `>`, `>=`, `IS NULL`, `IS TRUE`, `IS FALSE`, `NOT EXISTS`; a string value may hold `*` wildcards.
 * Space-delimited patterns (`[ip, user, ...]`) are refused as not supported. A pattern that cannot be read is
 * AWS's InvalidParameterException "Invalid filter pattern" (AWS says no more; `why` is for our own tests).
 */
export type Matcher = (message: string) => boolean;

const invalid = (_why: string): never => {
  throw InvalidParameter('Invalid filter pattern');
};

export function compileFilterPattern(pattern: string | undefined): Matcher {
  const p = (pattern ?? '').trim();
  if (p === '' || p === '""') return () => true;
  if (p.startsWith('{')) {
    if (!p.endsWith('}')) throw InvalidParameter("If a filter pattern starts with '{' it must end with '}'");
    return compileJson(p);
  }
  if (p.startsWith('['))
    throw InvalidParameter(
      'Invalid filter pattern: space-delimited patterns ([...]) are not supported by Tributary',
    );
  return compileTerms(p);
}

// ---- terms ------------------------------------------------------------------------------------------------

function compileTerms(p: string): Matcher {
  const all: Matcher[] = [];
  const any: Matcher[] = [];
  const none: Matcher[] = [];
  let i = 0;
  while (i < p.length) {
    if (/\s/.test(p[i]!)) {
      i++;
      continue;
    }
    let kind: 'all' | 'any' | 'none' = 'all';
    if (p[i] === '?') kind = 'any';
    else if (p[i] === '-') kind = 'none';
    if (kind !== 'all') i++;
    let m: Matcher;
    if (p[i] === '"') {
      const [text, end] = quoted(p, i);
      i = end;
      m = (s) => s.includes(text);
    } else if (p[i] === '%') {
      const end = p.indexOf('%', i + 1);
      if (end < 0) return invalid('unterminated regular expression');
      let re: RegExp;
      try {
        re = new RegExp(p.slice(i + 1, end));
      } catch {
        return invalid(`bad regular expression ${p.slice(i, end + 1)}`);
      }
      i = end + 1;
      m = (s) => re.test(s);
    } else {
      const start = i;
      while (i < p.length && !/\s/.test(p[i]!)) i++;
      const word = p.slice(start, i);
      if (word === '') return invalid('empty term');
      m = (s) => s.includes(word);
    }
    (kind === 'all' ? all : kind === 'any' ? any : none).push(m);
  }
  return (s) =>
    all.every((m) => m(s)) && (any.length === 0 || any.some((m) => m(s))) && !none.some((m) => m(s));
}

/** The text of the quoted string at `i` (backslash escapes a quote) and the index after it. */
function quoted(p: string, i: number): [string, number] {
  let out = '';
  for (let j = i + 1; j < p.length; j++) {
    const c = p[j]!;
    if (c === '\\' && j + 1 < p.length) out += p[++j];
    else if (c === '"') return [out, j + 1];
    else out += c;
  }
  return invalid('unterminated quoted string');
}

// ---- JSON -------------------------------------------------------------------------------------------------

type Token = { t: 'op' | 'sel' | 'str' | 'num' | 'word'; v: string };

function tokenize(p: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < p.length) {
    const c = p[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '"') {
      const [text, end] = quoted(p, i);
      out.push({ t: 'str', v: text });
      i = end;
    } else if ('(){}'.includes(c)) {
      out.push({ t: 'op', v: c });
      i++;
    } else {
      const two = p.slice(i, i + 2);
      if (['&&', '||', '!=', '>=', '<='].includes(two)) {
        out.push({ t: 'op', v: two });
        i += 2;
      } else if ('=<>'.includes(c)) {
        out.push({ t: 'op', v: c });
        i++;
      } else {
        const start = i;
        while (i < p.length && !/[\s(){}=!<>&|"]/.test(p[i]!)) i++;
        if (i === start) return invalid(`unexpected '${c}'`);
        const v = p.slice(start, i);
        out.push({
          t: v.startsWith('$') ? 'sel' : /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(v) ? 'num' : 'word',
          v,
        });
      }
    }
  }
  return out;
}

type Pred = (doc: unknown) => boolean;

function compileJson(p: string): Matcher {
  const toks = tokenize(p);
  let k = 0;
  const peek = (): Token | undefined => toks[k];
  const expect = (v: string): void => {
    if (toks[k]?.v !== v) invalid(`expected '${v}'`);
    k++;
  };
  const orExpr = (): Pred => {
    const parts = [andExpr()];
    while (peek()?.v === '||') {
      k++;
      parts.push(andExpr());
    }
    return parts.length === 1 ? parts[0]! : (d) => parts.some((f) => f(d));
  };
  const andExpr = (): Pred => {
    const parts = [unary()];
    while (peek()?.v === '&&') {
      k++;
      parts.push(unary());
    }
    return parts.length === 1 ? parts[0]! : (d) => parts.every((f) => f(d));
  };
  const unary = (): Pred => {
    if (peek()?.v === '(') {
      k++;
      const inner = orExpr();
      expect(')');
      return inner;
    }
    return comparison();
  };
  const comparison = (): Pred => {
    const sel = toks[k++];
    if (sel?.t !== 'sel') return invalid('expected a selector such as $.field');
    const get = selector(sel.v);
    const op = toks[k++];
    if (op?.t === 'word' && op.v === 'IS') {
      const what = toks[k++]?.v;
      if (what === 'NULL') return (d) => get(d) === null;
      if (what === 'TRUE') return (d) => get(d) === true;
      if (what === 'FALSE') return (d) => get(d) === false;
      return invalid('expected NULL, TRUE or FALSE after IS');
    }
    if (op?.t === 'word' && op.v === 'NOT') {
      if (toks[k++]?.v !== 'EXISTS') invalid('expected EXISTS after NOT');
      return (d) => get(d) === undefined;
    }
    if (op?.t !== 'op' || !['=', '!=', '<', '<=', '>', '>='].includes(op.v))
      return invalid('expected a comparison operator');
    const value = toks[k++];
    if (!value || value.t === 'op' || value.t === 'sel') return invalid('expected a value');
    if (value.t === 'num') {
      const n = Number(value.v);
      const test = numeric(op.v, n);
      return (d) => {
        const v = get(d);
        return typeof v === 'number' && test(v);
      };
    }
    if (op.v !== '=' && op.v !== '!=') return invalid(`${op.v} compares numbers only`);
    const re = wildcard(value.v);
    const eq = (d: unknown): boolean => {
      const v = get(d);
      return (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && re.test(String(v));
    };
    return op.v === '=' ? eq : (d) => get(d) !== undefined && !eq(d);
  };
  expect('{');
  const pred = orExpr();
  expect('}');
  if (k !== toks.length) invalid('unexpected text after }');
  return (message) => {
    const t = message.trimStart();
    if (!t.startsWith('{') && !t.startsWith('[')) return false;
    let doc: unknown;
    try {
      doc = JSON.parse(t);
    } catch {
      return false; // not JSON: a JSON pattern does not match it
    }
    return pred(doc);
  };
}

function numeric(op: string, n: number): (v: number) => boolean {
  switch (op) {
    case '=':
      return (v) => v === n;
    case '!=':
      return (v) => v !== n;
    case '<':
      return (v) => v < n;
    case '<=':
      return (v) => v <= n;
    case '>':
      return (v) => v > n;
    default:
      return (v) => v >= n;
  }
}

/** `$.a.b[0].c` as a getter (undefined where the path does not exist). */
function selector(sel: string): (doc: unknown) => unknown {
  const path: Array<string | number> = [];
  const re = /\.([^.[\]]+)|\[(\d+)\]/g;
  let at = 1;
  for (let m = re.exec(sel); m; m = re.exec(sel)) {
    if (m.index !== at) break;
    path.push(m[1] ?? Number(m[2]));
    at = re.lastIndex;
  }
  if (at !== sel.length || path.length === 0) return invalid(`bad selector ${sel}`);
  return (doc) => {
    let v: unknown = doc;
    for (const p of path) {
      if (typeof v !== 'object' || v === null) return undefined;
      v = (v as Record<string | number, unknown>)[p];
    }
    return v;
  };
}

/** A value with `*` wildcards as an anchored RegExp. */
function wildcard(v: string): RegExp {
  return new RegExp(
    `^${v
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  );
}
