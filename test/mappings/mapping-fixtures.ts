import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  LambdaClient,
  type CreateEventSourceMappingCommandInput,
  type CreateEventSourceMappingCommandOutput,
} from '@aws-sdk/client-lambda';
import { CreateStreamCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App, StartOptions } from '../../src/app/app.js';
import { hooks } from '../harness/hooks.js';
import { python3Missing } from '../lambda/python-helpers.js';
import { lambdaClient as lambdaTestClient, makeZip } from '../lambda/lambda-helpers.js';
import type { MappingEvents } from '../../src/mappings/engine/events.js';
import type { MappingState } from '../../src/mappings/model.js';
import type { EventEmitter } from 'node:events';
import {
  eventMatching,
  kinesisClient,
  testServer,
  skipReason,
  withTestServer,
  tempDir,
  type Transport,
} from '../harness/helpers.js';

export const ROLE = 'arn:aws:iam::000000000000:role/lambda-kinesis-role';

/** Resolves with the first `name` event of the mappings that `accept` takes (see `eventMatching`). */
export async function mappingEvent<E extends keyof MappingEvents>(
  app: App,
  name: E,
  accept: (e: MappingEvents[E][0]) => boolean,
  timeoutMs = 20_000,
): Promise<MappingEvents[E][0]> {
  const [e] = await eventMatching<MappingEvents[E]>(
    hooks(app).mappings as unknown as EventEmitter,
    name,
    (...args) => accept(args[0]),
    timeoutMs,
  );
  return e;
}

/**
 * The mapping tests' Lambda client: cleartext HTTP/2 unless asked for HTTP/1.1, with the SDK's default retries (3
 * attempts), since these tests drive functions rather than check single answers.
 */
export function lambdaClient(app: App, transport: Transport = 'h2'): LambdaClient {
  return lambdaTestClient(app, transport, 3);
}

/** Zips files in memory, every one executable (0755), as `zip function.zip index.mjs` would from a checkout. */
export function zipFiles(files: Record<string, string>): Promise<Buffer> {
  return makeZip(
    Object.fromEntries(Object.entries(files).map(([name, content]) => [name, { content, mode: 0o755 }])),
  );
}

/**
 * A handler that appends every event it receives to $OUT_FILE (one JSON line per invoke), then
 * behaves as $BEHAVIOUR says: `ok` (default), `sleep:<ms>`, `hang-at:<n>` (the first invoke that finds n
 * invokes recorded never returns), `fail-on:<data>` (throws when a record's
 * decoded data equals it), `fail-all`, `exit` (process.exit(1) mid-invoke), `return:<json>` (returns
 * that JSON value), `report:<data>` (reports that record in batchItemFailures), `window` (tumbling
 * window: counts records into state.count and sums into state.sum).
 */
export const RECORDING_HANDLER = `
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
export const handler = async (event, context) => {
  const started = Date.now();
  const datas = (event.Records ?? []).map((r) => Buffer.from(r.kinesis.data, 'base64').toString());
  const b = process.env.BEHAVIOUR ?? 'ok';
  if (b.startsWith('sleep:')) await new Promise((r) => setTimeout(r, Number(b.slice(6))));
  if (b.startsWith('hang-at:')) {
    // The first invoke that finds exactly N invokes recorded never returns (once: a marker file says it happened),
    // so a crash lands mid-processing whatever the machine's speed.
    let n = 0;
    try { n = readFileSync(process.env.OUT_FILE, 'utf8').split('\\n').filter((l) => l !== '').length; } catch {}
    if (n === Number(b.slice(8)) && !existsSync(process.env.OUT_FILE + '.hung')) {
      writeFileSync(process.env.OUT_FILE + '.hung', '');
      await new Promise(() => {});
    }
  }
  appendFileSync(process.env.OUT_FILE, JSON.stringify({ started, ended: Date.now(), requestId: context.awsRequestId, event }) + '\\n');
  if (b.startsWith('fail-on:') && datas.includes(b.slice(8))) throw new Error('poison record ' + b.slice(8));
  if (b === 'fail-all') throw new Error('always failing');
  if (b === 'exit') process.exit(1);
  if (b.startsWith('return:')) return JSON.parse(b.slice(7));
  if (b === 'window-fail-first' && !globalThis.failedOnce && datas.length > 0) {
    globalThis.failedOnce = true;
    throw new Error('first window invoke fails');
  }
  if (b.startsWith('window-fail-on:') && datas.includes(b.slice(15))) throw new Error('poison in window');
  if (b.startsWith('window-report:') && datas.includes(b.slice(14))) {
    const i = datas.indexOf(b.slice(14));
    const ok = datas.slice(0, i);
    return {
      state: { count: (event.state?.count ?? 0) + ok.length, sum: (event.state?.sum ?? 0) + ok.reduce((a, d) => a + Number(d), 0) },
      batchItemFailures: [{ itemIdentifier: event.Records[i].kinesis.sequenceNumber }],
    };
  }
  if (b === 'window-big') return { state: { count: (event.state?.count ?? 0) + datas.length, pad: 'x'.repeat(1100 * 1024) } };
  if (b.startsWith('window')) {
    const state = { count: (event.state?.count ?? 0) + datas.length, sum: (event.state?.sum ?? 0) + datas.reduce((a, d) => a + Number(d), 0) };
    return { state };
  }
  if (b.startsWith('report:')) {
    const bad = event.Records.filter((r) => Buffer.from(r.kinesis.data, 'base64').toString() === b.slice(7));
    return { batchItemFailures: bad.map((r) => ({ itemIdentifier: r.kinesis.sequenceNumber })) };
  }
  return {};
};
`;

