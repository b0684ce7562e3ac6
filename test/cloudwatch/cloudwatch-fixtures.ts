import {
  CloudWatchClient,
  GetMetricStatisticsCommand,
  type Datapoint,
  type Dimension,
} from '@aws-sdk/client-cloudwatch';
import { execFile } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import type { App } from '../../src/app/app.js';
import { cliEnv, clientConfig, eventMatching, tempDir, type Transport } from '../harness/helpers.js';
import { hooks } from '../harness/hooks.js';

const exec = promisify(execFile);

/** A clock tests move by hand, so one-minute periods never take real minutes. */
export class TestClock {
  #now: number;
  constructor(start = Date.parse('2024-05-01T12:00:00Z')) {
    this.#now = start;
  }
  readonly now = (): number => this.#now;
  advance(ms: number): void {
    this.#now += ms;
  }
  /** Moves to the start of the next minute plus `offsetMs`. */
  nextMinute(offsetMs = 0): number {
    this.#now = Math.floor(this.#now / 60_000) * 60_000 + 60_000 + offsetMs;
    return this.#now;
  }
}

export function cloudWatchClient(app: App, transport: Transport = 'h2'): CloudWatchClient {
  return new CloudWatchClient(clientConfig(app, transport));
}

/** The one datapoint (GetMetricStatistics, one period of an hour) of a metric in the hour from `start`, if any. */
export async function hourDatapoint(
  cw: CloudWatchClient,
  start: number,
  metric: { namespace: string; name: string; dims: Dimension[] },
  statistic: 'Sum' | 'SampleCount' | 'Maximum',
): Promise<Datapoint | undefined> {
  const out = await cw.send(
    new GetMetricStatisticsCommand({
      Namespace: metric.namespace,
      MetricName: metric.name,
      Dimensions: metric.dims,
      StartTime: new Date(start),
      EndTime: new Date(start + 3_600_000),
      Period: 3600,
      Statistics: [statistic],
    }),
  );
  return out.Datapoints?.[0];
}

/** Which wire protocol the AWS CLI uses for CloudWatch: its own default, or one forced through its model. */
export type CliProtocol = 'default' | 'smithy-rpc-v2-cbor' | 'json' | 'query';

let botocoreData: string | null | undefined;

/** The installed botocore's data folder (the AWS CLI's models), or null when python cannot import it. */
export async function botocoreDataDir(): Promise<string | null> {
  if (botocoreData !== undefined) return botocoreData;
  try {
    const { stdout } = await exec('python3', [
      '-c',
      'import botocore, os; print(os.path.join(os.path.dirname(botocore.__file__), "data"))',
    ]);
    const dir = stdout.trim();
    botocoreData = existsSync(join(dir, 'cloudwatch')) ? dir : null;
  } catch {
    botocoreData = null;
  }
  return botocoreData;
}

const modelDirs = new Map<CliProtocol, string>();

/**
 * A data folder for AWS_DATA_PATH whose CloudWatch model lists only `protocol`, so botocore (the AWS CLI,
 * boto3) speaks that protocol — the way older or newer clients would.
 */
export async function modelDirFor(protocol: Exclude<CliProtocol, 'default'>): Promise<string | null> {
  const cached = modelDirs.get(protocol);
  if (cached) return cached;
  const data = await botocoreDataDir();
  if (!data) return null;
  const versionDir = join(data, 'cloudwatch', '2010-08-01');
  const gz = join(versionDir, 'service-2.json.gz');
  const text = existsSync(gz)
    ? gunzipSync(readFileSync(gz)).toString('utf8')
    : readFileSync(join(versionDir, 'service-2.json'), 'utf8');
  const model = JSON.parse(text) as { metadata: Record<string, unknown> };
  model.metadata['protocol'] = protocol;
  model.metadata['protocols'] = [protocol];
  const root = tempDir('tributary-cw-model-');
  mkdirSync(join(root, 'cloudwatch', '2010-08-01'), { recursive: true });
  writeFileSync(join(root, 'cloudwatch', '2010-08-01', 'service-2.json'), JSON.stringify(model));
  modelDirs.set(protocol, root);
  return root;
}

export interface CliResult {
  json: unknown;
  /** The CLI's --debug log (tells which protocol went on the wire). */
  debug: string;
}

export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly debug: string,
  ) {
    super(message);
  }
}

/**
 * Runs `aws cloudwatch ...` (or any command) with --debug, returning parsed JSON output. Errors become
 * CliError with the error code the CLI printed. Throws when the protocol cannot be forced here (see botocoreDataDir).
 */
export async function cli(app: App, args: string[], protocol: CliProtocol = 'default'): Promise<CliResult> {
  const env = cliEnv();
  if (protocol !== 'default') {
    const dir = await modelDirFor(protocol);
    if (!dir) throw new Error('botocore models not found');
    env['AWS_DATA_PATH'] = dir;
  }
  try {
    const { stdout, stderr } = await exec(
      'aws',
      ['--debug', '--endpoint-url', app.endpoint, '--output', 'json', ...args],
      {
        env,
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    return { json: stdout.trim() === '' ? undefined : JSON.parse(stdout), debug: stderr };
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '');
    const m = /An error occurred \(([^)]+)\) when calling the \w+ operation: (.*)/.exec(stderr);
    if (m) throw new CliError(m[1]!, m[2]!, stderr);
    throw err;
  }
}

/** What the CLI's debug log shows went on the wire. */
export function wireProtocol(debug: string): 'smithy-rpc-v2-cbor' | 'json' | 'query' | 'unknown' {
  if (/\/service\/GraniteServiceVersion20100801\/operation\//.test(debug)) return 'smithy-rpc-v2-cbor';
  if (/GraniteServiceVersion20100801\.\w+/.test(debug)) return 'json';
  if (/Action=\w+&Version=2010-08-01|'Action': '\w+'/.test(debug)) return 'query';
  return 'unknown';
}

/** Resolves once `count` values of a metric have been recorded (in any series). */
export async function metricRecorded(
  app: App,
  metricName: string,
  predicate: (value: number) => boolean = () => true,
  timeoutMs = 20_000,
): Promise<number> {
  const [e] = await eventMatching<[{ metricName: string; value: number }]>(
    hooks(app).metricStore as unknown as EventEmitter,
    'recorded',
    (r) => r.metricName === metricName && predicate(r.value),
    timeoutMs,
  );
  return e.value;
}

/** ISO text of epoch ms (the CLI's --start-time/--end-time). */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The AWS CLI's `cloudwatch get-metric-statistics` for AWS/Lambda IteratorAge: the arguments, with the function's
 * dimension unless `functionName` is left out, and whichever of `statistics` and `extended` are given.
 */
export function iteratorAgeStatisticsArgs(o: {
  functionName?: string;
  start: number;
  end: number;
  periodSeconds: number;
  statistics?: string[];
  extended?: string[];
}): string[] {
  return [
    'cloudwatch',
    'get-metric-statistics',
    '--namespace',
    'AWS/Lambda',
    '--metric-name',
    'IteratorAge',
    ...(o.functionName === undefined ? [] : ['--dimensions', `Name=FunctionName,Value=${o.functionName}`]),
    '--start-time',
    iso(o.start),
    '--end-time',
    iso(o.end),
    '--period',
    String(o.periodSeconds),
    ...(o.statistics ? ['--statistics', ...o.statistics] : []),
    ...(o.extended ? ['--extended-statistics', ...o.extended] : []),
  ];
}
