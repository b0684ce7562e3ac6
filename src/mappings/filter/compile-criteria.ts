import type { ValidationIssue } from '../../server/errors.js';
import { validationException } from '../../server/validation-dialects.js';
import {
  compileRecordPattern,
  compileSplitRecordPattern,
  usesData,
  type RecordTest,
  type SplitRecordTest,
} from './compile-pattern.js';
import { invalidFilterPattern, PatternError } from './errors.js';
import { scannedBytesAreUtf8, scanProjectedUtf8Unchecked, NOT_JSON } from './json-scanner.js';
import type { FilterableKinesisRecord } from './kinesis-record.js';
import type { ObjectPattern } from './pattern-ast.js';
import { parsePattern, isPlainObject } from './parse-pattern.js';
import { addToProjection, ProjectionNode } from './projection.js';

/** Lambda's default quota of filters per event source mapping (raisable to 10 on request). */
export const MAX_FILTERS = 5;
/** `Filter.Pattern` length limit of the Lambda API model. */
export const MAX_PATTERN_LENGTH = 4096;

/** A compiled `FilterCriteria`: a record is delivered when any of its filters matches. */
export interface CompiledFilter {
  matches(record: FilterableKinesisRecord): boolean;
}

/**
 * Validates a `FilterCriteria` request member and compiles it. Returns undefined when there is nothing to
 * filter on (absent, `{}`, or `Filters: []` — Lambda's way of removing filters), meaning every record matches.
 * Throws `AwsError`: `ValidationException` for a pattern over 4096 characters (a model constraint, checked
 * first), otherwise `InvalidParameterValueException` "Invalid filter pattern definition.".
 */
export function compileFilterCriteria(criteria: unknown): CompiledFilter | undefined {
  if (criteria === undefined || criteria === null) return undefined;
  if (!isPlainObject(criteria)) throw invalidFilterPattern();
  const filters = criteria['Filters'];
  if (filters === undefined || filters === null) return undefined;
  if (!Array.isArray(filters)) throw invalidFilterPattern();
  if (filters.length === 0) return undefined;

  const patterns = filters.map((f: unknown) => (isPlainObject(f) ? f['Pattern'] : undefined));
  const tooLong: ValidationIssue[] = [];
  patterns.forEach((pattern, i) => {
    if (typeof pattern === 'string' && pattern.length > MAX_PATTERN_LENGTH) {
      tooLong.push({
        value: pattern,
        path: `filterCriteria.filters.${i + 1}.member.pattern`,
        constraint: `Member must have length less than or equal to ${MAX_PATTERN_LENGTH}`,
      });
    }
  });
  if (tooLong.length > 0) throw validationException(tooLong);
  if (filters.length > MAX_FILTERS) throw invalidFilterPattern();

  const parsed: ObjectPattern[] = patterns.map((pattern) => {
    if (typeof pattern !== 'string') throw invalidFilterPattern();
    try {
      const tree = parsePattern(pattern);
      assertDataIsObjectPattern(tree);
      return tree;
    } catch (err) {
      if (err instanceof PatternError) throw invalidFilterPattern();
      throw err;
    }
  });
  return new KinesisRecordFilter(parsed);
}

/**
 * For stream sources the data filter must itself be JSON (an object pattern): Lambda rejects a plain leaf
 * such as `{"data": ["x"]}` when the mapping is created or updated.
 */
function assertDataIsObjectPattern(pattern: ObjectPattern): void {
  for (const field of pattern.fields) {
    if (field.key === 'data' && field.kind !== 'object')
      throw new PatternError('data must be an object pattern');
  }
  for (const branch of pattern.anyOf ?? []) assertDataIsObjectPattern(branch);
}

class KinesisRecordFilter implements CompiledFilter {
  /** Filters that look at metadata only, tried first: they never need the data parsed. */
  private readonly metadataTests: RecordTest[] = [];
  /** Filters reading `data`; a record whose data is not JSON fails all of them. */
  private readonly dataTests: SplitRecordTest[] = [];
  private readonly projection = new ProjectionNode();

  constructor(patterns: ObjectPattern[]) {
    for (const pattern of patterns) collectDataPatterns(pattern, this.projection);
    for (const pattern of patterns) {
      if (usesData(pattern)) this.dataTests.push(compileSplitRecordPattern(pattern, this.projection));
      else this.metadataTests.push(compileRecordPattern(pattern, this.projection));
    }
  }

  matches(record: FilterableKinesisRecord): boolean {
    const meta = this.metadataTests;
    for (let i = 0; i < meta.length; i++) if ((meta[i] as RecordTest)(record, undefined)) return true;
    // Data filters whose metadata conditions hold (bit i = dataTests[i]); at most MAX_FILTERS of them.
    const tests = this.dataTests;
    let pending = 0;
    for (let i = 0; i < tests.length; i++) {
      const metadata = (tests[i] as SplitRecordTest).metadata;
      if (metadata === undefined || metadata(record)) pending |= 1 << i;
    }
    if (pending === 0) return false;
    // Parsed once per record, and only now that a data filter has to run. Data that is not UTF-8 is not JSON
    // and matches no data filter; that is asked only once one matches, and is free when the scan saw only ASCII.
    const bytes = record.data;
    const data = scanProjectedUtf8Unchecked(bytes, this.projection);
    if (data === NOT_JSON) return false;
    for (let i = 0; i < tests.length; i++) {
      if (pending & (1 << i) && (tests[i] as SplitRecordTest).rest(record, data))
        return scannedBytesAreUtf8(bytes);
    }
    return false;
  }
}

function collectDataPatterns(pattern: ObjectPattern, projection: ProjectionNode): void {
  for (const field of pattern.fields) {
    if (field.key === 'data' && field.kind === 'object') addToProjection(projection, field.pattern);
  }
  for (const branch of pattern.anyOf ?? []) collectDataPatterns(branch, projection);
}
