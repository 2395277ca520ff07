/** What a settings key looks like (stage keys, custom field keys): stable, lower-case, safe in a URL and in JSON. */
export const KEY_PATTERN = '^[a-z][a-z0-9_]{0,39}$';
const KEY_RE = new RegExp(KEY_PATTERN);

export function isKey(value: string): boolean {
  return KEY_RE.test(value);
}

/**
 * A key derived from a human name: "Site Visit (2nd)" -> "site_visit_2nd". Accents are dropped; a name that
 * starts with a digit gets `prefix`; null when nothing usable is left (a name in another script).
 */
export function keyFrom(name: string, prefix: string): string | null {
  let key = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!key) return null;
  if (!/^[a-z]/.test(key)) key = `${prefix}_${key}`;
  key = key.slice(0, 40).replace(/_+$/, '');
  return isKey(key) ? key : null;
}
