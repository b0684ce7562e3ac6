/** Small builders shared by the filter-*.test.ts files (kept beside them; the filter is a pure module). */
import {
  compileFilterCriteria,
  type CompiledFilter,
  type FilterableKinesisRecord,
} from '../../src/mappings/filter/index.js';

const encoder = new TextEncoder();

/** A Kinesis record whose data is `data` (a string is taken as UTF-8 text, anything else is JSON-encoded). */
export function record(
  data: unknown,
  meta: Partial<Omit<FilterableKinesisRecord, 'data'>> = {},
): FilterableKinesisRecord {
  const bytes =
    data instanceof Uint8Array
      ? data
      : encoder.encode(typeof data === 'string' ? data : JSON.stringify(data));
  return {
    partitionKey: meta.partitionKey ?? '1',
    sequenceNumber: meta.sequenceNumber ?? '49590338271490256608559692538361571095921575989136588898',
    approximateArrivalTimestamp: meta.approximateArrivalTimestamp ?? 1545084650.987,
    data: bytes,
  };
}

/** Compiles patterns given as objects (or raw strings) into a filter, failing if there is none. */
export function filterOf(...patterns: unknown[]): CompiledFilter {
  const compiled = compileFilterCriteria({
    Filters: patterns.map((p) => ({ Pattern: typeof p === 'string' ? p : JSON.stringify(p) })),
  });
  if (!compiled) throw new Error('expected a compiled filter');
  return compiled;
}

/** Which of `dataDocs` (JSON values, or raw strings) the data pattern `{data: dataPattern}` lets through. */
export function passing(dataPattern: unknown, dataDocs: unknown[]): unknown[] {
  const filter = filterOf({ data: dataPattern });
  return dataDocs.filter((d) => filter.matches(record(d)));
}
