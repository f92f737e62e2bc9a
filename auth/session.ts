/**
 * The whole chain with its cache: Check-in credential -> access token -> unscoped Keystone token ->
 * project-scoped token. A warm run (scoped token still valid for `minValiditySeconds`) reads one
 * file and makes no HTTP call; a cold run takes a per-credential lock first, so parallel processes
 * make one refresh between them.
 */
import { TokenCache } from "./cache";
import { maskSecret } from "./ci-mask";
import { type IdentityEntry, isDiscoveryEntry, isIdentityEntry, isScopedTokenEntry } from "./cache-entries";
import { type AccessToken, credentialId, obtainAccessToken, sha256 } from "./checkin";
import { createHttpClient, type Fetch } from "./http";
import { federatedLogin, listProjects, type Project, scopeToProject, type ScopedToken } from "./keystone";
import type { AuthSettings, CheckinCredential } from "./settings";

export interface SessionOptions {
  /** @default undici fetch trusting the system CAs plus settings.caFile */
  readonly fetch?: Fetch;
  /** Epoch seconds. @default Date.now() / 1000 */
  readonly now?: () => number;
}

export interface ScopedSession extends ScopedToken {
  /** True when the token came from the cache with no HTTP call. */
  readonly fromCache: boolean;
  readonly authUrl: string;
}

const DISCOVERY_TTL_SECONDS = 24 * 3600;

class Chain {
  readonly cache: TokenCache;
  readonly fetch: Fetch;
  readonly now: () => number;
  readonly credId: string;

  constructor(readonly settings: AuthSettings, options: SessionOptions) {
    this.cache = new TokenCache(settings.cacheDir);
    this.fetch = options.fetch ?? createHttpClient({ caFile: settings.caFile, timeoutMs: settings.httpTimeoutMs }).fetch;
    this.now = options.now ?? (() => Date.now() / 1000);
    this.credId = credentialId(settings.checkin.issuer, settings.checkin.credential);
  }

  fresh(expiresAt: number | undefined): boolean {
    return expiresAt !== undefined && expiresAt - this.now() > this.settings.minValiditySeconds;
  }

  /**
   * The client the access token was issued to is part of the key: another client (or scope) may
   * carry other entitlements, hence other Keystone roles. An agent account stands for its client.
   */
  scopedKey(subject: string, projectId: string): string {
    const cred = this.settings.checkin.credential;
    const client = cred.kind === "oidc_agent" ? `oidc-agent:${cred.account}` : "clientId" in cred ? cred.clientId : "";
    return sha256([this.settings.checkin.issuer, client, subject, this.settings.keystone.baseUrl, projectId].join("\n"));
  }

  cachedScoped(projectId: string): ScopedToken | undefined {
    const identity = this.cache.read("identity", this.credId, isIdentityEntry);
    if (!identity) return undefined;
    const scoped = this.cache.read("keystone", this.scopedKey(identity.subject, projectId), isScopedTokenEntry);
    return scoped && this.fresh(scoped.expiresAt) ? scoped : undefined;
  }

  /** An access token: cached while fresh, else from the IdP with the newest refresh token we hold. */
  async accessToken(): Promise<AccessToken> {
    const identity = this.cache.read("identity", this.credId, isIdentityEntry);
    if (identity?.accessToken && this.fresh(identity.accessExpiresAt)) {
      return { accessToken: identity.accessToken, expiresAt: identity.accessExpiresAt, subject: identity.subject };
    }
    const given = this.settings.checkin.credential;
    const credential: CheckinCredential =
      given.kind === "refresh_token" && identity?.refreshToken ? { ...given, refreshToken: identity.refreshToken } : given;
    const token = await obtainAccessToken({ ...this.settings.checkin, credential }, {
      fetch: this.fetch,
      now: this.now,
      agentTimeoutMs: this.settings.httpTimeoutMs,
      metadata: {
        read: (issuer) => {
          const entry = this.cache.read("discovery", sha256(issuer), isDiscoveryEntry);
          return entry && this.now() - entry.fetchedAt < DISCOVERY_TTL_SECONDS ? entry.metadata : undefined;
        },
        write: (issuer, metadata) => this.cache.write("discovery", sha256(issuer), { fetchedAt: this.now(), metadata }),
      },
    });
    // oidc-agent is the access token's cache, in memory: no copy of it goes to disk, only who it is for.
    const keep = given.kind !== "oidc_agent";
    this.cache.write("identity", this.credId, {
      subject: token.subject,
      accessToken: keep ? token.accessToken : undefined,
      accessExpiresAt: keep ? token.expiresAt : undefined,
      refreshToken: token.refreshToken ?? identity?.refreshToken,
    } satisfies IdentityEntry);
    return token;
  }
}

/** A project-scoped Keystone token for settings.keystone.projectId (the seed's get-token.py). */
export async function scopedToken(settings: AuthSettings, options: SessionOptions = {}): Promise<ScopedSession> {
  const projectId = settings.keystone.projectId;
  if (!projectId) throw new Error("scopedToken needs settings.keystone.projectId");
  const chain = new Chain(settings, options);
  const authUrl = `${settings.keystone.baseUrl}/v3`;

  const warm = chain.cachedScoped(projectId);
  if (warm) return { ...warm, fromCache: true, authUrl };

  return chain.cache.withLock(chain.credId, async () => {
    const won = chain.cachedScoped(projectId); // another process may have filled it while we waited
    if (won) return { ...won, fromCache: true, authUrl };
    const access = await chain.accessToken();
    const unscoped = await federatedLogin(settings.keystone, access.accessToken, chain.fetch);
    maskSecret(unscoped.token); // ci-mask: GitHub Actions log masking, before any use
    const scoped = await scopeToProject(settings.keystone, unscoped.token, projectId, chain.fetch);
    maskSecret(scoped.token); // ci-mask
    chain.cache.write("keystone", chain.scopedKey(access.subject, projectId), scoped);
    return { ...scoped, fromCache: false, authUrl };
  });
}

/** The projects this identity may scope to at settings.keystone (the seed's get-projects.py). */
export async function availableProjects(settings: AuthSettings, options: SessionOptions = {}): Promise<Project[]> {
  const chain = new Chain(settings, options);
  return chain.cache.withLock(chain.credId, async () => {
    const access = await chain.accessToken();
    const unscoped = await federatedLogin(settings.keystone, access.accessToken, chain.fetch);
    maskSecret(unscoped.token); // ci-mask
    return listProjects(settings.keystone, unscoped.token, chain.fetch);
  });
}
