import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Tags } from 'yaml';
import { CliError } from '../common.js';

/** A path in the template: keys and list indexes from the top. */
export type TemplatePath = ReadonlyArray<string | number>;

/** A loaded SAM / CloudFormation template: its contents (intrinsics in their long form) and where each key is. */
export interface Template {
  file: string;
  /** Relative CodeUri and Code paths are resolved from here. */
  dir: string;
  body: Record<string, unknown>;
  /** The line (1-based) of the key at `path`, or of the nearest enclosing key the template has. */
  lineOf(path: TemplatePath): number;
}

/** One problem in a template, with where it is. */
export interface TemplateIssue {
  path: TemplatePath;
  message: string;
}

/** A template Tributary refuses, every problem named with its line: one error for all of them. */
export class TemplateError extends CliError {
  constructor(file: string, issues: Array<TemplateIssue & { line: number }>) {
    super(
      `${file}: ${issues.length === 1 ? 'a problem' : `${issues.length} problems`} Tributary cannot deploy:\n` +
        issues.map((i) => `  line ${i.line}: ${i.path.join('.')}: ${i.message}`).join('\n'),
      1,
    );
    this.name = 'TemplateError';
  }
}

/** The short forms of the intrinsics (`!Ref X`, `!GetAtt a.b`, `!Sub '...'`...) and the long form they stand for. */
const SHORT_FORMS: Record<string, string> = {
  Ref: 'Ref',
  Condition: 'Condition',
  GetAtt: 'Fn::GetAtt',
  Sub: 'Fn::Sub',
  Join: 'Fn::Join',
  If: 'Fn::If',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  Equals: 'Fn::Equals',
  Not: 'Fn::Not',
  And: 'Fn::And',
  Or: 'Fn::Or',
  GetAZs: 'Fn::GetAZs',
  FindInMap: 'Fn::FindInMap',
  Base64: 'Fn::Base64',
  ImportValue: 'Fn::ImportValue',
};

/** The `yaml` package's custom tags for every short form, on a scalar, a sequence and a mapping. */
function intrinsicTags(): Tags {
  const tags: Tags = [];
  for (const [short, long] of Object.entries(SHORT_FORMS)) {
    tags.push({
      tag: `!${short}`,
      // !GetAtt res.Attr is the list form [res, Attr].
      resolve: (v: string) => ({ [long]: short === 'GetAtt' ? splitGetAtt(v) : v }),
    });
    tags.push({ tag: `!${short}`, collection: 'seq', resolve: (seq) => ({ [long]: seq.toJSON() }) });
    tags.push({ tag: `!${short}`, collection: 'map', resolve: (m) => ({ [long]: m.toJSON() }) });
  }
  return tags;
}

function splitGetAtt(v: string): string[] {
  const dot = v.indexOf('.');
  return dot < 0 ? [v] : [v.slice(0, dot), v.slice(dot + 1)];
}

/** Reads a template (YAML or JSON). Syntax errors are one TemplateError with their lines. */
export function loadTemplate(file: string): Template {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read the template ${file}: ${(err as Error).message}`, 2);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { customTags: intrinsicTags(), lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length > 0)
    throw new TemplateError(
      file,
      doc.errors.map((e) => ({
        path: [],
        message: e.message.split('\n')[0]!,
        line: e.linePos?.[0].line ?? 1,
      })),
    );
  const body = doc.toJS({ maxAliasCount: 1000 }) as unknown;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new TemplateError(file, [
      { path: [], message: 'a template is a mapping (Resources: ...)', line: 1 },
    ]);
  return {
    file,
    dir: dirname(resolve(file)),
    body: body as Record<string, unknown>,
    lineOf: (path) => lineOf(doc, lines, path),
  };
}

function lineOf(doc: Document, lines: LineCounter, path: TemplatePath): number {
  let node: unknown = doc.contents;
  let line = 1;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
      if (!pair || !isScalar(pair.key) || !pair.key.range) return line;
      line = lines.linePos(pair.key.range[0]).line;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as { range?: [number, number, number] } | undefined;
      if (!item?.range) return line;
      line = lines.linePos(item.range[0]).line;
      node = item;
    } else return line;
  }
  return line;
}

/** Throws one TemplateError naming every issue with its line, if there are any. */
export function refuse(t: Template, issues: TemplateIssue[]): void {
  if (issues.length === 0) return;
  const withLines = issues.map((i) => ({ ...i, line: t.lineOf(i.path) })).sort((a, b) => a.line - b.line);
  throw new TemplateError(t.file, withLines);
}
