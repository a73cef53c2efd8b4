import type { Role } from '@ecommerce/service-kit';

export type { Role } from '@ecommerce/service-kit';
export const ROLES = ['customer', 'admin'] as const satisfies readonly Role[];

/** A stored account, as the data-access layer hands it over (hash included: it never leaves the domain). */
export interface UserRecord {
  id: string;
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
  createdAt: Date;
}

/** A user as clients see it. */
export interface PublicUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
}

export const toPublicUser = (user: UserRecord): PublicUser => ({
  id: user.id,
  email: user.email,
  name: user.name,
  role: user.role,
  createdAt: user.createdAt.toISOString(),
});

/** Emails are unique case-insensitively: they are stored and looked up in this one form. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();
