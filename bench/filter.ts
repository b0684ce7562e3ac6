/**
 * Throughput of the Kinesis event-filtering engine (src/mappings/filter) on one core.
 * Run: npx tsx bench/filter.ts   — prints records/s for a realistic 5-filter set on ~1 KB JSON records, a
 * single selective data filter, a metadata-only 5-filter set, and two yardsticks for the machine (JSON.parse
 * alone, a bare byte loop), then exits.
 */
import {
  compileFilterCriteria,
  type CompiledFilter,
  type FilterableKinesisRecord,
} from '../src/mappings/filter/index.js';

const RECORDS = 20_000;
const ROUNDS = 7;
const ROUND_MS = 400;

const regions = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-south-1'];
const types = ['buy', 'sell', 'hold', 'cancel', 'amend'];
const tiers = ['gold', 'silver', 'bronze', 'free'];
const words =
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore'.split(
    ' ',
  );

/** Deterministic pseudo-random numbers so every run benchmarks the same records. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function makeRecord(i: number, rand: () => number): FilterableKinesisRecord {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const items = Array.from({ length: 1 + Math.floor(rand() * 3) }, (_, k) => ({
    sku: `SKU-${Math.floor(rand() * 100000)}`,
    qty: Math.floor(rand() * 120),
    price: Math.round(rand() * 50000) / 100,
    attributes: { color: pick(['red', 'green', 'blue']), size: pick(['S', 'M', 'L', 'XL']), line: k },
  }));
  const doc: Record<string, unknown> = {
    eventId: `evt-${i.toString(16).padStart(8, '0')}-${Math.floor(rand() * 1e9)}`,
    eventTime: new Date(1_700_000_000_000 + i * 1000).toISOString(),
    type: pick(types),
    status: rand() < 0.05 ? 'ERROR' : 'OK',
    region: pick(regions),
    currency: pick(['USD', 'USD', 'EUR', 'GBP', 'JPY']),
    amount: Math.round(rand() * 200000) / 100,
    user: {
      id: Math.floor(rand() * 1e6),
      name: `${pick(words)} ${pick(words)}`,
      tier: pick(tiers),
      email: `user${i}@example.com`,
      address: {
        city: pick(['Seattle', 'Paris', 'Berlin', 'Mumbai']),
        zip: String(10000 + Math.floor(rand() * 89999)),
      },
    },
    items,
    tags: Array.from({ length: Math.floor(rand() * 4) }, () =>
      pick(['urgent', 'vip', 'bulk', 'gift', 'retry']),
    ),
    flags: { test: rand() < 0.1, internal: false, priority: Math.floor(rand() * 5) },
  };
  let json = JSON.stringify(doc);
  const text: string[] = [];
  while (json.length + text.join(' ').length < 1000) text.push(pick(words));
  doc['comment'] = text.join(' ');
  json = JSON.stringify(doc);
  return {
    partitionKey: `tenant-${Math.floor(rand() * 50)}`,
    sequenceNumber: (49590338271490256608559692538361571095921575989136588898n + BigInt(i)).toString(),
    approximateArrivalTimestamp: 1_700_000_000 + i / 1000,
    data: new TextEncoder().encode(json),
  };
}

const realistic = {
  Filters: [
    { Pattern: JSON.stringify({ data: { type: ['buy'], amount: [{ numeric: ['>', 1500] }] } }) },
    { Pattern: JSON.stringify({ data: { user: { tier: ['gold'] }, region: [{ prefix: 'eu-' }] } }) },
    { Pattern: JSON.stringify({ partitionKey: [{ prefix: 'tenant-1' }], data: { status: ['ERROR'] } }) },
    { Pattern: JSON.stringify({ data: { tags: ['urgent'], flags: { test: [false] } } }) },
    {
      Pattern: JSON.stringify({
        data: {
          $or: [
            { currency: [{ 'anything-but': ['USD', 'EUR', 'GBP'] }] },
            {
              items: {
                qty: [{ numeric: ['>=', 118] }],
                attributes: { color: [{ 'equals-ignore-case': 'RED' }] },
              },
            },
          ],
        },
      }),
    },
  ],
};

const metadataOnly = {
  Filters: [
    { Pattern: JSON.stringify({ partitionKey: ['tenant-7'] }) },
    {
      Pattern: JSON.stringify({
        partitionKey: [{ prefix: 'tenant-4' }],
        approximateArrivalTimestamp: [{ numeric: ['>', 1_700_000_005] }],
      }),
    },
    { Pattern: JSON.stringify({ sequenceNumber: [{ suffix: '000' }] }) },
    { Pattern: JSON.stringify({ partitionKey: [{ 'anything-but': { prefix: 'tenant-' } }] }) },
    {
      Pattern: JSON.stringify({ $or: [{ partitionKey: ['tenant-49'] }, { kinesisSchemaVersion: ['2.0'] }] }),
    },
  ],
};

/**
 * Runs `fn` over all records in rounds of at least ROUND_MS and prints records per second (one thread): the
 * best and the median round by wall clock, and the median per second of CPU time this process got. On a
 * shared machine the best round is the least disturbed, and CPU time discounts time spent descheduled.
 */
