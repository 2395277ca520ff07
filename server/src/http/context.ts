import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { JobRegistry } from '../jobs/registry.ts';
import type { Clock } from '../lib/clock.ts';
import type { SecretBox } from '../lib/secret-box.ts';
import type { SessionCache } from '../modules/auth/session-cache.ts';
import type { TokenSigner } from '../modules/auth/tokens.ts';
import type { CompanyDto } from '../modules/companies/companies.service.ts';
import type { Permission, Role } from '../modules/users/roles.ts';
import type { UserDto } from '../modules/users/users.service.ts';
import { AppError } from './errors.ts';

/** Who is acting: a signed-in user (with its session) or an API key acting as its user. */
export interface Actor {
  userId: string;
  companyId: string;
  role: Role;
  name: string;
  email: string;
  managerId: string | null;
  sessionId: string | null;
  apiKeyId: string | null;
}

/** The caller's user and company, as the API shows them. */
export interface Identity {
  user: UserDto;
  company: CompanyDto;
}

/** What a service needs to know about the request: never the request itself. */
export interface RequestContext {
  actor: Actor;
  requestId: string;
  ip: string;
  userAgent: string | null;
}

export interface Deps {
  config: Config;
  db: Database;
  clock: Clock;
  tokens: TokenSigner;
  sessions: SessionCache;
  /** Seals and opens the secrets companies store with us (SMTP passwords, access tokens). */
  secrets: SecretBox;
  /** Every kind of job, collected by the composition root: what the worker and the tests run jobs with. */
  jobs: JobRegistry;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission a caller needs; every /api/v1 route declares one, or `public: true`. */
    permission?: Permission;
    public?: boolean;
    /**
     * A public route called by other systems rather than people (webhooks, email open/click tracking), which
     * arrive from a few addresses in bursts: limited in a bucket of its own, wider than sign-in's.
     */
    machine?: boolean;
  }
  interface FastifyRequest {
    actor: Actor | null;
    identity: Identity | null;
  }
  interface FastifyInstance {
    /** What the modules were built with: the job worker (main.ts) and the tests run jobs with it. */
    deps: Deps;
  }
}

export function contextOf(request: FastifyRequest): RequestContext {
  if (!request.actor) throw new AppError('unauthenticated');
  return {
    actor: request.actor,
    requestId: request.id,
    ip: request.ip,
    userAgent: request.headers['user-agent']?.slice(0, 500) ?? null,
  };
}
