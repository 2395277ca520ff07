/**
 * The signed-in session's tokens, kept in localStorage so a reload stays signed in.
 * A tiny external store: React subscribes through useSyncExternalStore, the API middleware reads and writes it,
 * and a `storage` event keeps every open tab in step (signing out in one tab signs out all of them).
 */
const ACCESS_KEY = 'accessToken';
const REFRESH_KEY = 'refreshToken';

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

type Listener = () => void;
const listeners = new Set<Listener>();

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

let snapshot: string | null = read(ACCESS_KEY);

function emit(): void {
  snapshot = read(ACCESS_KEY);
  for (const listener of listeners) listener();
}

export function getAccessToken(): string | null {
  return read(ACCESS_KEY);
}

export function getRefreshToken(): string | null {
  return read(REFRESH_KEY);
}

export function setTokens(tokens: Tokens): void {
  window.localStorage.setItem(ACCESS_KEY, tokens.accessToken);
  window.localStorage.setItem(REFRESH_KEY, tokens.refreshToken);
  emit();
}

export function clearTokens(): void {
  window.localStorage.removeItem(ACCESS_KEY);
  window.localStorage.removeItem(REFRESH_KEY);
  emit();
}

export function subscribeTokens(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The access token as React sees it; changes when the user signs in, refreshes or signs out (in any tab). */
export function accessTokenSnapshot(): string | null {
  return snapshot;
}

window.addEventListener('storage', (event) => {
  if (event.key === null || event.key === ACCESS_KEY || event.key === REFRESH_KEY) emit();
});
