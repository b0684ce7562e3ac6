/**
 * Just enough of the CloudWatch model to translate the query protocol (flat form parameters in, XML
 * out) to and from the plain objects the actions use. JSON and CBOR need no shapes.
 */
export type Shape =
  | { t: 'string' }
  | { t: 'integer' }
  | { t: 'double' }
  | { t: 'boolean' }
  | { t: 'timestamp' }
  | { t: 'list'; member: Shape }
  | { t: 'map'; key: Shape; value: Shape }
  | { t: 'structure'; members: Readonly<Record<string, Shape>> };

const string: Shape = { t: 'string' };
const integer: Shape = { t: 'integer' };
const double: Shape = { t: 'double' };
const boolean: Shape = { t: 'boolean' };
const timestamp: Shape = { t: 'timestamp' };
const list = (member: Shape): Shape => ({ t: 'list', member });
const struct = (members: Record<string, Shape>): Shape => ({ t: 'structure', members });

const dimension = struct({ Name: string, Value: string });
const metric = struct({ Namespace: string, MetricName: string, Dimensions: list(dimension) });
const messageData = struct({ Code: string, Value: string });

export interface OperationShapes {
  input: Shape;
  output: Shape;
}

export const SHAPES: Record<'GetMetricStatistics' | 'GetMetricData' | 'ListMetrics', OperationShapes> = {
  GetMetricStatistics: {
    input: struct({
      Namespace: string,
      MetricName: string,
      Dimensions: list(dimension),
      StartTime: timestamp,
      EndTime: timestamp,
      Period: integer,
      Statistics: list(string),
      ExtendedStatistics: list(string),
      Unit: string,
    }),
    // Members in the model's xmlOrder.
    output: struct({
      Label: string,
      Datapoints: list(
        struct({
          Timestamp: timestamp,
          SampleCount: double,
          Average: double,
          Sum: double,
          Minimum: double,
          Maximum: double,
          Unit: string,
          ExtendedStatistics: { t: 'map', key: string, value: double },
        }),
      ),
    }),
  },
  GetMetricData: {
    input: struct({
      MetricDataQueries: list(
        struct({
          Id: string,
          MetricStat: struct({ Metric: metric, Period: integer, Stat: string, Unit: string }),
          Expression: string,
          Label: string,
          ReturnData: boolean,
          Period: integer,
          AccountId: string,
        }),
      ),
      StartTime: timestamp,
      EndTime: timestamp,
      NextToken: string,
      ScanBy: string,
      MaxDatapoints: integer,
      LabelOptions: struct({ Timezone: string }),
    }),
    output: struct({
      MetricDataResults: list(
        struct({
          Id: string,
          Label: string,
          Timestamps: list(timestamp),
          Values: list(double),
          StatusCode: string,
          Messages: list(messageData),
        }),
      ),
      NextToken: string,
      Messages: list(messageData),
    }),
  },
  ListMetrics: {
    input: struct({
      Namespace: string,
      MetricName: string,
      Dimensions: list(struct({ Name: string, Value: string })),
      NextToken: string,
      RecentlyActive: string,
      IncludeLinkedAccounts: boolean,
      OwningAccount: string,
    }),
    output: struct({ Metrics: list(metric), NextToken: string, OwningAccounts: list(string) }),
  },
};
