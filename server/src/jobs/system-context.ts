import type { RequestContext } from '../http/context.ts';
import type { Job } from './queue.ts';

/**
 * The context a job acts in: no user is behind it, so its audit rows carry no actor and name the job as their
 * request id. The actor's user id is null at run time (the audit column is nullable); the type says string
 * because every request does have one.
 */
export function jobContext(job: Pick<Job<unknown>, 'id' | 'kind' | 'companyId'>): RequestContext {
  return {
    actor: {
      userId: null as unknown as string,
      companyId: job.companyId,
      role: 'ADMIN',
      name: 'iPerform',
      email: '',
      managerId: null,
      sessionId: null,
      apiKeyId: null,
    },
    requestId: `job:${job.kind}:${job.id}`,
    ip: '',
    userAgent: null,
  };
}
