import { toApiError } from '../../lib/problem';

interface BlobCall {
  data?: Blob;
  error?: unknown;
  response: Response;
}

/** The file name a Content-Disposition header offers (RFC 6266: `filename*` wins over `filename`). */
export function fileNameOf(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // a malformed escape: fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(header);
  return plain?.[1]?.trim() || fallback;
}

/** Hands a blob to the browser as a download. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // Some browsers read the object URL after click() returns: free it a little later.
  window.setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/**
 * Awaits a typed call made with `parseAs: 'blob'` (so it carries the bearer token and refreshes it like every
 * other call) and saves the answer under the server's file name; a failure throws the usual ApiError.
 */
export async function download(call: Promise<BlobCall>, fallbackName: string): Promise<{ name: string; size: number }> {
  const { data, error, response } = await call;
  if (!response.ok || !data) throw toApiError(error, response);
  const name = fileNameOf(response.headers.get('Content-Disposition'), fallbackName);
  saveBlob(data, name);
  return { name, size: data.size };
}
