/**
 * The key the server derives from a name when none is given ("Site Visit (2nd)" -> "site_visit_2nd"), shown
 * while typing so the person knows what leads and the API will call the field.
 */
export function keyFromName(name: string, prefix: string): string {
  let key = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!key) return '';
  if (!/^[a-z]/.test(key)) key = `${prefix}_${key}`;
  return key.slice(0, 40).replace(/_+$/, '');
}

export const KEY_RE = /^[a-z][a-z0-9_]{0,39}$/;

/** A server message that already names its subject ("a stage with the key x already exists") as a sentence. */
export function sentence(message: string | undefined): string | undefined {
  return message ? message.charAt(0).toUpperCase() + message.slice(1) : message;
}