function measure(
  name: string,
  records: FilterableKinesisRecord[],
  fn: (r: FilterableKinesisRecord) => boolean,
): void {
  // Warm up so the JIT has optimised the closures before timing.
  for (let i = 0; i < records.length * 3; i++) fn(records[i % records.length] as FilterableKinesisRecord);
  const rates: number[] = [];
  const cpuRates: number[] = [];
  let matched = 0;
  let seen = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let count = 0;
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    let elapsedMs: number;
    do {
      for (let i = 0; i < records.length; i++) if (fn(records[i] as FilterableKinesisRecord)) matched++;
      count += records.length;
      elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
    } while (elapsedMs < ROUND_MS);
    seen += count;
    rates.push((count / elapsedMs) * 1000);
    const cpu = process.cpuUsage(cpuStart);
    cpuRates.push((count / (cpu.user + cpu.system)) * 1e6);
  }
  rates.sort((a, b) => b - a);
  cpuRates.sort((a, b) => b - a);
  const fmt = (x: number): string => Math.round(x).toLocaleString('en-US').padStart(11);
  const matchPct = ((matched / seen) * 100).toFixed(1);
  console.log(
    `${name.padEnd(50)} ${fmt(rates[0] as number)} ${fmt(rates[Math.floor(ROUNDS / 2)] as number)} ` +
      `${fmt(cpuRates[Math.floor(ROUNDS / 2)] as number)}   ${matchPct.padStart(5)}%`,
  );
}

const rand = rng(42);
const records = Array.from({ length: RECORDS }, (_, i) => makeRecord(i, rand));
const avgBytes = Math.round(records.reduce((s, r) => s + r.data.length, 0) / records.length);
console.log(`${RECORDS} distinct records, average data size ${avgBytes} bytes, node ${process.version}`);
console.log(
  `records/s, ${ROUNDS} rounds of ${ROUND_MS} ms:`.padEnd(50) +
    '  best (wall)  median (wall) median (per CPU-s)  matched',
);

const dataFilter = compileFilterCriteria(realistic) as CompiledFilter;
const metaFilter = compileFilterCriteria(metadataOnly) as CompiledFilter;
const errorFilter = compileFilterCriteria({
  Filters: [{ Pattern: '{"data":{"status":["ERROR"]}}' }],
}) as CompiledFilter;
const decoder = new TextDecoder('utf-8', { fatal: true });

measure('5 filters on data + metadata (realistic)', records, (r) => dataFilter.matches(r));
measure('1 selective data filter (status = ERROR)', records, (r) => errorFilter.matches(r));
measure('5 filters on metadata only', records, (r) => metaFilter.matches(r));
// Yardsticks for this machine: what a full parse costs, and what merely touching every byte in JS costs.
measure(
  'yardstick: UTF-8 decode + JSON.parse, no matching',
  records,
  (r) => JSON.parse(decoder.decode(r.data)) !== null,
);
measure('yardstick: JS loop reading every byte', records, (r) => {
  let sum = 0;
  const d = r.data;
  for (let i = 0; i < d.length; i++) sum += d[i] as number;
  return sum > 0;
});
