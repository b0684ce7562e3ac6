/**
 * What a projection of a record's data is made of, apart from the projection tree itself (projection.ts) and
 * its generated walker (projection-walker.ts), which both build on these without importing each other.
 */

/** A JSON object of the record's data reduced to the keys of its projection node; absent keys are undefined. */
export class ProjectedObject {
  constructor(readonly slots: unknown[]) {}
}

/** Objects at paths where no pattern looks deeper: they only count as "an object" (no leaf values). */
export const OPAQUE_OBJECT = new ProjectedObject([]);

/** What the walker needs of a projection node: its keys (slot i holds keys[i]) and what lies below each. */
export interface ProjectionLevel {
  readonly keys: readonly string[];
  readonly children: readonly ProjectionLevel[];
}
