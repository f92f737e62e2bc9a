/**
 * Keystone v3 federation as EGI sites run it: an OIDC access token -> unscoped token
 * (`POST /v3/OS-FEDERATION/identity_providers/{idp}/protocols/{protocol}/auth`, Bearer), the projects
 * it may scope to (`GET /v3/auth/projects`), and a project-scoped token (`POST /v3/auth/tokens`).
 */
import { EgiAuthError, isTlsTrustError, rootCause } from "./errors";
import { faultMessage, type Fetch, findHttpFault, type HttpRequestInit } from "./http";
import type { KeystoneSettings } from "./settings";

export interface Project {
  readonly id: string;
  readonly name: string;
  readonly domainId?: string;
  readonly enabled: boolean;
}

export interface UnscopedToken {
  readonly token: string;
  /** The protocol that worked (openid or oidc). */
  readonly protocol: string;
}

export interface ScopedToken {
  readonly token: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
  readonly project: { readonly id: string; readonly name: string };
  readonly roles: readonly string[];
  readonly user: { readonly id: string; readonly name: string };
  /** The service catalog as Keystone returned it. */
  readonly catalog: readonly unknown[];
}

interface Attempt {
  readonly protocol: string;
  readonly status: number;
  /** Who answered: the OIDC module in front of Keystone (Bearer challenge) or Keystone itself. */
  readonly answeredBy: "oidc-module" | "keystone" | "other";
  readonly detail: string;
}

/**
 * Every Keystone request goes through here. Its POSTs are marked idempotent: a federated login or a
 * re-scope that Keystone processed but whose answer was lost only leaves an unused token behind,
 * so the HTTP client may repeat them after a timeout or a reset (see auth/http.ts). A request that
 * must not be repeated (creating an application credential) passes `idempotent = false`.
 */
export async function call(fetch: Fetch, url: string, init: HttpRequestInit, base: string, idempotent = true): Promise<Response> {
  try {
    return await fetch(url, { ...init, idempotent });
  } catch (err) {
    const fault = findHttpFault(err);
    if (fault) {
      throw new EgiAuthError(fault.unreachable ? "KEYSTONE_UNREACHABLE" : "KEYSTONE_ERROR", faultMessage(fault, `Keystone at ${base}`, "OS_AUTH_URL"), { cause: err });
    }
    if (isTlsTrustError(err)) {
      throw new EgiAuthError("TLS_UNTRUSTED", `TLS certificate of ${new URL(base).host} is not trusted (${rootCause(err)}); set OS_CACERT to a PEM bundle with the site's CA (EGI sites use IGTF CAs)`, { cause: err });
    }
    throw new EgiAuthError("KEYSTONE_UNREACHABLE", `cannot reach Keystone at ${base} (${rootCause(err)}); check OS_AUTH_URL and the network`, { cause: err });
  }
}

async function describe(response: Response): Promise<Attempt["detail"]> {
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text);
    return String(body?.error?.message ?? body?.error ?? text).slice(0, 200);
  } catch {
    const challenge = response.headers.get("www-authenticate");
    return (challenge ?? text.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim()).slice(0, 200);
  }
}

function answeredBy(response: Response): Attempt["answeredBy"] {
  const challenge = response.headers.get("www-authenticate") ?? "";
  if (/^Bearer\b/i.test(challenge)) return "oidc-module";
  if (/^Keystone\b/i.test(challenge) || response.headers.get("x-openstack-request-id")) return "keystone";
  return "other";
}

function federationUrl(s: KeystoneSettings, protocol: string): string {
  return `${s.baseUrl}/v3/OS-FEDERATION/identity_providers/${encodeURIComponent(s.identityProvider)}/protocols/${encodeURIComponent(protocol)}/auth`;
}

/**
 * Trade an OIDC access token for an unscoped Keystone token, trying `s.protocols` in order.
 * A 401 from Keystone itself (no Bearer challenge) means "this protocol is not configured here",
 * so the next one is tried; a Bearer challenge means the site's OIDC module rejected the token.
 */
