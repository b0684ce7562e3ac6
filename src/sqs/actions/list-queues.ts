import { el, opt } from '../../server/protocols/query.js';
import { invalidValue } from '../errors.js';
import { optInt, optString } from '../params.js';
import { queueUrl } from '../queue-names.js';
import { defineAction, scalars } from '../sqs-action.js';

/** Without MaxResults AWS returns at most 1000 queues and no NextToken. */
const DEFAULT_LIMIT = 1000;

export const listQueues = defineAction({
  async run(sqs, input, call) {
    const prefix = optString(input, 'QueueNamePrefix') ?? '';
    const max = optInt(input, 'MaxResults', 1, 1000, 'MaxResults must be an integer between 1 and 1000.');
    const token = optString(input, 'NextToken');
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
  fromQuery: (p) => scalars(p, ['QueueNamePrefix', 'MaxResults', 'NextToken']),
  toXml: (out) => [(out.QueueUrls ?? []).map((u) => el('QueueUrl', u)), opt('NextToken', out.NextToken)],
});
