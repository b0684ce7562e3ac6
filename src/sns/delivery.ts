import type { FunctionInvoker } from '../lambda/invoker.js';
import type { AppContext } from '../server/context.js';
import type { MessageAttributes } from '../sqs/model.js';
import type { Sqs } from '../sqs/sqs.js';
import { compileFilterPolicy, matchesFilter, type FilterScope } from './filter-policy.js';
import type { Publication, SnsMessageAttributes, SubscriptionMeta } from './model.js';
import { lambdaEvent, messageFor, sqsEnvelope, type EnvelopeUrls } from './notification.js';
import type { TopicRegistry } from './topic-registry.js';

/**
 * What SNS delivers through: queues and functions by ARN (of any region: the wiring routes them). Lambda is optional:
 * without it, a lambda subscription's deliveries fail (reported).
 */
export interface SnsDeps {
  sqs: Pick<Sqs, 'sendMessage' | 'exists'>;
  invoker?: Pick<FunctionInvoker, 'invokeAsync'>;
}

/** SQS takes at most 10 message attributes and has no String.Array type. */
const MAX_SQS_ATTRIBUTES = 10;

function sqsAttributes(attrs: SnsMessageAttributes | undefined): MessageAttributes | undefined {
  const entries = Object.entries(attrs ?? {}).slice(0, MAX_SQS_ATTRIBUTES);
  if (entries.length === 0) return undefined;
  const out: MessageAttributes = {};
  for (const [k, a] of entries) {
    out[k] =
      a.DataType === 'Binary'
        ? { DataType: 'Binary', BinaryValue: a.BinaryValue! }
        : { DataType: a.DataType === 'String.Array' ? 'String' : a.DataType, StringValue: a.StringValue! };
  }
  return out;
}

/** Fans a publication out to a topic's subscriptions. */
export class Deliverer {
  readonly #ctx: AppContext;
  readonly #registry: TopicRegistry;
  readonly #deps: SnsDeps;
  readonly #filters = new Map<string, ReturnType<typeof compileFilterPolicy>>();

  constructor(ctx: AppContext, registry: TopicRegistry, deps: SnsDeps) {
    this.#ctx = ctx;
    this.#registry = registry;
    this.#deps = deps;
  }

  urls(): EnvelopeUrls {
    const { host, port } = this.#ctx.endpoint;
    const h = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
    return { endpoint: `http://${h}:${port}`, region: this.#ctx.options.region };
  }

  /**
   * Delivers to every matching subscription. Resolves when each SQS delivery is durable in its queue and
   * each Lambda delivery is queued; a failed delivery is logged and reported, never thrown (like SNS,
   * Publish succeeds once the topic accepted the message).
   */
  async publish(pub: Publication): Promise<number> {
    const subs = this.#registry.subscriptionsOf(pub.topicArn).filter((s) => this.#passes(s, pub));
    await Promise.all(subs.map((s) => this.#deliver(pub, s)));
    this.#registry.emit('published', {
      topicArn: pub.topicArn,
      messageId: pub.messageId,
      deliveries: subs.length,
    });
    return subs.length;
  }

  #passes(s: SubscriptionMeta, pub: Publication): boolean {
    const policy = s.attributes.FilterPolicy;
    if (!policy) return true;
    const scope = (s.attributes.FilterPolicyScope ?? 'MessageAttributes') as FilterScope;
    const key = `${scope}\n${policy}`;
    let compiled = this.#filters.get(key);
    if (!compiled) {
      compiled = compileFilterPolicy(policy, scope);
      this.#filters.set(key, compiled);
    }
    return matchesFilter(compiled, scope, messageFor(pub, s.protocol), pub.attributes);
  }

  async #deliver(pub: Publication, s: SubscriptionMeta): Promise<void> {
    const base = {
      topicArn: pub.topicArn,
      messageId: pub.messageId,
      subscriptionArn: s.arn,
      protocol: s.protocol,
    };
    try {
      if (s.protocol === 'sqs') {
        const raw = s.attributes.RawMessageDelivery === 'true';
        const body = raw ? messageFor(pub, 'sqs') : sqsEnvelope(pub, s, this.urls());
        const messageAttributes = raw ? sqsAttributes(pub.attributes) : undefined;
        await this.#deps.sqs.sendMessage(s.endpoint, body, {
          ...(messageAttributes ? { messageAttributes } : {}),
          senderId: this.#ctx.options.account,
        });
      } else {
        const invoker = this.#deps.invoker;
        if (!invoker) throw new Error('Lambda is not available');
        // SNS invokes functions asynchronously (InvocationType Event), with Lambda's own retries.
        await invoker.invokeAsync(s.endpoint, Buffer.from(JSON.stringify(lambdaEvent(pub, s, this.urls()))));
      }
      this.#registry.emit('delivered', base);
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      this.#ctx.log.warn({ err, subscription: s.arn, endpoint: s.endpoint }, 'SNS delivery failed');
      this.#registry.emit('delivery-failed', { ...base, error });
    }
  }
}
