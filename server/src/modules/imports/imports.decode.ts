import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { AppError } from '../../http/errors.ts';

export const importFormats = ['csv', 'xlsx', 'json', 'ndjson', 'xml'] as const;
export type ImportFormat = (typeof importFormats)[number];

export const importEncodings = ['auto', 'utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'iso-8859-1'] as const;
export type ImportEncoding = (typeof importEncodings)[number];

/** A problem with the file as a whole: 422 naming it, with `file` (or the option) as the field. */
export function badFile(message: string, path = 'file'): AppError {
  return new AppError('unprocessable', message, { errors: [{ path, message }] });
}

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** The format a file claims by its name, else what its first bytes look like. */
export function detectFormat(fileName: string, bytes: Buffer): ImportFormat {
  const extension = fileName.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? '';
  const byName: Record<string, ImportFormat> = {
    csv: 'csv',
    tsv: 'csv',
    txt: 'csv',
    tab: 'csv',
    xlsx: 'xlsx',
    json: 'json',
    ndjson: 'ndjson',
    jsonl: 'ndjson',
    xml: 'xml',
  };
  const named = byName[extension];
  if (named) return named;
  if (bytes.subarray(0, 4).equals(ZIP)) return 'xlsx';
  const head = decodeText(bytes.subarray(0, 4096), detectEncoding(bytes.subarray(0, 4096), 'auto').encoding)
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (head.startsWith('<')) return 'xml';
  if (head.startsWith('[')) return 'json';
  if (head.startsWith('{')) {
    const firstLine = head.split(/\r?\n/, 1)[0] ?? '';
    return firstLine.trimEnd().endsWith('}') ? 'ndjson' : 'json';
  }
  return 'csv';
}

export interface DetectedEncoding {
  encoding: Exclude<ImportEncoding, 'auto'>;
  /** Bytes of byte-order mark to skip. */
  bom: number;
}

/**
 * The text encoding: a byte-order mark decides; else UTF-16 shows as zero bytes on every other position; else
 * valid UTF-8 is UTF-8 and anything else is taken as Windows-1252 (what Excel writes on Western Windows). A
 * given encoding is held to strictly: UTF-8 that is not valid UTF-8 is refused rather than guessed at.
 */
export function detectEncoding(bytes: Buffer, requested: ImportEncoding): DetectedEncoding {
  const bomOf = (): DetectedEncoding | null => {
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
    return null;
  };
  const bom = bomOf();
  if (requested !== 'auto') {
    if (bom && bom.encoding !== requested && !(requested.startsWith('utf-16') && bom.encoding.startsWith('utf-16'))) {
      throw badFile(`The file starts with a ${bom.encoding} byte-order mark, not ${requested}`, 'encoding');
    }
    if (requested === 'utf-8' && !isUtf8(bytes.subarray(bom?.bom ?? 0))) {
      throw badFile(
        `The file is not valid UTF-8 (first bad byte at offset ${firstBadUtf8(bytes)}); upload it with the encoding it was saved in`,
        'encoding',
      );
    }
    return { encoding: requested, bom: bom && bom.encoding === requested ? bom.bom : 0 };
  }
  if (bom) return bom;
  const utf16 = sniffUtf16(bytes);
  if (utf16) return { encoding: utf16, bom: 0 };
  return { encoding: isUtf8(bytes) ? 'utf-8' : 'windows-1252', bom: 0 };
}

function sniffUtf16(bytes: Buffer): 'utf-16le' | 'utf-16be' | null {
  const sample = bytes.subarray(0, Math.min(bytes.length, 4096) & ~1);
  if (sample.length < 4) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < sample.length; i += 2) {
    if (sample[i] === 0) evenZeros++;
    if (sample[i + 1] === 0) oddZeros++;
  }
  const pairs = sample.length / 2;
  if (oddZeros > pairs * 0.4 && evenZeros < pairs * 0.05) return 'utf-16le';
  if (evenZeros > pairs * 0.4 && oddZeros < pairs * 0.05) return 'utf-16be';
  return null;
}

function firstBadUtf8(bytes: Buffer): number {
  let low = 0;
  let high = bytes.length;
  // The shortest invalid prefix, found by halving (cut points may split a character, so allow 3 bytes slack).
  while (high - low > 4) {
    const middle = (low + high) >> 1;
    if (
      isUtf8(bytes.subarray(0, middle)) ||
      isUtf8(bytes.subarray(0, middle - 1)) ||
      isUtf8(bytes.subarray(0, middle - 2))
    )
      low = middle;
    else high = middle;
  }
  return low;
}

export function decodeText(bytes: Buffer, encoding: string): string {
  return iconv.decode(bytes, encoding);
}

/** The file's text in pieces of about 64 KB, decoded as it goes: the parsers read it as a stream. */
export function* decodedPieces(bytes: Buffer, detected: DetectedEncoding): Generator<string> {
  const decoder = iconv.getDecoder(detected.encoding);
  const piece = 64 * 1024;
  for (let at = detected.bom; at < bytes.length; at += piece) {
    const text = decoder.write(bytes.subarray(at, Math.min(bytes.length, at + piece)));
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

/** The first few KB of text, for sniffing the delimiter. */
export function headText(bytes: Buffer, detected: DetectedEncoding, size = 64 * 1024): string {
  const end = Math.min(bytes.length, detected.bom + size);
  return decodeText(bytes.subarray(detected.bom, end), detected.encoding);
}
