import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * A phone number as E.164 (`+919876543210`), read with the company's default country when it has no
 * country code; null when it is not a valid number. Any written form of one number gives the same result.
 */
export function toE164(raw: string, defaultCountry: string): string | null {
  const text = raw.trim();
  if (!text || text.length > 40) return null;
  const parsed = parsePhoneNumberFromString(text, defaultCountry.toUpperCase() as CountryCode);
  if (!parsed?.isValid()) return null;
  return parsed.number;
}

/** Whether a search text looks like a phone number (digits with the usual separators), not a name. */
export function looksLikePhone(text: string): boolean {
  return /^\+?[\d\s().-]{6,}$/.test(text.trim()) && (text.match(/\d/g)?.length ?? 0) >= 6;
}
