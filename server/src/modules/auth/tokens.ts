import { jwtVerify, SignJWT } from 'jose';
import { AppError } from '../../http/errors.ts';
import { isUuid } from '../../lib/ids.ts';

const ISSUER = 'iperform';
const AUDIENCE = 'iperform-api';
const ALGORITHM = 'HS256';
const VERIFIED_CACHE_SIZE = 10_000;

export interface AccessClaims {
  userId: string;
  companyId: string;
  sessionId: string;
}

export class TokenSigner {
  private readonly key: Uint8Array;
  private readonly ttlSeconds: number;
  private readonly verified = new Map<string, { claims: AccessClaims; expiresAt: number }>();

  constructor(secret: string, ttlSeconds: number) {
    this.key = new TextEncoder().encode(secret);
    this.ttlSeconds = ttlSeconds;
  }

  get expiresIn(): number {
    return this.ttlSeconds;
  }

  sign(claims: AccessClaims, now: Date): Promise<string> {
    const issuedAt = Math.floor(now.getTime() / 1000);
    return new SignJWT({ cid: claims.companyId, sid: claims.sessionId })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.ttlSeconds)
      .sign(this.key);
  }

  /** Only HS256 with our key, issuer and audience; `alg: none` and every other algorithm are refused. */
  async verify(token: string, now: Date): Promise<AccessClaims> {
    // A token's signature and claims never change: verify it once, and re-check only its expiry.
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAt > now.getTime()) return known.claims;
      this.verified.delete(token);
    }
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['sub', 'exp', 'iat'],
        currentDate: now,
      });
      const { sub, cid, sid } = payload;
      if (typeof sub !== 'string' || typeof cid !== 'string' || typeof sid !== 'string') throw new Error('claims');
      if (!isUuid(sub) || !isUuid(cid) || !isUuid(sid)) throw new Error('claims');
      const claims = { userId: sub, companyId: cid, sessionId: sid };
      if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.clear();
      this.verified.set(token, { claims, expiresAt: (payload.exp ?? 0) * 1000 });
      return claims;
    } catch {
      throw new AppError('invalid_token');
    }
  }
}

/**
 * Opaque tokens (refresh tokens, API keys) carry their tenant and row id before the secret, so the row
 * can be found inside its tenant; only a hash of the whole token is stored.
 */
export function composeToken(prefix: string, companyId: string, id: string, secret: string): string {
  const ids = Buffer.concat([uuidBytes(companyId), uuidBytes(id)]).toString('base64url');
  return `${prefix}${ids}_${secret}`;
}

export function parseToken(prefix: string, token: string): { companyId: string; id: string } | null {
  if (!token.startsWith(prefix)) return null;
  // 32 bytes of ids are always 43 base64url characters; the secret may itself contain '_'.
  const rest = token.slice(prefix.length);
  const ids = rest.slice(0, 43);
  const secret = rest.slice(44);
  if (rest[43] !== '_' || secret.length < 20 || !/^[A-Za-z0-9_-]+$/.test(rest)) return null;
  const bytes = Buffer.from(ids, 'base64url');
  if (bytes.length !== 32) return null;
  return { companyId: bytesUuid(bytes.subarray(0, 16)), id: bytesUuid(bytes.subarray(16)) };
}

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replaceAll('-', ''), 'hex');
}

function bytesUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
