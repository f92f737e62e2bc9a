/** The CI variables the forge clients read, and the one-line usage error for a missing one. */
import { UsageError } from "../command";

export type Env = Readonly<Record<string, string | undefined>>;

/** A variable's value, or a usage error naming it and why it is needed. */
export function required(env: Env, name: string, why: string): string {
  const value = env[name]?.trim();
  if (!value) throw new UsageError(`${name} is not set: ${why}`);
  return value;
}

/** The base URL in `name`, or a usage error naming it: the token is sent there. */
export function requiredUrl(env: Env, name: string, why: string): string {
  const value = required(env, name, why);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${name} is not a URL: ${why}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new UsageError(`${name} must be an http(s) URL: ${why}`);
  return value.replace(/\/+$/, "");
}
