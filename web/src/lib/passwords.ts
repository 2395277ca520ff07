/** The server's rule (12..128 characters, not a common password); the UI checks only the length up front. */
export const MIN_PASSWORD_LENGTH = 12;
