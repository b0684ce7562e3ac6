import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../server/context.js';
import { arn } from '../server/context.js';
import { snsMissingMessage } from '../server/validation-dialects.js';
import { invalidParameter, notFound } from './errors.js';
import type { SubscriptionMeta, SubscriptionProtocol, TopicMeta } from './model.js';

const TOPICS = 'sns.topic';
const SUBS = 'sns.sub';
export const TOPIC_ARN = /^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

/** A well-formed topic ARN, or InvalidParameter naming `param`. */
export function checkTopicArn(topicArn: string | undefined, param = 'TopicArn'): string {
  if (topicArn === undefined || topicArn === '') throw invalidParameter(snsMissingMessage(param));
  if (!TOPIC_ARN.test(topicArn)) throw invalidParameter(param);
  return topicArn;
}

/** Events tests and other components can await. */
export interface SnsEvents {
  'topic-created': [{ arn: string }];
  'topic-deleted': [{ arn: string }];
  /** Publish returned: every SQS delivery is durable, Lambda deliveries are queued. */
  published: [{ topicArn: string; messageId: string; deliveries: number }];
  delivered: [
    { topicArn: string; messageId: string; subscriptionArn: string; protocol: SubscriptionProtocol },
  ];
  'delivery-failed': [
    {
      topicArn: string;
      messageId: string;
      subscriptionArn: string;
      protocol: SubscriptionProtocol;
      error: string;
    },
  ];
}

/** Topics and subscriptions, held in memory and written through to the store. */
export class TopicRegistry extends EventEmitter<SnsEvents> {
  readonly #ctx: AppContext;
  readonly #topics = new Map<string, TopicMeta>();
  readonly #subs = new Map<string, SubscriptionMeta>();

  constructor(ctx: AppContext) {
    super();
    this.setMaxListeners(0);
    this.#ctx = ctx;
    for (const { doc } of ctx.store.listDocs<TopicMeta>(TOPICS)) this.#topics.set(doc.name, doc);
    for (const { doc } of ctx.store.listDocs<SubscriptionMeta>(SUBS)) this.#subs.set(doc.arn, doc);
  }

