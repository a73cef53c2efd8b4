import { EntitySchema } from 'typeorm';

export interface LoginAttemptRow {
  email: string;
  /** The client address the attempts came from; '' for the account's attempts from every address. */
  client: string;
  attempts: number;
  windowStartedAt: Date;
}

/** Sign-in attempts per normalised email and client address in the current fixed window; shared by every replica. */
export const LoginAttemptEntity = new EntitySchema<LoginAttemptRow>({
  name: 'LoginAttempt',
  tableName: 'login_attempts',
  columns: {
    email: { type: 'varchar', length: 254, primary: true },
    client: { type: 'varchar', length: 64, primary: true, default: '' },
    attempts: { type: 'integer' },
    windowStartedAt: { type: 'timestamptz', name: 'window_started_at' },
  },
});
