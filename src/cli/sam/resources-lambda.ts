import {
  CreateAliasCommand,
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  DeleteAliasCommand,
  DeleteEventSourceMappingCommand,
  DeleteFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  DeleteLayerVersionCommand,
  GetEventSourceMappingCommand,
  GetFunctionConfigurationCommand,
  PublishLayerVersionCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  UpdateAliasCommand,
  UpdateEventSourceMappingCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type EventSourcePosition,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { physicalName } from './expand.js';
import {
  bool,
  deleteIfPresent,
  isAwsError,
  num,
  same,
  str,
  tagMap,
  until,
  type Deployed,
  type ResourceHandler,
} from './resource-handler.js';

/** Until the function is Active and its last update done (Lambda refuses changes while one is in progress). */
async function ready(l: LambdaClient, name: string): Promise<string> {
  return until(async () => {
    const f = await l.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    return f.State === 'Active' && f.LastUpdateStatus !== 'InProgress' ? f.FunctionArn : undefined;
  }, `function ${name} to be Active`);
}

/** The configuration members CreateFunction and UpdateFunctionConfiguration share. */
function configuration(p: Record<string, unknown>) {
  const layers = Array.isArray(p['Layers']) ? p['Layers'].map(String) : undefined;
  return {
    Runtime: str(p['Runtime']) as never,
    Handler: str(p['Handler']),
    Role: str(p['Role']),
    Timeout: num(p['Timeout']),
    MemorySize: num(p['MemorySize']),
    Description: str(p['Description']),
    Environment: p['Environment'] as { Variables?: Record<string, string> } | undefined,
    ...(layers && layers.length > 0 ? { Layers: layers } : {}),
  };
}

async function concurrency(l: LambdaClient, name: string, before: unknown, after: unknown): Promise<void> {
  if (same(before, after)) return;
  if (after === undefined) await l.send(new DeleteFunctionConcurrencyCommand({ FunctionName: name }));
  else
    await l.send(
      new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: num(after) }),
    );
}

/** AWS::Lambda::Function (and a SAM function): Ref is the name, GetAtt Arn. FunctionName replaces it. */
export const lambdaFunction: ResourceHandler = {
  async create(c) {
    const l = c.clients.lambda;
    const name = str(c.props['FunctionName']) ?? physicalName(c.stackName, c.logicalId, 64);
    await l.send(
      new CreateFunctionCommand({
        FunctionName: name,
        ...configuration(c.props),
        Architectures: c.props['Architectures'] as never,
        Tags: tagMap(c.props['Tags']) ?? (c.props['Tags'] as Record<string, string> | undefined),
        Code: { ZipFile: c.code!.zip },
      }),
    );
    const arn = await ready(l, name);
    await concurrency(l, name, undefined, c.props['ReservedConcurrentExecutions']);
    return { physicalId: name, attributes: { Arn: arn } };
  },
  async update(c, old) {
    const l = c.clients.lambda;
    const name = old.deployed.physicalId;
    if ((str(c.props['FunctionName']) ?? name) !== name) return 'replace';
    if (!same(c.props['Code'], old.props['Code'])) {
      await l.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: c.code!.zip }));
      await ready(l, name);
    }
    const keys = [
      'Runtime',
      'Handler',
      'Role',
      'Timeout',
      'MemorySize',
      'Description',
      'Environment',
      'Layers',
    ];
    if (keys.some((k) => !same(c.props[k], old.props[k]))) {
      const cfg = configuration(c.props);
      await l.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: name,
          ...cfg,
          // A property taken out of the template goes back to Lambda's default.
          Timeout: cfg.Timeout ?? 3,
          MemorySize: cfg.MemorySize ?? 128,
          Description: cfg.Description ?? '',
          Environment: cfg.Environment ?? { Variables: {} },
        }),
      );
      await ready(l, name);
    }
    await concurrency(
      l,
      name,
      old.props['ReservedConcurrentExecutions'],
      c.props['ReservedConcurrentExecutions'],
    );
    return old.deployed;
  },
  async delete(c, d) {
    await deleteIfPresent(
      () => c.clients.lambda.send(new DeleteFunctionCommand({ FunctionName: d.physicalId })),
      'ResourceNotFoundException',
    );
  },
};

