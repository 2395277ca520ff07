import type { RequestContext } from '../http/context.ts';
import type { Job } from './queue.ts';

/**
 * The context a job acts in: no user is behind it, so its audit rows carry no actor and name the job as their
 * request id. The actor's user id is null at run time (the audit column is nullable); the type says string
 * because every request does have one.
 */
export function jobContext(job: Pick<Job<unknown>, 'id' | 'kind' | 'companyId'>): RequestContext {
  return systemContext(job.companyId, `job:${job.kind}:${job.id}`);
}

/**
 * The context of work no person asked for in this request (a job, an OAuth callback answered on the company's
 * behalf): the system actor of `companyId`, audited under `requestId`.
 */
export function systemContext(companyId: string, requestId: string): RequestContext {
  return {
    actor: {
      userId: null as unknown as string,
      companyId,
      role: 'ADMIN',
      name: 'iPerform',
      email: '',
      managerId: null,
      sessionId: null,
      apiKeyId: null,
    },
    requestId,
    ip: '',
    userAgent: null,
  };
}
