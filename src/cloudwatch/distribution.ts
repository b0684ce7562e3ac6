/**
 * The values of one metric in one time bucket, summarised so that every CloudWatch statistic can be
 * answered: count, sum, min, max exactly, and percentiles — exactly while few distinct values were seen
 * (a value -> count map, so counters whose values are all 1 take one entry), approximately (1% relative
 * error, DDSketch-style log bins) once there are more. Memory per distribution is bounded either way:
 * at most EXACT_LIMIT entries, then at most one bin per 2% step of the value range (about 800 bins from
 * 1 ms to an hour).
 */

/** Distinct values kept exactly before switching to the sketch. */
export const EXACT_LIMIT = 128;
/** Relative accuracy of sketched percentiles. */
const ALPHA = 0.01;
const GAMMA = (1 + ALPHA) / (1 - ALPHA);
const LOG_GAMMA = Math.log(GAMMA);

/** The persisted form (documents in the store). */
export interface DistributionJson {
  n: number;
  sum: number;
  min: number;
  max: number;
  /** Exact [value, count] pairs, while there are at most EXACT_LIMIT distinct values. */
  exact?: Array<[number, number]>;
  /** Sketch bins: [index, count] pairs; `zero` counts values <= 0. */
  bins?: Array<[number, number]>;
  zero?: number;
  /** A negative value was seen: percentiles are not available (as in CloudWatch). */
  neg?: boolean;
}

export class Distribution {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  /** value -> count while exact; undefined once sketched. */
  #exact: Map<number, number> | undefined = new Map();
  #bins: Map<number, number> | undefined;
  #zero = 0;
  #negative = false;

  add(value: number): void {
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (value < 0) this.#negative = true;
    if (this.#exact) {
      this.#exact.set(value, (this.#exact.get(value) ?? 0) + 1);
      if (this.#exact.size > EXACT_LIMIT) this.#toSketch();
    } else this.#bin(value, 1);
  }

  /** Folds `other` into this one (period aggregation). */
  merge(other: Distribution): void {
    if (other.count === 0) return;
    this.count += other.count;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
    this.#negative ||= other.#negative;
    if (this.#exact && other.#exact) {
      for (const [v, c] of other.#exact) this.#exact.set(v, (this.#exact.get(v) ?? 0) + c);
      if (this.#exact.size > EXACT_LIMIT) this.#toSketch();
      return;
    }
    if (this.#exact) this.#toSketch();
    if (other.#exact) for (const [v, c] of other.#exact) this.#bin(v, c);
    else {
      this.#zero += other.#zero;
      for (const [i, c] of other.#bins!) this.#bins!.set(i, (this.#bins!.get(i) ?? 0) + c);
    }
  }

  /**
   * The p-th percentile (0-100), nearest-rank on the values, or undefined when a negative value was seen.
   * Exact while values are kept exactly; within 1% otherwise.
   */
  percentile(p: number): number | undefined {
    if (this.count === 0 || this.#negative) return undefined;
    if (p <= 0) return this.min;
    if (p >= 100) return this.max;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    if (this.#exact) {
      let seen = 0;
      for (const v of [...this.#exact.keys()].sort((a, b) => a - b)) {
        seen += this.#exact.get(v)!;
        if (rank <= seen) return v;
      }
      return this.max;
    }
    let seen = this.#zero;
    if (rank <= seen) return 0;
    for (const k of [...this.#bins!.keys()].sort((a, b) => a - b)) {
      seen += this.#bins!.get(k)!;
      if (rank <= seen) {
        const estimate = (2 * GAMMA ** k) / (GAMMA + 1);
        return Math.min(this.max, Math.max(this.min, estimate));
      }
    }
    return this.max;
  }

  #toSketch(): void {
    const exact = this.#exact ?? new Map<number, number>();
    this.#exact = undefined;
    this.#bins = new Map();
    for (const [v, c] of exact) this.#bin(v, c);
  }

  #bin(value: number, count: number): void {
    if (value <= 0) {
      // Negative values only disable percentiles; zero has its own bin.
      this.#zero += count;
      return;
    }
    const i = Math.ceil(Math.log(value) / LOG_GAMMA);
    this.#bins!.set(i, (this.#bins!.get(i) ?? 0) + count);
  }

  toJSON(): DistributionJson {
    const out: DistributionJson = { n: this.count, sum: this.sum, min: this.min, max: this.max };
    if (this.#exact) out.exact = [...this.#exact];
    else {
      out.bins = [...this.#bins!];
      if (this.#zero > 0) out.zero = this.#zero;
    }
    if (this.#negative) out.neg = true;
    return out;
  }

  static fromJSON(j: DistributionJson): Distribution {
    const d = new Distribution();
    d.count = j.n;
    d.sum = j.sum;
    d.min = j.min;
    d.max = j.max;
    d.#negative = j.neg === true;
    if (j.bins) {
      d.#exact = undefined;
      d.#bins = new Map(j.bins);
      d.#zero = j.zero ?? 0;
    } else d.#exact = new Map(j.exact ?? []);
    return d;
  }
}