/** What a mapping property goes back to when it leaves the template (Lambda's defaults for Kinesis). */
const MAPPING_DEFAULTS: Record<string, unknown> = {
  BatchSize: 100,
  MaximumBatchingWindowInSeconds: 0,
  ParallelizationFactor: 1,
  MaximumRecordAgeInSeconds: -1,
  BisectBatchOnFunctionError: false,
  MaximumRetryAttempts: -1,
  TumblingWindowInSeconds: 0,
  Enabled: true,
  FunctionResponseTypes: [],
  FilterCriteria: { Filters: [] },
  DestinationConfig: { OnFailure: {} },
  MetricsConfig: { Metrics: [] },
};

function mappingFields(p: Record<string, unknown>) {
  return {
    FunctionName: str(p['FunctionName']),
    BatchSize: num(p['BatchSize']),
    MaximumBatchingWindowInSeconds: num(p['MaximumBatchingWindowInSeconds']),
    ParallelizationFactor: num(p['ParallelizationFactor']),
    MaximumRecordAgeInSeconds: num(p['MaximumRecordAgeInSeconds']),
    BisectBatchOnFunctionError: bool(p['BisectBatchOnFunctionError']),
    MaximumRetryAttempts: num(p['MaximumRetryAttempts']),
    TumblingWindowInSeconds: num(p['TumblingWindowInSeconds']),
    Enabled: bool(p['Enabled']),
    FunctionResponseTypes: p['FunctionResponseTypes'] as never,
    FilterCriteria: p['FilterCriteria'] as never,
    DestinationConfig: p['DestinationConfig'] as never,
    MetricsConfig: p['MetricsConfig'] as never,
  };
}

/** Until the mapping has left its transitional state (Creating, Updating...): the next change would be refused. */
async function settled(l: LambdaClient, uuid: string): Promise<void> {
  await until(async () => {
    const s = (await l.send(new GetEventSourceMappingCommand({ UUID: uuid }))).State;
    return s === 'Enabled' || s === 'Disabled' ? s : undefined;
  }, `event source mapping ${uuid} to be Enabled or Disabled`);
}

/** AWS::Lambda::EventSourceMapping: Ref and GetAtt Id are the UUID. EventSourceArn and StartingPosition replace it. */
export const eventSourceMapping: ResourceHandler = {
  deleteBeforeReplace: true,
  async create(c) {
    const l = c.clients.lambda;
    const ts = c.props['StartingPositionTimestamp'];
    const r = await l.send(
      new CreateEventSourceMappingCommand({
        ...mappingFields(c.props),
        EventSourceArn: str(c.props['EventSourceArn']),
        StartingPosition: str(c.props['StartingPosition']) as EventSourcePosition | undefined,
        StartingPositionTimestamp: ts === undefined ? undefined : new Date(Number(ts) * 1000),
      }),
    );
    await settled(l, r.UUID!);
    return { physicalId: r.UUID!, attributes: { Id: r.UUID! } };
  },
  async update(c, old) {
    const fixed = ['EventSourceArn', 'StartingPosition', 'StartingPositionTimestamp'];
    if (fixed.some((k) => !same(c.props[k], old.props[k]))) return 'replace';
    const l = c.clients.lambda;
    const uuid = old.deployed.physicalId;
    const fields: Record<string, unknown> = mappingFields(c.props);
    for (const [k, v] of Object.entries(MAPPING_DEFAULTS))
      if (fields[k] === undefined && old.props[k] !== undefined) fields[k] = v;
    await settled(l, uuid);
    await l.send(new UpdateEventSourceMappingCommand({ UUID: uuid, ...fields }));
    await settled(l, uuid);
    return old.deployed;
  },
  async delete(c, d) {
    const l = c.clients.lambda;
    await deleteIfPresent(async () => {
      await l.send(new DeleteEventSourceMappingCommand({ UUID: d.physicalId }));
      // Until it is gone: while Deleting it still counts as the function's mapping of that stream.
      await until(async () => {
        try {
          await l.send(new GetEventSourceMappingCommand({ UUID: d.physicalId }));
          return undefined;
        } catch (err) {
          if (isAwsError(err, 'ResourceNotFoundException')) return true;
          throw err;
        }
      }, `event source mapping ${d.physicalId} to be deleted`);
    }, 'ResourceNotFoundException');
  },
};

