/** A failure that may pass (timeout, refused connection, 5xx): the event is retried later. */
export class TransientFailure extends Error {
  override readonly name = 'TransientFailure';
}

/** A failure that retrying cannot fix (unknown product or order, refused credentials): dead-lettered. */
export class PermanentFailure extends Error {
  override readonly name = 'PermanentFailure';
}
