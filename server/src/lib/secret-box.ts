import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/**
 * Secrets a company gives us to act for it (SMTP passwords, WhatsApp access tokens) are stored sealed with
 * AES-256-GCM: a database dump alone does not reveal them, and a tampered value fails to open. The key comes
 * from the server's secrets key (IPERFORM_SECRETS_KEY, or one generated once in the data directory).
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(secret: string) {
    if (secret.length < 32) throw new Error('The secrets key must be at least 32 characters');
    this.#key = Buffer.from(hkdfSync('sha256', secret, 'iperform', 'secrets at rest', 32));
  }

  /** `v1.<iv>.<tag>.<ciphertext>`, base64url; `context` (e.g. the company id) binds the value to its owner. */
  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), body]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  /** The plaintext, or an error when the value was sealed with another key or context, or was changed. */
  open(sealed: string, context: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}
