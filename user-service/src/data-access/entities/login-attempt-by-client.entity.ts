import { EntitySchema } from 'typeorm';

export interface LoginAttemptByClientRow {
  email: string;
  /** The client's address (an IPv6 client by its /64). */
  client: string;
  attempts: number;
  windowStartedAt: Date;
}

/** Sign-in attempts per normalised email and client address in the current fixed window; shared by every replica. */
export const LoginAttemptByClientEntity = new EntitySchema<LoginAttemptByClientRow>({
  name: 'LoginAttemptByClient',
  tableName: 'login_attempts_by_client',
  columns: {
    email: { type: 'varchar', length: 254, primary: true },
    client: { type: 'varchar', length: 64, primary: true },
    attempts: { type: 'integer' },
    windowStartedAt: { type: 'timestamptz', name: 'window_started_at' },
  },
});