/** AWS::Lambda::Version: Ref is the version's ARN; GetAtt Version, FunctionArn. Never updated: a new one replaces it. */
export const lambdaVersion: ResourceHandler = {
  async create(c) {
    const r = await c.clients.lambda.send(
      new PublishVersionCommand({
        FunctionName: str(c.props['FunctionName']),
        Description: str(c.props['Description']),
      }),
    );
    const arn = r.FunctionArn!;
    return {
      physicalId: arn,
      attributes: { Version: r.Version!, FunctionArn: arn.slice(0, arn.lastIndexOf(':')) },
    };
  },
  async update() {
    return 'replace';
  },
  async delete(c, d) {
    const [fn, version] = [d.attributes['FunctionArn'], d.attributes['Version']];
    await deleteIfPresent(
      () => c.clients.lambda.send(new DeleteFunctionCommand({ FunctionName: fn, Qualifier: version })),
      'ResourceNotFoundException',
    );
  },
};

/** AWS::Lambda::Alias: Ref is the alias ARN (GetAtt AliasArn). Name and FunctionName replace it. */
export const lambdaAlias: ResourceHandler = {
  async create(c) {
    const r = await c.clients.lambda.send(
      new CreateAliasCommand({
        FunctionName: str(c.props['FunctionName']),
        Name: str(c.props['Name']),
        FunctionVersion: str(c.props['FunctionVersion']),
        Description: str(c.props['Description']),
      }),
    );
    return { physicalId: r.AliasArn!, attributes: { AliasArn: r.AliasArn! } };
  },
  async update(c, old): Promise<Deployed | 'replace'> {
    if (
      !same(c.props['Name'], old.props['Name']) ||
      !same(c.props['FunctionName'], old.props['FunctionName'])
    )
      return 'replace';
    await c.clients.lambda.send(
      new UpdateAliasCommand({
        FunctionName: str(c.props['FunctionName']),
        Name: str(c.props['Name']),
        FunctionVersion: str(c.props['FunctionVersion']),
        Description: str(c.props['Description']) ?? '',
      }),
    );
    return old.deployed;
  },
  async delete(c, d) {
    const arn = d.physicalId;
    const name = arn.slice(arn.lastIndexOf(':') + 1);
    await deleteIfPresent(
      () =>
        c.clients.lambda.send(
          new DeleteAliasCommand({ FunctionName: arn.slice(0, arn.lastIndexOf(':')), Name: name }),
        ),
      'ResourceNotFoundException',
    );
  },
};

/** AWS::Lambda::LayerVersion (Content a local directory or .zip): Ref is the layer version's ARN. */
export const layerVersion: ResourceHandler = {
  async create(c) {
    const r = await c.clients.lambda.send(
      new PublishLayerVersionCommand({
        LayerName: str(c.props['LayerName']) ?? physicalName(c.stackName, c.logicalId, 140),
        Content: { ZipFile: c.code!.zip },
        CompatibleRuntimes: c.props['CompatibleRuntimes'] as never,
        Description: str(c.props['Description']),
      }),
    );
    return { physicalId: r.LayerVersionArn!, attributes: { LayerVersionArn: r.LayerVersionArn! } };
  },
  async update() {
    return 'replace';
  },
  async delete(c, d) {
    const arn = d.physicalId;
    const cut = arn.lastIndexOf(':');
    await deleteIfPresent(
      () =>
        c.clients.lambda.send(
          new DeleteLayerVersionCommand({
            LayerName: arn.slice(0, cut),
            VersionNumber: Number(arn.slice(cut + 1)),
          }),
        ),
      'ResourceNotFoundException',
    );
  },
};
