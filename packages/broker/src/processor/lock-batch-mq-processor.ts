import {
  BodyDecodeError,
  RequestCode,
  ResponseCode,
  createResponse,
  decodeJsonBody,
  encodeJsonBody,
  type LockBatchRequestBody,
  type LockBatchResponseBody,
  type RemotingCommand,
  type RemotingServer,
} from '@rocketnest/protocol';
import type { BrokerContext } from '../broker-context';

/**
 * LOCK_BATCH_MQ (41) and UNLOCK_BATCH_MQ (42), the lock part of RocketMQ's AdminBrokerProcessor:
 * orderly consumers lock the queues they were assigned before consuming them.
 */
export class LockBatchMqProcessor {
  constructor(private readonly ctx: BrokerContext) {}

  registerTo(server: RemotingServer): void {
    server
      .registerProcessor(RequestCode.LOCK_BATCH_MQ, (req) => this.lockBatchMQ(req))
      .registerProcessor(RequestCode.UNLOCK_BATCH_MQ, (req) => this.unlockBatchMQ(req));
  }

  lockBatchMQ(request: RemotingCommand): RemotingCommand {
    const body = decodeLockBody(request.body);
    const locked = this.ctx.locks.tryLockBatch(body.consumerGroup, body.mqSet, body.clientId);
    const response: LockBatchResponseBody = { lockOKMQSet: locked };
    return createResponse(request, ResponseCode.SUCCESS, { body: encodeJsonBody(response) });
  }

  unlockBatchMQ(request: RemotingCommand): RemotingCommand {
    const body = decodeLockBody(request.body);
    this.ctx.locks.unlockBatch(body.consumerGroup, body.mqSet, body.clientId);
    return createResponse(request, ResponseCode.SUCCESS);
  }
}

function decodeLockBody(raw: Buffer | undefined): LockBatchRequestBody {
  const body = decodeJsonBody<LockBatchRequestBody>(raw, 'LockBatchRequestBody');
  if (
    typeof body.consumerGroup !== 'string' ||
    typeof body.clientId !== 'string' ||
    !Array.isArray(body.mqSet)
  ) {
    throw new BodyDecodeError(
      'LockBatchRequestBody: consumerGroup, clientId and mqSet are required',
    );
  }
  return body;
}
