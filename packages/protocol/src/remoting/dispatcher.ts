import { RemotingError } from '../errors';
import { ResponseCode } from '../codes/response-code';
import { createResponse, isOneway, type RemotingCommand } from '../command/remoting-command';
import type { RemotingConnection } from './connection';
import type { Logger } from './logger';

/** Handles one request; returns the response, or nothing for requests that get none. */
export type RequestHandler = (
  request: RemotingCommand,
  connection: RemotingConnection,
) => Promise<RemotingCommand | void> | RemotingCommand | void;

/**
 * Routes requests to handlers by request code and turns every outcome into a response: an unknown
 * code gets REQUEST_CODE_NOT_SUPPORTED, a thrown RemotingError its own code, anything else
 * SYSTEM_ERROR with the error's message. Oneway requests never get a response.
 */
export class RequestDispatcher {
  private readonly handlers = new Map<number, RequestHandler>();

  constructor(private readonly logger: Logger) {}

  register(code: number, handler: RequestHandler): this {
    this.handlers.set(code, handler);
    return this;
  }

  has(code: number): boolean {
    return this.handlers.has(code);
  }

  async dispatch(
    request: RemotingCommand,
    connection: RemotingConnection,
  ): Promise<RemotingCommand | undefined> {
    const handler = this.handlers.get(request.code);
    let response: RemotingCommand | void;
    if (!handler) {
      response = createResponse(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, {
        remark: ` request type ${request.code} not supported`,
      });
    } else {
      try {
        response = await handler(request, connection);
      } catch (err) {
        response = this.errorResponse(request, err, connection);
      }
    }
    if (isOneway(request) || !response) return undefined;
    response.opaque = request.opaque;
    return response;
  }

  private errorResponse(
    request: RemotingCommand,
    err: unknown,
    connection: RemotingConnection,
  ): RemotingCommand {
    const code =
      err instanceof RemotingError && err.code >= 0 ? err.code : ResponseCode.SYSTEM_ERROR;
    const remark = err instanceof Error ? err.message : String(err);
    if (!(err instanceof RemotingError)) {
      this.logger.error('request handler failed', {
        requestCode: request.code,
        remote: connection.remoteAddress,
        error: err instanceof Error ? err.stack : String(err),
      });
    }
    return createResponse(request, code, { remark });
  }
}
