import { EntitySchema } from 'typeorm';
import type { UserRecord } from '../../domain/user';

export interface UserRow extends UserRecord {
  updatedAt: Date;
}

/** Mirrors the `users` table the migrations create; the email is stored normalised. */
export const UserEntity = new EntitySchema<UserRow>({
  name: 'User',
  tableName: 'users',
  columns: {
    id: { type: 'uuid', primary: true },
    email: { type: 'varchar', length: 254 },
    name: { type: 'varchar', length: 100 },
    role: { type: 'varchar', length: 16 },
    passwordHash: { type: 'varchar', length: 255, name: 'password_hash' },
    createdAt: { type: 'timestamptz', name: 'created_at', createDate: true },
    updatedAt: { type: 'timestamptz', name: 'updated_at', updateDate: true },
  },
});
