import { createHash } from 'node:crypto';
import type { Publication, SnsMessageAttributes, SubscriptionMeta } from './model.js';

/**
 * The SNS notification envelope subscribers receive. Signature fields are present with AWS's shape,
 * but we hold no AWS signing key: the signature is a digest of the notification, not verifiable.
 */
export interface EnvelopeUrls {
  /** Base URL of this server (UnsubscribeURL points here: a GET the query service answers). */
  endpoint: string;
  region: string;
}

/** The message a subscription gets: its protocol's entry when MessageStructure is json. */
export function messageFor(pub: Publication, protocol: string): string {
  return pub.perProtocol?.[protocol] ?? pub.perProtocol?.default ?? pub.message;
}

function signature(pub: Publication, message: string): string {
  return createHash('sha256')
    .update(`${pub.messageId}\n${pub.topicArn}\n${message}\n${pub.timestamp}`)
    .digest('base64');
}

function certUrl(region: string): string {
  return `https://sns.${region}.amazonaws.com/SimpleNotificationService-tributary.pem`;
}

function unsubscribeUrl(urls: EnvelopeUrls, sub: SubscriptionMeta): string {
  return `${urls.endpoint}/?Action=Unsubscribe&SubscriptionArn=${sub.arn}`;
}

function envelopeAttributes(
  attrs: SnsMessageAttributes | undefined,
): Record<string, { Type: string; Value: string }> {
  const out: Record<string, { Type: string; Value: string }> = {};
  for (const [k, a] of Object.entries(attrs ?? {}))
    out[k] = { Type: a.DataType, Value: a.BinaryValue ?? a.StringValue ?? '' };
  return out;
}

/**
 * The JSON body an SQS subscriber gets (RawMessageDelivery false), laid out the way SNS writes it:
 * one `"Key" : value` per line, Subject only when published with one, MessageAttributes only when any.
 */
export function sqsEnvelope(pub: Publication, sub: SubscriptionMeta, urls: EnvelopeUrls): string {
  const message = messageFor(pub, 'sqs');
  const fields: Array<[string, string]> = [
    ['Type', JSON.stringify('Notification')],
    ['MessageId', JSON.stringify(pub.messageId)],
    ['TopicArn', JSON.stringify(pub.topicArn)],
  ];
  if (pub.subject !== undefined) fields.push(['Subject', JSON.stringify(pub.subject)]);
  fields.push(
    ['Message', JSON.stringify(message)],
    ['Timestamp', JSON.stringify(new Date(pub.timestamp).toISOString())],
    ['SignatureVersion', JSON.stringify('1')],
    ['Signature', JSON.stringify(signature(pub, message))],
    ['SigningCertURL', JSON.stringify(certUrl(urls.region))],
    ['UnsubscribeURL', JSON.stringify(unsubscribeUrl(urls, sub))],
  );
  const attrs = envelopeAttributes(pub.attributes);
  if (Object.keys(attrs).length > 0) {
    const lines = Object.entries(attrs).map(([k, v]) => `    ${JSON.stringify(k)} : ${JSON.stringify(v)}`);
    fields.push(['MessageAttributes', `{\n${lines.join(',\n')}\n  }`]);
  }
  return `{\n${fields.map(([k, v]) => `  ${JSON.stringify(k)} : ${v}`).join(',\n')}\n}`;
}

/** The event a Lambda subscriber is invoked with (AWS's `aws:sns` event shape). */
export function lambdaEvent(pub: Publication, sub: SubscriptionMeta, urls: EnvelopeUrls): unknown {
  const message = messageFor(pub, 'lambda');
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: sub.arn,
        Sns: {
          Type: 'Notification',
          MessageId: pub.messageId,
          TopicArn: pub.topicArn,
          Subject: pub.subject ?? null,
          Message: message,
          Timestamp: new Date(pub.timestamp).toISOString(),
          SignatureVersion: '1',
          Signature: signature(pub, message),
          SigningCertUrl: certUrl(urls.region),
          UnsubscribeUrl: unsubscribeUrl(urls, sub),
          MessageAttributes: envelopeAttributes(pub.attributes),
        },
      },
    ],
  };
}
