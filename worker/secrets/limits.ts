/** Caps of the secret store (README "Secrets"). */
export const MAX_SECRET_VALUE_BYTES = 64 * 1024;
export const MAX_SECRETS_PER_TENANT = 500;