/**
 * RECORDING_HANDLER's behaviours that test the wire (the event a function receives, the response it returns),
 * in Python, so that mapping tests run through a second runtime: `ok`, `fail-all`, `fail-on:<data>`,
 * `return:<json>`, `report:<data>`, `window`, `window-report:<data>`.
 */
export const RECORDING_HANDLER_PY = `
import base64, json, os, time
def handler(event, context):
    started = int(time.time() * 1000)
    records = event.get("Records") or []
    datas = [base64.b64decode(r["kinesis"]["data"]).decode() for r in records]
    b = os.environ.get("BEHAVIOUR", "ok")
    with open(os.environ["OUT_FILE"], "a") as f:
        f.write(json.dumps({"started": started, "ended": int(time.time() * 1000),
                            "requestId": context.aws_request_id, "event": event}) + "\\n")
    if b.startswith("fail-on:") and b[8:] in datas: raise Exception("poison record " + b[8:])
    if b == "fail-all": raise Exception("always failing")
    if b.startswith("return:"): return json.loads(b[7:])
    state = event.get("state") or {}
    if b.startswith("window-report:") and b[14:] in datas:
        ok = datas[:datas.index(b[14:])]
        return {"state": {"count": state.get("count", 0) + len(ok), "sum": state.get("sum", 0) + sum(int(d) for d in ok)},
                "batchItemFailures": [{"itemIdentifier": records[len(ok)]["kinesis"]["sequenceNumber"]}]}
    if b.startswith("window"):
        return {"state": {"count": state.get("count", 0) + len(datas), "sum": state.get("sum", 0) + sum(int(d) for d in datas)}}
    if b.startswith("report:"):
        return {"batchItemFailures": [{"itemIdentifier": r["kinesis"]["sequenceNumber"]} for r, d in zip(records, datas) if d == b[7:]]}
    return {}
`;

/** The runtimes a wire-level mapping test runs through (Node.js, and Python with RECORDING_HANDLER_PY). */
export const RECORDING_RUNTIMES = ['nodejs20.x', 'python3.11'] as const;
export type RecordingRuntime = (typeof RECORDING_RUNTIMES)[number];

/** `it`'s options for a test through `runtime`: Python ones need a python3 (CI fails loudly without one). */
export function runtimeTestOptions(runtime: RecordingRuntime): { skip: string | false } {
  return { skip: runtime.startsWith('python') ? skipReason(python3Missing()) : false };
}

export interface RecordedInvoke {
  started: number;
  ended: number;
  requestId: string;
  event: { Records: Array<KinesisEventRecord> };
}

export interface KinesisEventRecord {
  kinesis: {
    kinesisSchemaVersion: string;
    partitionKey: string;
    sequenceNumber: string;
    data: string;
    approximateArrivalTimestamp: number;
  };
  eventSource: string;
  eventVersion: string;
  eventID: string;
  eventName: string;
  invokeIdentityArn: string;
  awsRegion: string;
  eventSourceARN: string;
}

/** A function whose invocations are recorded in a file the test reads. */
export interface RecordingFunction {
  name: string;
  arn: string;
  outFile: string;
  invokes(): RecordedInvoke[];
  /** Decoded data of every record delivered, in delivery order. */
  datas(): string[];
}

