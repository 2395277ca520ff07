import { finished } from 'node:stream';
import type { FastifyBaseLogger, FastifyReply } from 'fastify';

const pending = new Set<Promise<void>>();

/**
 * Runs `work` once the reply has been sent. Work whose cost depends on a secret (whether an account exists)
 * runs here, so that the reply's timing cannot tell it. A failure is logged: the caller already has its answer.
 */
export function afterReply(reply: FastifyReply, log: FastifyBaseLogger, work: () => Promise<void>): void {
  const done = new Promise<void>((resolve) => {
    finished(reply.raw, () => {
      work()
        .catch((error: unknown) => log.error({ err: error }, 'work after the reply failed'))
        .finally(() => {
          pending.delete(done);
          resolve();
        });
    });
  });
  pending.add(done);
}

/** Resolves when the work started after replies so far has finished (tests and shutdown wait on it). */
export async function afterRepliesSettled(): Promise<void> {
  while (pending.size > 0) await Promise.all([...pending]);
}
