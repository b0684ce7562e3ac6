import type { FunctionRecord } from './model.js';

/** A FunctionConfiguration document (GetFunctionConfiguration, CreateFunction, ListFunctions...) as AWS shapes it. */
export function functionConfiguration(
  r: FunctionRecord,
  arn: string,
  region: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    FunctionName: r.name,
    FunctionArn: arn,
    Runtime: r.runtime,
    Role: r.role,
    Handler: r.handler,
    CodeSize: r.codeSize,
    Description: r.description,
    Timeout: r.timeout,
    MemorySize: r.memorySize,
    LastModified: r.lastModified,
    CodeSha256: r.codeSha256,
    Version: r.version ?? '$LATEST',
    TracingConfig: { Mode: 'PassThrough' },
    RevisionId: r.revisionId,
    State: r.state,
  };
  if (r.environment !== undefined) out['Environment'] = { Variables: { ...r.environment } };
  if (r.layers !== undefined && r.layers.length > 0)
    out['Layers'] = r.layers.map((l) => ({ Arn: l.arn, CodeSize: l.codeSize }));
  if (r.stateReason !== undefined) out['StateReason'] = r.stateReason;
  if (r.stateReasonCode !== undefined) out['StateReasonCode'] = r.stateReasonCode;
  if (r.lastUpdateStatus !== undefined) out['LastUpdateStatus'] = r.lastUpdateStatus;
  if (r.lastUpdateStatusReason !== undefined) out['LastUpdateStatusReason'] = r.lastUpdateStatusReason;
  if (r.lastUpdateStatusReasonCode !== undefined)
    out['LastUpdateStatusReasonCode'] = r.lastUpdateStatusReasonCode;
  Object.assign(out, {
    PackageType: 'Zip',
    Architectures: [...r.architectures],
    EphemeralStorage: { Size: r.ephemeralStorageMb },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    RuntimeVersionConfig: {
      RuntimeVersionArn: `arn:aws:lambda:${region}::runtime:${runtimeVersionId(r.runtime)}`,
    },
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${r.name}` },
  });
  return out;
}

/** A stable 64-hex-digit id per runtime name (AWS's runtime version ARNs end in such an id). */
function runtimeVersionId(runtime: string): string {
  let h = 0n;
  for (const c of runtime) h = (h * 131n + BigInt(c.charCodeAt(0))) % (1n << 256n);
  return h.toString(16).padStart(64, '0').slice(-64);
}
