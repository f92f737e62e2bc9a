/**
 * What each kind of token cache entry must look like. A cache file is data from disk, not from us:
 * it may be torn, hand-edited, or written by another version, so every read passes one of these
 * guards, and an entry that fails it is a miss (then overwritten by the next write).
 */
import type { ServerMetadata } from "openid-client";
import type { ScopedToken } from "./keystone";

/** What the cache keeps per Check-in credential (0600; the only copy of a rotated refresh token). */
export interface IdentityEntry {
  readonly subject: string;
  readonly accessToken?: string;
  readonly accessExpiresAt?: number;
  readonly refreshToken?: string;
}

/** An OIDC discovery document and when it was fetched (epoch seconds). */
export interface DiscoveryEntry {
  readonly fetchedAt: number;
  readonly metadata: ServerMetadata;
}

type Fields = Readonly<Record<string, unknown>>;

const isObject = (v: unknown): v is Fields => typeof v === "object" && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isString = (v: unknown): v is string => typeof v === "string";
const isNonEmptyString = (v: unknown): v is string => typeof v === "string" && v.length > 0;
/** Absent (JSON drops undefined) or of the given type; null is not accepted. */
const optional = (v: unknown, is: (v: unknown) => boolean) => v === undefined || is(v);
const isIdName = (v: unknown) => isObject(v) && isString(v.id) && isString(v.name);

export function isIdentityEntry(v: unknown): v is IdentityEntry {
  return (
    isObject(v) &&
    isNonEmptyString(v.subject) &&
    optional(v.accessToken, isString) &&
    optional(v.accessExpiresAt, isNumber) &&
    optional(v.refreshToken, isString)
  );
}

/** A project-scoped Keystone token as scopeToProject returns it. */
export function isScopedTokenEntry(v: unknown): v is ScopedToken {
  return (
    isObject(v) &&
    isNonEmptyString(v.token) &&
    isNumber(v.expiresAt) &&
    isIdName(v.project) &&
    Array.isArray(v.roles) &&
    v.roles.every(isString) &&
    isIdName(v.user) &&
    Array.isArray(v.catalog)
  );
}

export function isDiscoveryEntry(v: unknown): v is DiscoveryEntry {
  return isObject(v) && isNumber(v.fetchedAt) && isObject(v.metadata) && isNonEmptyString(v.metadata.issuer);
}
