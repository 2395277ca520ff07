import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Tx } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { checkFileName, sniffContentType } from './files.content.ts';
import { scanWithClamd } from './files.scan.ts';
import { recordVersion } from './files.service.ts';
import { storageKey, storagesFor } from './files.storage.ts';

export type IntakeResult = { fileId: string } | { refused: string };

/**
 * Attaches bytes that arrived with a customer's message (an email's attachment) to a ticket, inside the caller's
 * transaction, under the same rules as an upload: the file name is checked, the size limit and the company's
 * quota hold, the virus scanner (when set up) sees the bytes before any row does, and the upload is audited.
 * What breaks a rule is not stored and answers why, so the message itself still goes through.
 */
export async function attachToTicket(
  trx: Tx,
  deps: Deps,
  ctx: RequestContext,
  input: { ticketId: string; name: string; content: Buffer },
): Promise<IntakeResult> {
  let name: string;
  try {
    name = checkFileName(input.name);
  } catch {
    name = `attachment-${newId().slice(0, 8)}`;
  }
  const size = input.content.length;
  if (size === 0) return { refused: `${name}: is empty` };
  if (size > deps.config.filesMaxBytes) return { refused: `${name}: is larger than the file size limit` };
  const storage = storagesFor(deps.config).primary;
  const versionId = newId();
  const key = storageKey(ctx.actor.companyId, versionId);
  await storage.put(key, Readable.from([input.content]));
  try {
    if (deps.config.clamd) {
      const scanned = await scanWithClamd(deps.config.clamd, await storage.get(key));
      if (scanned.infected) {
        await storage.remove(key).catch(() => undefined);
        return { refused: `${name}: the virus scanner found ${scanned.signature}` };
      }
    }
    const fileId = await recordVersion(trx, deps, ctx, {
      place: { folderId: null, leadId: null, ticketId: input.ticketId },
      name,
      versionId,
      size,
      contentType: await sniffContentType(input.content.subarray(0, 4100)),
      sha256: createHash('sha256').update(input.content).digest('hex'),
      driver: storage.driver,
      key,
    });
    return { fileId };
  } catch (error) {
    await storage.remove(key).catch(() => undefined);
    // The quota is checked before anything is written: the message goes on without this file.
    if (error instanceof AppError && error.code === 'quota_exceeded') {
      return { refused: `${name}: does not fit in the storage quota` };
    }
    throw error;
  }
}
