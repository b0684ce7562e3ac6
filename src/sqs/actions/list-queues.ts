import { operation } from '../../server/operations.js';
import { integer, list, string, structure } from '../../server/shapes.js';
import { invalidValue } from '../errors.js';
import { queueUrl } from '../queue-names.js';
import type { SqsContext } from '../sqs-action.js';

/** Without MaxResults AWS returns at most 1000 queues and no NextToken. */
const DEFAULT_LIMIT = 1000;

export const listQueues = operation({
  input: structure({
    QueueNamePrefix: string(),
    MaxResults: integer({ min: 1, max: 1000, reason: 'MaxResults must be an integer between 1 and 1000.' }),
    NextToken: string(),
  }),
  output: structure({
    QueueUrls: list(string(), { flattened: true, memberName: 'QueueUrl' }),
    NextToken: string(),
  }),
  async run(sqs: SqsContext, input, call) {
    const prefix = input.QueueNamePrefix ?? '';
    const max = input.MaxResults;
    const token = input.NextToken;
    let after = '';
    if (token !== undefined) {
      after = Buffer.from(token, 'base64url').toString('utf8');
      if (!after.startsWith('q:')) throw invalidValue('NextToken', token, 'Invalid NextToken value.');
      after = after.slice(2);
    }
    const all = sqs.queues.list(prefix).filter((q) => q.name > after);
    const page = all.slice(0, max ?? DEFAULT_LIMIT);
    const out: { QueueUrls?: string[]; NextToken?: string } = {};
    if (page.length > 0) out.QueueUrls = page.map((q) => queueUrl(sqs.app, call.host, q.name));
    if (max !== undefined && all.length > page.length) {
      out.NextToken = Buffer.from('q:' + page[page.length - 1]!.name, 'utf8').toString('base64url');
    }
    return out;
  },
});