export async function federatedLogin(s: KeystoneSettings, accessToken: string, fetch: Fetch): Promise<UnscopedToken> {
  const attempts: Attempt[] = [];
  for (const protocol of s.protocols) {
    const response = await call(fetch, federationUrl(s, protocol), { method: "POST", headers: { Authorization: `Bearer ${accessToken}` } }, s.baseUrl);
    const token = response.headers.get("x-subject-token");
    if (response.status === 201 && token) {
      await response.body?.cancel();
      return { token, protocol };
    }
    const attempt: Attempt = { protocol, status: response.status, answeredBy: answeredBy(response), detail: await describe(response) };
    attempts.push(attempt);
    if (attempt.answeredBy === "oidc-module") {
      throw new EgiAuthError("KEYSTONE_TOKEN_REJECTED", `Keystone at ${s.baseUrl} rejected the Check-in access token for protocol ${protocol} (HTTP ${attempt.status}: ${attempt.detail}); check CHECKIN_URL is the issuer this site trusts and the token is not expired`);
    }
    if (!(attempt.status === 401 || attempt.status === 404)) break;
  }
  const tried = attempts.map((a) => `${a.protocol}: HTTP ${a.status} ${a.detail}`).join("; ");
  if (attempts.length > 0 && attempts.every((a) => a.status === 404 || /unsupported method/i.test(a.detail))) {
    throw new EgiAuthError("PROTOCOL_NOT_CONFIGURED", `Keystone at ${s.baseUrl} has no federation protocol ${s.protocols.join(" or ")} for identity provider ${s.identityProvider} (${tried}); set OS_PROTOCOL and OS_IDENTITY_PROVIDER to what the site configured`);
  }
  if (attempts.some((a) => a.status === 401)) {
    throw new EgiAuthError("KEYSTONE_UNAUTHORIZED", `Keystone at ${s.baseUrl} accepted no login for identity provider ${s.identityProvider} (${tried}); check your VO membership (eduperson_entitlement) is mapped at this site`);
  }
  throw new EgiAuthError("KEYSTONE_ERROR", `Keystone at ${s.baseUrl} federated login failed (${tried})`);
}

/** Equivalent to `openstack project list` with an unscoped federated token (the seed's get-projects.py). */
export async function listProjects(s: KeystoneSettings, unscoped: string, fetch: Fetch): Promise<Project[]> {
  const response = await call(fetch, `${s.baseUrl}/v3/auth/projects`, { headers: { "X-Auth-Token": unscoped, Accept: "application/json" } }, s.baseUrl);
  if (response.status !== 200) {
    throw new EgiAuthError("KEYSTONE_ERROR", `Keystone at ${s.baseUrl} did not list projects (HTTP ${response.status}: ${await describe(response)})`);
  }
  const body = (await response.json()) as { projects?: Array<{ id: string; name: string; domain_id?: string; enabled?: boolean }> };
  return (body.projects ?? [])
    .map((p) => ({ id: p.id, name: p.name, domainId: p.domain_id, enabled: p.enabled !== false }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function unknownProject(s: KeystoneSettings, projectId: string, projects: Project[]): EgiAuthError {
  const available = projects.length ? projects.map((p) => `${p.id} (${p.name})`).join(", ") : "none";
  return new EgiAuthError("UNKNOWN_PROJECT", `OS_PROJECT_ID=${projectId} is not a project you can use at ${s.baseUrl}; available: ${available}`);
}

/** Re-scope the unscoped token to `projectId`; an unknown id fails listing the ones available. */
export async function scopeToProject(s: KeystoneSettings, unscoped: string, projectId: string, fetch: Fetch): Promise<ScopedToken> {
  const body = { auth: { identity: { methods: ["token"], token: { id: unscoped } }, scope: { project: { id: projectId } } } };
  const response = await call(
    fetch,
    `${s.baseUrl}/v3/auth/tokens`,
    { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" }, body: JSON.stringify(body) },
    s.baseUrl,
  );
  const token = response.headers.get("x-subject-token");
  if (response.status !== 201 || !token) {
    if ([401, 403, 404].includes(response.status)) {
      await response.body?.cancel();
      throw unknownProject(s, projectId, await listProjects(s, unscoped, fetch));
    }
    throw new EgiAuthError("KEYSTONE_ERROR", `Keystone at ${s.baseUrl} did not scope the token to ${projectId} (HTTP ${response.status}: ${await describe(response)})`);
  }
  const t = ((await response.json()) as { token: Record<string, any> }).token;
  return {
    token,
    expiresAt: Math.floor(Date.parse(t.expires_at) / 1000),
    project: { id: t.project?.id ?? projectId, name: t.project?.name ?? "" },
    roles: (t.roles ?? []).map((r: { name: string }) => r.name),
    user: { id: t.user?.id ?? "", name: t.user?.name ?? "" },
    catalog: t.catalog ?? [],
  };
}
