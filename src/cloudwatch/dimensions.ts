/** A CloudWatch dimension. A metric is identified by namespace, name and its exact set of dimensions. */
export interface Dimension {
  Name: string;
  Value: string;
}

/** Dimensions in a canonical order (by name), so equal sets compare and key equally. */
export function canonicalDimensions(dims: readonly Dimension[]): Dimension[] {
  return [...dims]
    .sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0))
    .map((d) => ({ Name: d.Name, Value: d.Value }));
}

/** The identity of one time series. */
export function seriesKey(namespace: string, metricName: string, dims: readonly Dimension[]): string {
  // Most series have one dimension or none (recorded on every invoke and put): no sorting to do.
  if (dims.length <= 1) {
    const d = dims[0];
    return JSON.stringify([namespace, metricName, d ? [[d.Name, d.Value]] : []]);
  }
  return JSON.stringify([namespace, metricName, canonicalDimensions(dims).map((d) => [d.Name, d.Value])]);
}

/** Dimensions as a plain record (for Prometheus labels and status output). */
export function dimensionRecord(dims: readonly Dimension[]): Record<string, string> {
  return Object.fromEntries(dims.map((d) => [d.Name, d.Value]));
}

/** Builds a dimension list from a record, leaving out empty values. */
export function dims(record: Record<string, string | undefined>): Dimension[] {
  return Object.entries(record)
    .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
    .map(([Name, Value]) => ({ Name, Value }));
}

/** A bound on the names a source keeps dimension arrays for (cleared past it: only a cost, never a wrong series). */
const CACHED_NAMES = 10_000;

/**
 * The same dimension arrays for every value of a resource, made once per name: the store and the Prometheus bridge
 * key their lookups by the array itself, so a source that passes the same arrays skips building series keys.
 */
export function dimensionCache<T>(make: (name: string) => T): {
  get(name: string): T;
  delete(name: string): void;
} {
  const made = new Map<string, T>();
  return {
    get(name) {
      let c = made.get(name);
      if (c === undefined) {
        if (made.size >= CACHED_NAMES) made.clear();
        made.set(name, (c = make(name)));
      }
      return c;
    },
    delete: (name) => made.delete(name),
  };
}
