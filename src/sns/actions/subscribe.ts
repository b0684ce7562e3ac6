import { operation } from '../../server/operations.js';
import { required, string, structure } from '../../server/shapes.js';
import { invalidParameter } from '../errors.js';
import type { SubscriptionProtocol } from '../model.js';
import { ATTRIBUTES, TOPIC_ARN_MEMBER, type SnsContext } from '../sns-action.js';
import { checkSubscriptionAttributes } from '../subscription-attributes.js';

const SQS_ARN = /^arn:aws[\w-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/;
const LAMBDA_ARN =
  /^arn:aws[\w-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:(\$LATEST|[A-Za-z0-9_-]+))?$/;
/** Protocols SNS has that Tributary does not deliver to. */
const OTHER_PROTOCOLS = new Set(['http', 'https', 'email', 'email-json', 'sms', 'application', 'firehose']);

export const subscribe = operation({
  input: structure({
    TopicArn: TOPIC_ARN_MEMBER,
    Protocol: required(string()),
    Endpoint: string(),
    Attributes: ATTRIBUTES,
  }),
  output: structure({ SubscriptionArn: string() }),
  async run(sns: SnsContext, input) {
    const t = sns.registry.topic(input.TopicArn);
    const protocol = input.Protocol;
    if (protocol !== 'sqs' && protocol !== 'lambda') {
      if (OTHER_PROTOCOLS.has(protocol)) {
        throw invalidParameter(
          `Protocol Reason: Tributary delivers only to sqs and lambda subscriptions, not ${protocol}`,
        );
      }
      throw invalidParameter(`Amazon SNS does not support this protocol string: ${protocol}`);
    }
    const endpoint = input.Endpoint ?? '';
    if (protocol === 'sqs' && !SQS_ARN.test(endpoint)) throw invalidParameter('SQS endpoint ARN');
    if (protocol === 'lambda' && !LAMBDA_ARN.test(endpoint)) throw invalidParameter('Lambda endpoint ARN');
    const attributes = input.Attributes ?? {};
    checkSubscriptionAttributes(attributes);
    const s = await sns.registry.subscribe(t, protocol as SubscriptionProtocol, endpoint, attributes);
    return { SubscriptionArn: s.arn };
  },
});
