import { ACCEPTED_KEY_ENV } from "./config";

/** The API key a stdio contender accepts, from its configuration (the environment the parent gave it). */
export function acceptedKeyFromEnv(): string {
  const key = process.env[ACCEPTED_KEY_ENV];
  if (!key) throw new Error(`${ACCEPTED_KEY_ENV} is not set; start this server through bench/run`);
  return key;
}
