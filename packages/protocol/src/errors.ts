import { ResponseCode } from './codes/response-code';

/** Base class of every error this package raises: `code` is a RocketMQ response code. */
export class RemotingError extends Error {
  constructor(
    message: string,
    readonly code: number = ResponseCode.SYSTEM_ERROR,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The byte stream is not a valid remoting frame; the connection that carried it must be closed. */
export class FrameError extends RemotingError {}

/** A frame announces a length above the configured maximum. */
export class FrameTooLargeError extends FrameError {
  constructor(
    readonly length: number,
    readonly maxFrameSize: number,
  ) {
    super(`frame of ${length} bytes exceeds the maximum frame size of ${maxFrameSize} bytes`);
  }
}

/** A header field is missing (`@CFNotNull` in RocketMQ) or does not parse as its declared type. */
export class HeaderFieldError extends RemotingError {
  constructor(message: string) {
    super(message, ResponseCode.SYSTEM_ERROR);
  }
}

/** A request got no response in time. */
export class RequestTimeoutError extends RemotingError {
  constructor(
    readonly address: string,
    readonly requestCode: number,
    readonly timeoutMs: number,
  ) {
    super(`request code ${requestCode} to ${address} timed out after ${timeoutMs} ms`, -1006);
  }
}

/** The connection closed, or could not be opened, before the exchange finished. */
export class ConnectionError extends RemotingError {
  constructor(
    message: string,
    readonly address: string,
  ) {
    super(message, -1004);
  }
}

/** A stored message record is malformed (bad magic, size or CRC). */
export class MessageDecodeError extends RemotingError {
  constructor(message: string) {
    super(message, ResponseCode.MESSAGE_ILLEGAL);
  }
}

/** A message cannot be encoded as given (properties too long, separators in names, ...). */
export class IllegalMessageError extends RemotingError {
  constructor(message: string) {
    super(message, ResponseCode.MESSAGE_ILLEGAL);
  }
}

/** A JSON body does not parse or lacks a field the request needs. */
export class BodyDecodeError extends RemotingError {
  constructor(message: string) {
    super(message, ResponseCode.SYSTEM_ERROR);
  }
}
