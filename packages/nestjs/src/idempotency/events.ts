import { Injectable } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';

/**
 * processed: the handler ran and the key is done. duplicate: the key was done, the handler was
 * skipped and the message acknowledged. in-progress: another consumer holds the key, the message
 * goes back for a retry. released: the handler failed and the key was freed for a retry.
 */
export type IdempotencyEventType = 'processed' | 'duplicate' | 'in-progress' | 'released';

export interface IdempotencyEvent {
  type: IdempotencyEventType;
  scope: string;
  key: string;
  /** The name the store is registered under in IdempotencyModule. */
  store: string;
  msgId?: string;
  topic?: string;
  /** The handler's error, for `released`. */
  error?: unknown;
}

/** The stream of idempotency decisions, for metrics, audits and tests. */
@Injectable()
export class IdempotencyEvents {
  private readonly subject = new Subject<IdempotencyEvent>();
  readonly events$: Observable<IdempotencyEvent> = this.subject.asObservable();

  emit(event: IdempotencyEvent): void {
    this.subject.next(event);
  }
}
