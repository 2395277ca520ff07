import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import { AppError } from '../../http/errors.ts';

/** The bytes file-type needs to recognise any format it knows. */
const HEAD_BYTES = 4100;

/** Types a browser may show inline (a preview); every other type is always served as an attachment. */
const PREVIEWABLE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'application/pdf']);

export const previewable = (contentType: string) => PREVIEWABLE.has(contentType);

/** C0 and C1 controls, DEL, and the bidirectional overrides that make `exe.pdf` of `fdp.exe`. */
export function hasControlCharacters(text: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
    if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) return true;
  }
  return false;
}

const badName = (message: string) =>
  new AppError('validation_failed', `file: ${message}`, {
    errors: [{ path: 'file', message }],
  });

/**
 * A file name as stored and shown: one name, never a path. A name with a directory part (`../../etc/passwd`),
 * control characters, or nothing in it is refused (400 naming `file`), not quietly changed.
 */
export function checkFileName(raw: string | undefined): string {
  const name = (raw ?? '').normalize('NFC').trim();
  if (!name) throw badName('the file has no name');
  if (hasControlCharacters(name)) throw badName('the name contains control characters');
  if (name.includes('/') || name.includes('\\') || name === '.' || name === '..') {
    throw badName('the name must be a file name, not a path');
  }
  if (name.length > 255) throw badName('the name is longer than 255 characters');
  return name;
}

/**
 * Counts, hashes and keeps the head of the bytes passing through, and fails the stream once more than `limit`
 * bytes came: the file is never held whole, whatever its size.
 */
export class UploadMeter extends Transform {
  /** Bytes so far (not `size`: the S3 uploader reads a body's `size` as its total length). */
  bytes = 0;
  failure: AppError | null = null;
  private readonly hash: Hash = createHash('sha256');
  private readonly headParts: Buffer[] = [];
  private headSize = 0;

  private readonly limit: number;
  private readonly tooLarge: () => AppError;

  constructor(limit: number, tooLarge: () => AppError) {
    super();
    this.limit = limit;
    this.tooLarge = tooLarge;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      this.failure = this.tooLarge();
      callback(this.failure);
      return;
    }
    this.hash.update(chunk);
    if (this.headSize < HEAD_BYTES) {
      this.headParts.push(chunk.subarray(0, HEAD_BYTES - this.headSize));
      this.headSize += Math.min(chunk.length, HEAD_BYTES - this.headSize);
    }
    callback(null, chunk);
  }

  sha256(): string {
    return this.hash.digest('hex');
  }

  head(): Buffer {
    return Buffer.concat(this.headParts);
  }
}

function looksLikeText(head: Buffer): boolean {
  if (head.includes(0)) return false;
  try {
    // A cut multi-byte character at the end of the head is not a reason to call it binary.
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, Math.max(0, head.length - 4)));
    return true;
  } catch {
    return false;
  }
}

/**
 * The content type from the bytes, never from the client: what file-type recognises, else markup a browser would
 * run (HTML, SVG, XML) by its opening, else plain text or unknown binary (`application/octet-stream`).
 */
export async function sniffContentType(head: Buffer): Promise<string> {
  const found = await fileTypeFromBuffer(head);
  if (found) return found.mime;
  if (!looksLikeText(head)) return 'application/octet-stream';
  const start = head
    .toString('utf8', 0, 1024)
    .replace(/^\uFEFF/, '')
    .trimStart()
    .toLowerCase();
  if (/<svg[\s>]/.test(start)) return 'image/svg+xml';
  if (start.startsWith('<!doctype html') || /<(html|head|body|script|iframe)[\s>]/.test(start)) return 'text/html';
  if (start.startsWith('<?xml')) return 'application/xml';
  return 'text/plain';
}

/** `Content-Disposition` with an ASCII fallback and the UTF-8 name (RFC 6266 / 8187). */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