  topicArn(name: string): string {
    return arn(this.#ctx, 'sns', name);
  }

  /** The topic an ARN names, or undefined (also for other accounts/regions). */
  findTopic(topicArn: string): TopicMeta | undefined {
    const name = topicArn.slice(topicArn.lastIndexOf(':') + 1);
    const t = this.#topics.get(name);
    return t && t.arn === topicArn ? t : undefined;
  }

  /**
   * The topic an ARN names: InvalidParameter for a malformed ARN and for a topic of another region (AWS: a topic is
   * addressed in its own region, "Invalid parameter: TopicArn"), NotFound for a missing topic.
   */
  topic(topicArn: string | undefined, param = 'TopicArn'): TopicMeta {
    const checked = checkTopicArn(topicArn, param);
    if (checked.split(':')[3] !== this.#ctx.options.region) throw invalidParameter(param);
    const t = this.findTopic(checked);
    if (!t) throw notFound('Topic does not exist');
    return t;
  }

  listTopics(): TopicMeta[] {
    return [...this.#topics.values()].sort((a, b) => (a.arn < b.arn ? -1 : 1));
  }

  async createTopic(
    name: string,
    attributes: Record<string, string>,
    tags: Record<string, string>,
  ): Promise<TopicMeta> {
    const existing = this.#topics.get(name);
    if (existing) {
      for (const [k, v] of Object.entries(attributes)) {
        if (existing.attributes[k] !== v)
          throw invalidParameter('Attributes Reason: Topic already exists with different attributes');
      }
      return existing;
    }
    const meta: TopicMeta = { name, arn: this.topicArn(name), attributes, tags, createdAt: Date.now() };
    this.#topics.set(name, meta);
    try {
      await this.#ctx.store.putDoc(TOPICS, name, meta);
    } catch (err) {
      this.#topics.delete(name);
      throw err;
    }
    this.emit('topic-created', { arn: meta.arn });
    return meta;
  }

  async updateTopic(t: TopicMeta, change: (m: TopicMeta) => TopicMeta): Promise<void> {
    const next = change(structuredClone(t));
    await this.#ctx.store.putDoc(TOPICS, t.name, next);
    this.#topics.set(t.name, next);
  }

  /** Deletes the topic and its subscriptions. */
  async deleteTopic(t: TopicMeta): Promise<void> {
    if (this.#topics.get(t.name)?.arn !== t.arn) return;
    this.#topics.delete(t.name);
    const subs = this.subscriptionsOf(t.arn);
    for (const s of subs) this.#subs.delete(s.arn);
    await this.#ctx.store.deleteDoc(TOPICS, t.name);
    await Promise.all(subs.map((s) => this.#ctx.store.deleteDoc(SUBS, s.id)));
    this.emit('topic-deleted', { arn: t.arn });
  }

  subscriptionsOf(topicArn: string): SubscriptionMeta[] {
    return [...this.#subs.values()]
      .filter((s) => s.topicArn === topicArn)
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  listSubscriptions(): SubscriptionMeta[] {
    return [...this.#subs.values()].sort((a, b) => a.createdAt - b.createdAt || (a.arn < b.arn ? -1 : 1));
  }

  subscription(subscriptionArn: string | undefined): SubscriptionMeta {
    if (subscriptionArn === undefined || subscriptionArn === '') {
      throw invalidParameter(snsMissingMessage('SubscriptionArn'));
    }
    const s = this.#subs.get(subscriptionArn);
    if (!s) {
      if (!/^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[^:]+:[0-9a-f-]{36}$/.test(subscriptionArn))
        throw invalidParameter('SubscriptionArn');
      throw notFound('Subscription does not exist');
    }
    return s;
  }

  /** Subscribes, or returns the existing subscription of the same topic, protocol and endpoint. */
  async subscribe(
    t: TopicMeta,
    protocol: SubscriptionProtocol,
    endpoint: string,
    attributes: Record<string, string>,
  ): Promise<SubscriptionMeta> {
    const same = this.subscriptionsOf(t.arn).find((s) => s.protocol === protocol && s.endpoint === endpoint);
    if (same) {
      for (const [k, v] of Object.entries(attributes)) {
        if ((same.attributes[k] ?? defaultSubscriptionAttribute(k)) !== v) {
          throw invalidParameter('Attributes Reason: Subscription already exists with different attributes');
        }
      }
      return same;
    }
    const id = randomUUID();
    const meta: SubscriptionMeta = {
      id,
      arn: `${t.arn}:${id}`,
      topicArn: t.arn,
      protocol,
      endpoint,
      owner: this.#ctx.options.account,
      attributes,
      createdAt: Date.now(),
    };
    this.#subs.set(meta.arn, meta);
    try {
      await this.#ctx.store.putDoc(SUBS, id, meta);
    } catch (err) {
      this.#subs.delete(meta.arn);
      throw err;
    }
    return meta;
  }

  async updateSubscription(
    s: SubscriptionMeta,
    change: (m: SubscriptionMeta) => SubscriptionMeta,
  ): Promise<void> {
    const next = change(structuredClone(s));
    await this.#ctx.store.putDoc(SUBS, s.id, next);
    if (this.#subs.has(s.arn)) this.#subs.set(s.arn, next);
  }

  async unsubscribe(s: SubscriptionMeta): Promise<void> {
    if (!this.#subs.delete(s.arn)) return;
    await this.#ctx.store.deleteDoc(SUBS, s.id);
  }
}

export function defaultSubscriptionAttribute(name: string): string | undefined {
  return name === 'RawMessageDelivery' ? 'false' : undefined;
}
