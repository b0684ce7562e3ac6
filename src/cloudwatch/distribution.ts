/**
 * The values of one metric in one time bucket, summarised so that every CloudWatch statistic can be
 * answered: count, sum, min, max exactly, and percentiles — exactly while few values were seen (raw
 * values kept), approximately (1% relative error, DDSketch-style log buckets) once there are more.
 * Memory per distribution is bounded either way.
 */

/** Raw values kept per distribution before switching to the sketch. */
export const RAW_LIMIT = 256;
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
  /** Raw values, while there are at most RAW_LIMIT. */
  raw?: number[];
  /** Sketch bins: [index, count] pairs; `zero` counts values of 0. */
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
  #raw: number[] | undefined = [];
  #bins: Map<number, number> | undefined;
  #zero = 0;
  #negative = false;

  add(value: number): void {
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (value < 0) this.#negative = true;
    if (this.#raw) {
      this.#raw.push(value);
      if (this.#raw.length > RAW_LIMIT) this.#toSketch();
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
    if (this.#raw && other.#raw && this.#raw.length + other.#raw.length <= RAW_LIMIT) {
      this.#raw.push(...other.#raw);
      return;
    }
    if (this.#raw) this.#toSketch();
    if (other.#raw) for (const v of other.#raw) this.#bin(v, 1);
    else {
      this.#zero += other.#zero;
      for (const [i, c] of other.#bins!) this.#bins!.set(i, (this.#bins!.get(i) ?? 0) + c);
    }
  }

  /**
   * The p-th percentile (0-100), nearest-rank on the values, or undefined when a negative value was seen.
   * Exact while raw values are kept; within 1% otherwise.
   */
  percentile(p: number): number | undefined {
    if (this.count === 0 || this.#negative) return undefined;
    if (p <= 0) return this.min;
    if (p >= 100) return this.max;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    if (this.#raw) {
      const sorted = [...this.#raw].sort((a, b) => a - b);
      return sorted[rank - 1];
    }
    let seen = this.#zero;
    if (rank <= seen) return 0;
    const keys = [...this.#bins!.keys()].sort((a, b) => a - b);
    for (const k of keys) {
      seen += this.#bins!.get(k)!;
      if (rank <= seen) {
        const estimate = (2 * GAMMA ** k) / (GAMMA + 1);
        return Math.min(this.max, Math.max(this.min, estimate));
      }
    }
    return this.max;
  }

  #toSketch(): void {
    const raw = this.#raw ?? [];
    this.#raw = undefined;
    this.#bins = new Map();
    for (const v of raw) this.#bin(v, 1);
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
    if (this.#raw) out.raw = [...this.#raw];
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
    if (j.raw) d.#raw = [...j.raw];
    else {
      d.#raw = undefined;
      d.#bins = new Map(j.bins ?? []);
      d.#zero = j.zero ?? 0;
    }
    return d;
  }
}