export async function createRecordingFunction(
  app: App,
  lambda: LambdaClient,
  name: string,
  env: Record<string, string> = {},
  timeout = 10,
  runtime: RecordingRuntime = 'nodejs20.x',
): Promise<RecordingFunction> {
  const outFile = join(tempDir('tributary-out-'), 'invokes.jsonl');
  const python = runtime.startsWith('python');
  const res = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: runtime,
      Handler: python ? 'recording.handler' : 'index.handler',
      Role: ROLE,
      Timeout: timeout,
      Code: {
        ZipFile: await zipFiles(
          python ? { 'recording.py': RECORDING_HANDLER_PY } : { 'index.mjs': RECORDING_HANDLER },
        ),
      },
      Environment: { Variables: { OUT_FILE: outFile, ...env } },
    }),
  );
  const invokes = (): RecordedInvoke[] => {
    if (!existsSync(outFile)) return [];
    const text = readFileSync(outFile, 'utf8');
    // A line without its newline may still be being written by the function: leave it for the next read.
    const complete = text.slice(0, text.lastIndexOf('\n') + 1);
    return complete
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as RecordedInvoke);
  };
  return {
    name,
    arn: res.FunctionArn!,
    outFile,
    invokes,
    datas: () =>
      invokes().flatMap((i) => i.event.Records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString())),
  };
}

export async function createStream(
  kinesis: KinesisClient,
  app: App,
  name: string,
  shards = 1,
): Promise<string> {
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  return hooks(app).streams.get(name).arn;
}

/** Resolves when the mapping reaches `state`. */
export async function mappingState(
  app: App,
  uuid: string,
  state: MappingState,
  timeoutMs = 10_000,
): Promise<void> {
  const current = hooks(app)
    .mappings.list()
    .find((m) => m.UUID === uuid);
  if (current?.State === state) return;
  // A deleted mapping is gone once Deleting finishes.
  if (state === 'Deleting' && current === undefined) return;
  await mappingEvent(app, 'state', (e) => e.uuid === uuid && e.state === state, timeoutMs);
}

/** Creates an event source mapping through the API and resolves once it is Enabled. */
export async function enabledMapping(
  app: App,
  l: LambdaClient,
  input: CreateEventSourceMappingCommandInput,
): Promise<CreateEventSourceMappingCommandOutput> {
  const m = await l.send(new CreateEventSourceMappingCommand(input));
  await mappingState(app, m.UUID!, 'Enabled');
  return m;
}

/** Resolves once `count` records have been delivered in successful batches of a mapping. */
export async function recordsDelivered(
  app: App,
  uuid: string,
  count: number,
  timeoutMs = 20_000,
): Promise<void> {
  const done = (): boolean => (hooks(app).metricRecorder.mappings.get(uuid)?.records ?? 0) >= count;
  if (done()) return;
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => {
      hooks(app).mappings.off('batch', on);
      reject(
        new Error(
          `timed out: ${hooks(app).metricRecorder.mappings.get(uuid)?.records ?? 0}/${count} records delivered`,
        ),
      );
    }, timeoutMs);
    const on = (): void => {
      // Metrics listeners run before this one (registered first), so totals are current.
      if (done()) {
        clearTimeout(t);
        hooks(app).mappings.off('batch', on);
        resolve();
      }
    };
    hooks(app).mappings.on('batch', on);
  });
}

export interface MappingTestServer {
  app: App;
  k: KinesisClient;
  l: LambdaClient;
}

/**
 * A server and its Kinesis and Lambda clients (over `transport`) for one test: `await using s = await
 * mappingTestServer()`; leaving the scope destroys the clients and stops the server.
 */
export function mappingTestServer(
  opts: StartOptions = {},
  transport: Transport = 'h2',
): Promise<MappingTestServer & AsyncDisposable> {
  return testServer(opts, (app) => ({ k: kinesisClient(app, transport), l: lambdaClient(app, transport) }));
}

/** Starts a server and its Kinesis and Lambda clients for the enclosing suite, hands them to `use`, and stops them after. */
export function withMappingServer(use: (s: MappingTestServer) => void, opts: StartOptions = {}): void {
  withTestServer(
    opts,
    (app) => ({ k: kinesisClient(app), l: lambdaClient(app) }),
    (app, c) => use({ app, ...c }),
  );
}
