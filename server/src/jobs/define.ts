import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaValidationError } from 'fastify';
import { type Static, type TSchema, Type } from 'typebox';
import type { Tx } from '../db/client.ts';
import type { Deps } from '../http/context.ts';
import { fieldErrors } from '../http/validation.ts';
import type { Schedule } from './schedule.ts';

/** A job as its handler sees it: ids only in the payload, the rest is read again when it runs. */
export interface Job<P = Record<string, unknown>> {
  id: string;
  companyId: string;
  kind: string;
  payload: P;
  /** This run included (1 on the first run). */
  attempts: number;
  runAt: Date;
}

/**
 * Runs one job inside its company's tenant transaction; the job is marked done in that same transaction, so
 * its effects and its completion commit together. Throwing rolls both back and schedules a retry.
 */
export type JobHandler<P = Record<string, unknown>> = (trx: Tx, deps: Deps, job: Job<P>) => Promise<void>;

export const MAX_ATTEMPTS = 5;

/** 30 s, 2 min, 8 min, 32 min, then hourly: a failing job backs off instead of hammering what it calls. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000 * 4 ** Math.max(0, attempts - 1), 3_600_000);
}

export interface RetryPolicy {
  /** Runs before giving up, the first included. */
  attempts: number;
  /** The wait before the next run, after `attempts` failed runs. */
  delayMs(attempts: number): number;
}

/** One kind of job: its name, the payload it carries, what runs it, and how. */
export interface JobDefinition<P extends TSchema = TSchema> {
  readonly kind: string;
  readonly payload: P;
  readonly handler: JobHandler<Static<P>>;
  readonly retry: RetryPolicy;
  /** At most this many jobs of the kind run at once in one process (the process's own limit still applies). */
  readonly concurrency: number | null;
  /** A job every company runs on a timetable; its payload is empty. */
  readonly schedule: Schedule | null;
}

/** A definition of any payload, as the registry and the runner hold them. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds definitions of every payload type.
export type AnyJobDefinition = JobDefinition<any>;

const EmptyPayload = Type.Object({}, { additionalProperties: false });

/**
 * Declares a kind of job, beside the service it belongs to. Its payload schema is checked when a job is
 * enqueued (a wrong payload is a bug, refused before it is stored) and again when it runs (a row stored by an
 * older release). A scheduled job (`schedule`) carries no payload: every company has one run of it pending.
 */
export function defineJob<P extends TSchema>(spec: {
  kind: string;
  payload: P;
  handler: JobHandler<Static<P>>;
  retry?: Partial<RetryPolicy>;
  concurrency?: number;
}): JobDefinition<P>;
export function defineJob(spec: {
  kind: string;
  schedule: Schedule;
  handler: JobHandler<Record<string, never>>;
  retry?: Partial<RetryPolicy>;
  concurrency?: number;
}): JobDefinition<typeof EmptyPayload>;
export function defineJob(spec: {
  kind: string;
  payload?: TSchema;
  schedule?: Schedule;
  handler: JobHandler<never>;
  retry?: Partial<RetryPolicy>;
  concurrency?: number;
}): AnyJobDefinition {
  if (!/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/.test(spec.kind)) {
    throw new Error(`job kind "${spec.kind}" must be dotted lower-case words, like "email.send"`);
  }
  if (spec.concurrency !== undefined && !(Number.isInteger(spec.concurrency) && spec.concurrency >= 1)) {
    throw new Error(`job kind ${spec.kind}: concurrency must be a whole number of at least 1`);
  }
  return {
    kind: spec.kind,
    payload: spec.payload ?? EmptyPayload,
    handler: spec.handler as unknown as AnyJobDefinition['handler'],
    retry: { attempts: spec.retry?.attempts ?? MAX_ATTEMPTS, delayMs: spec.retry?.delayMs ?? retryDelayMs },
    concurrency: spec.concurrency ?? null,
    schedule: spec.schedule ?? null,
  };
}

/** A payload that does not match its kind's schema: a bug in the caller, never retried. */
export class JobPayloadError extends Error {
  constructor(kind: string, problems: string[]) {
    super(`job ${kind}: the payload does not match its schema: ${problems.join('; ')}`);
    this.name = 'JobPayloadError';
  }
}

// Payloads are taken as given (no coercion, no defaults filled in): what is stored is what was checked.
const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false, useDefaults: false });
addFormats.default(ajv);
const validators = new WeakMap<TSchema, (value: unknown) => boolean>();

/** Throws JobPayloadError naming each field that is wrong. */
export function checkPayload(definition: AnyJobDefinition, payload: unknown): void {
  let validate = validators.get(definition.payload) as ReturnType<typeof ajv.compile> | undefined;
  if (!validate) {
    validate = ajv.compile(definition.payload);
    validators.set(definition.payload, validate);
  }
  if (validate(payload)) return;
  const errors = fieldErrors((validate.errors ?? []) as ErrorObject[] as FastifySchemaValidationError[]);
  throw new JobPayloadError(
    definition.kind,
    errors.map((e) => `${e.path === '(body)' ? '(payload)' : e.path} ${e.message}`),
  );
}
