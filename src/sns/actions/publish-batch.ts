import { operation } from '../../server/operations.js';
import { boolean, list, string, structure } from '../../server/shapes.js';
import { snsBatchError } from '../errors.js';
import type { Publication } from '../model.js';
import { buildPublication } from '../publication.js';
import { TOPIC_ARN_MEMBER, type SnsContext } from '../sns-action.js';
import { MESSAGE } from './publish.js';

const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;

interface Failure {
  Id: string;
  Code: string;
  Message: string;
  SenderFault: boolean;
}

export const publishBatch = operation({
  input: structure({
    TopicArn: TOPIC_ARN_MEMBER,
    PublishBatchRequestEntries: list(structure({ Id: string(), ...MESSAGE })),
  }),
  output: structure({
    Successful: list(structure({ Id: string(), MessageId: string() })),
    Failed: list(structure({ Id: string(), Code: string(), Message: string(), SenderFault: boolean() })),
  }),
  async run(sns: SnsContext, input, call) {
    const t = sns.registry.topic(input.TopicArn);
    const entries = input.PublishBatchRequestEntries ?? [];
    if (entries.length === 0)
      throw snsBatchError('EmptyBatchRequest', "The batch request doesn't contain any entries.");
    if (entries.length > 10)
      throw snsBatchError(
        'TooManyEntriesInBatchRequest',
        'The batch request contains more entries than permissible.',
      );
    const ids = new Set<string>();
    for (const e of entries) {
      const id = e.Id ?? '';
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
      const id = e.Id!;
      try {
        ok.push({ id, pub: buildPublication(t, e) });
      } catch (err) {
        // A bug in one entry is logged and counted once, and reported as that entry's InternalFailure.
        const a = call.clientError(err);
        failed.push({ Id: id, Code: a.type, Message: a.message, SenderFault: a.fault === 'Client' });
      }
    }
    for (const { pub } of ok) await sns.deliverer.publish(pub);
    return {
      Successful: ok.map(({ id, pub }) => ({ Id: id, MessageId: pub.messageId })),
      Failed: failed,
    };
  },
});
