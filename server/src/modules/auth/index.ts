/**
 * The public face of the auth module: what other modules may use. Anything not exported here is the
 * module's own; another module never reaches into its files (npm run check holds this).
 */
export { revokeUserSessions } from './auth.repository.ts';
export { authenticate } from './auth.service.ts';
export { hashPassword, passwordProblem } from './passwords.ts';
export { SessionCache } from './session-cache.ts';
export { TokenSigner } from './tokens.ts';
