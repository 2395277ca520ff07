import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import { type AppError, fieldError } from '../../http/errors.ts';

// OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane.
// `algorithm: 2` is Argon2id (the package's const enum cannot be imported under verbatimModuleSyntax).
const argonOptions = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

const common = new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

export function hashPassword(password: string): Promise<string> {
  return hash(password, argonOptions);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash to verify against when the account does not exist, so both paths cost the same time. */
let decoyHash: Promise<string> | null = null;
export function decoy(): Promise<string> {
  decoyHash ??= hashPassword('decoy-password-never-used');
  return decoyHash;
}

/** NIST 800-63B rules: length and a list of known-bad passwords; no composition rules. */
export function passwordProblem(password: string, path: string): AppError | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return fieldError('weak_password', path, `must be at least ${PASSWORD_MIN} characters`);
  if (length > PASSWORD_MAX) return fieldError('weak_password', path, `must be at most ${PASSWORD_MAX} characters`);
  if (common.has(password.toLowerCase())) {
    return fieldError('weak_password', path, 'is one of the most common passwords; choose another');
  }
  return null;
}
