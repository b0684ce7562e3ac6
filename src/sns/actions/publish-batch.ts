import { el, members } from '../../server/protocols/query.js';
import { snsBatchError } from '../errors.js';
import type { Publication } from '../model.js';
import { buildPublication } from '../publication.js';
import type { SnsAction } from '../sns-action.js';
import { publishInput } from './publish.js';

const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;

interface Failure {
  Id: string;
  Code: string;
  Message: string;
  SenderFault: boolean;
}

export const publishBatch: SnsAction = async (sns, p, req) => {
  const t = sns.registry.topic(p.get('TopicArn'));
  const entries = p.items('PublishBatchRequestEntries.member');
  if (entries.length === 0)
    throw snsBatchError('EmptyBatchRequest', "The batch request doesn't contain any entries.");
  if (entries.length > 10)
    throw snsBatchError(
      'TooManyEntriesInBatchRequest',
      'The batch request contains more entries than permissible.',
    );
  const ids = new Set<string>();
  for (const e of entries) {
    const id = e.get('Id') ?? '';
    if (!BATCH_ID.test(id))
      throw snsBatchError(
        'InvalidBatchEntryId',
        "The Id of a batch entry in a batch request doesn't abide by the specification.",
      );
    if (ids.has(id))
      throw snsBatchError(
        'BatchEntryIdsNotDistinct',
        'Two or more batch entries in the request have the same Id.',
      );
    ids.add(id);
  }
  const ok: Array<{ id: string; pub: Publication }> = [];
  const failed: Failure[] = [];
  for (const e of entries) {
    const id = e.get('Id')!;
    try {
      ok.push({ id, pub: buildPublication(t, publishInput(e)) });
    } catch (err) {
      // A bug in one entry is logged and counted once, and reported as that entry's InternalFailure.
      const a = sns.app.errors.toAwsError(err, {
        service: 'sns',
        operation: 'PublishBatch',
        requestId: req.requestId,
      });
      failed.push({ Id: id, Code: a.type, Message: a.message, SenderFault: a.fault === 'Client' });
    }
  }
  for (const { pub } of ok) await sns.deliverer.publish(pub);
  return [
    members('Successful', ok, ({ id, pub }) => [el('Id', id), el('MessageId', pub.messageId)]),
    members('Failed', failed, (f) => [
      el('Id', f.Id),
      el('Code', f.Code),
      el('Message', f.Message),
      el('SenderFault', f.SenderFault),
    ]),
  ];
};
