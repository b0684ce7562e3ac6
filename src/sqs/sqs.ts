import type { AppContext, Component } from '../server/context.js';
import type { AwsError } from '../server/errors.js';
import {
  queryOperations,
  rpcOperations,
  type AnyOperation,
  type OperationsHost,
} from '../server/operations.js';
import { queryService } from '../server/protocols/query.js';
import { rpcService } from '../server/protocols/rpc.js';
import { validate } from '../server/validate.js';
import { changeMessageVisibility } from './actions/change-message-visibility.js';
import { changeMessageVisibilityBatch } from './actions/change-message-visibility-batch.js';
import { createQueue } from './actions/create-queue.js';
import { deleteMessage } from './actions/delete-message.js';
import { deleteMessageBatch } from './actions/delete-message-batch.js';
import { deleteQueue } from './actions/delete-queue.js';
import { getQueueAttributes } from './actions/get-queue-attributes.js';
import { getQueueUrl } from './actions/get-queue-url.js';
import { listDeadLetterSourceQueues } from './actions/list-dead-letter-source-queues.js';
import { listQueueTags } from './actions/list-queue-tags.js';
import { listQueues } from './actions/list-queues.js';
import { purgeQueue } from './actions/purge-queue.js';
import { receiveMessage } from './actions/receive-message.js';
import { sendMessage } from './actions/send-message.js';
import { sendMessageBatch } from './actions/send-message-batch.js';
import { setQueueAttributes } from './actions/set-queue-attributes.js';
import { tagQueue } from './actions/tag-queue.js';
import { untagQueue } from './actions/untag-queue.js';
import { invalidMessageContents, queueDoesNotExist, SQS_DIALECT } from './errors.js';
import { buildMessage, MESSAGE } from './messages.js';
import type { MessageAttributes } from './model.js';
import { defaultHost, queueUrl } from './queue-names.js';
import { QueueRegistry } from './queue-registry.js';
import type { SqsContext } from './sqs-action.js';

/** SQS operations by name (`AmazonSQS.<Name>` in JSON, `Action=<Name>` in the query protocol). */
const OPERATIONS: Record<string, AnyOperation<SqsContext>> = {
  ChangeMessageVisibility: changeMessageVisibility,
  ChangeMessageVisibilityBatch: changeMessageVisibilityBatch,
  CreateQueue: createQueue,
  DeleteMessage: deleteMessage,
  DeleteMessageBatch: deleteMessageBatch,
  DeleteQueue: deleteQueue,
  GetQueueAttributes: getQueueAttributes,
  GetQueueUrl: getQueueUrl,
  ListDeadLetterSourceQueues: listDeadLetterSourceQueues,
  ListQueueTags: listQueueTags,
  ListQueues: listQueues,
  PurgeQueue: purgeQueue,
  ReceiveMessage: receiveMessage,
  SendMessage: sendMessage,
  SendMessageBatch: sendMessageBatch,
  SetQueueAttributes: setQueueAttributes,
  TagQueue: tagQueue,
  UntagQueue: untagQueue,
};

export const SQS_API_VERSION = '2012-11-05';
const SQS_XMLNS = `http://queue.amazonaws.com/doc/${SQS_API_VERSION}/`;
/** The path of a queue URL. */
const QUEUE_PATH = /^\/(\d{12})\/([^/]+)\/?$/;

export interface SqsSendOptions {
  /** SQS message attributes (SNS raw delivery forwards the published ones). */
  messageAttributes?: MessageAttributes;
  /** Reported as the SenderId system attribute. @default the account id */
  senderId?: string;
}

/** The SQS component: the API on the shared port plus what other components call. */
export interface Sqs extends Component {
  readonly queues: QueueRegistry;
  /**
   * Sends `body` to the queue `queueArn`; resolves once the message is durable. Rejects with an
   * AwsError: QueueDoesNotExist, or the SendMessage validation errors (size, characters).
   */
  sendMessage(queueArn: string, body: string, options?: SqsSendOptions): Promise<void>;
  /** Whether a queue with this ARN exists now. */
  exists(queueArn: string): boolean;
  /** The queue's URL as seen from the server's own endpoint, or undefined. */
  queueUrlOf(queueArn: string): string | undefined;
}

/** A MessageBody parameter, alone or in a batch entry (`Entries[0].MessageBody`, `...Entry.1.MessageBody`). */
const isMessageBody = (member: string): boolean => /(^|\.)MessageBody$/.test(member);

/**
 * Bytes that are not UTF-8 in a query MessageBody are InvalidMessageContents, as any character SQS refuses
 * (the whole request: they cannot be read as text at all); elsewhere the protocol's MalformedQueryString.
 */
function invalidQueryText(problem: { member: string; char: string }): AwsError | undefined {
  return isMessageBody(problem.member) ? invalidMessageContents(problem.char) : undefined;
}

export function createSqs(app: AppContext): Sqs {
  const queues = new QueueRegistry(app);
  const context: SqsContext = { app, queues };
  const host: OperationsHost<SqsContext> = {
    context,
    operations: OPERATIONS,
    dialect: SQS_DIALECT,
    errors: app.errors,
  };

  return {
    name: 'sqs',
    queues,
    services: [
      // An unpaired surrogate in a JSON MessageBody reaches buildMessage: InvalidMessageContents, per batch entry.
      rpcService({
        name: 'sqs',
        targetPrefix: 'AmazonSQS',
        jsonVersion: '1.0',
        operations: rpcOperations(host, 'sqs'),
        ownText: isMessageBody,
      }),
      queryService({
        name: 'sqs-query',
        version: SQS_API_VERSION,
        xmlns: SQS_XMLNS,
        // Numbers stay text for the validator, which words a bad one as SQS does (InvalidParameterValue).
        actions: queryOperations(host, 'sqs-query', {
          scalars: 'text',
          complete(input, req) {
            // Query clients may post to the queue URL's path instead of passing QueueUrl.
            if (input.QueueUrl === undefined && QUEUE_PATH.test(req.path))
              input.QueueUrl = `http://${req.host}${req.path}`;
          },
        }),
        invalidText: invalidQueryText,
      }),
    ],
    async sendMessage(queueArn, body, options = {}) {
      const q = queues.byArn(queueArn);
      if (!q) throw queueDoesNotExist();
      const input: Record<string, unknown> = { MessageBody: body };
      if (options.messageAttributes) input.MessageAttributes = options.messageAttributes;
      const m = buildMessage(
        q,
        validate(MESSAGE, input, SQS_DIALECT),
        options.senderId ?? app.options.account,
      );
      await queues.send(q, [m]);
    },
    exists: (queueArn) => queues.byArn(queueArn) !== undefined,
    queueUrlOf(queueArn) {
      const q = queues.byArn(queueArn);
      return q ? queueUrl(app, defaultHost(app), q.name) : undefined;
    },
    async start() {
      queues.start();
    },
    async close() {
      queues.close();
    },
  };
}
