/**
 * Errors are values with codes. Everything a user can get wrong is one of these; the text a user reads is made in
 * one place (commands/errors.ts), never here.
 */
import type { Role } from './roles.js';

export type EntityKind = 'unit' | 'person' | 'account' | 'filing' | 'review' | 'task' | 'setting' | 'date';

export type AppErrorData =
  | { code: 'not_registered'; admins: string[] }
  | { code: 'forbidden'; command: string; roles: Role[] }
  | { code: 'wrong_unit'; unit: string }
  | { code: 'unknown_command'; input: string; suggestions: string[] }
  | { code: 'unknown_subcommand'; command: string; input: string; subcommands: string[] }
  | { code: 'bad_argument'; problems: string[] }
  | { code: 'not_found'; kind: EntityKind; name: string; hint?: string }
  | { code: 'ambiguous'; kind: EntityKind; name: string; candidates: string[]; hint: string }
  /** a rule says no: the message is the Chinese sentence to show, citing the rule */
  | { code: 'rule'; message: string }
  /** somebody else changed it first (a decided review, a duplicate) */
  | { code: 'conflict'; message: string }
  | { code: 'internal'; ref: string };

export class AppError extends Error {
  constructor(readonly data: AppErrorData) {
    super(data.code);
    this.name = 'AppError';
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

export const fail = (data: AppErrorData): never => {
  throw new AppError(data);
};
export const ruleError = (message: string): AppError => new AppError({ code: 'rule', message });
