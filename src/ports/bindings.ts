/**
 * One-time binding codes: how a person proves that a chat identity (a WeChat contact seen through Wechaty, whose ids
 * no admin can look up) is theirs. An admin issues a code for a registered person; the person sends it to the bot from
 * that identity. Codes are stored hashed, expire, and are used once.
 */
import type { ChannelName, Identity } from '../domain/model.js';
import type { Write, Writes } from './write.js';

export interface BindCode {
  id: number;
  personId: number;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

export interface BindingStore {
  /** the newest code with this hash (used or not, expired or not), or null */
  byHash(codeHash: string): Promise<BindCode | null>;
  /** is a code with this hash still usable now (for avoiding a collision when issuing one) */
  activeWithHash(codeHash: string, now: Date): Promise<boolean>;
  /** issue a code; earlier unused codes of the same person stop working */
  issue(c: { codeHash: string; personId: number; createdBy: number | null; createdAt: Date; expiresAt: Date }): Writes;
  /** Use a code (`by`: the identity it binds): only an unused, unexpired code changes; else ConflictError. */
  use(id: number, by: Identity, at: Date): Writes;
  /** a wrong code from this sender (for the guessing limit) */
  recordFailure(sender: Identity, at: Date): Write;
  failuresSince(sender: Identity, since: Date): Promise<number>;
  /** remove the person's identities on a channel (unbinding) */
  removeIdentities(personId: number, channel: ChannelName): Write;
}

/** A code as typed: six digits. */
export const BIND_CODE_RE = /^\d{6}$/;
