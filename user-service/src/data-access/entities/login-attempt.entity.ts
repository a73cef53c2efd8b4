import { EntitySchema } from 'typeorm';

export interface LoginAttemptRow {
  email: string;
  attempts: number;
  windowStartedAt: Date;
}

/** Sign-in attempts per normalised email, from every address together, in the current fixed window; shared by every replica. */
export const LoginAttemptEntity = new EntitySchema<LoginAttemptRow>({
  name: 'LoginAttempt',
  tableName: 'login_attempts',
  columns: {
    email: { type: 'varchar', length: 254, primary: true },
    attempts: { type: 'integer' },
    windowStartedAt: { type: 'timestamptz', name: 'window_started_at' },
  },
});
