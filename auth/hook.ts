/**
 * The pre-synth hook that makes plain `cdktf deploy` (plan, diff, destroy) token-authenticated.
 *
 * cdktf runs the app as a child process, then runs terraform in `cdktf.out/stacks/<stack>` with the
 * CLI's own environment: an env var set here never reaches terraform. Files the app leaves in that
 * folder do, and terraform loads `*.auto.tfvars.json` from it. So constructs that need a token
 * (EgiSite) declare a sensitive variable and register a request here; the hook gets one scoped token
 * per (auth URL, project), synthesizes, then links `egi-token.auto.tfvars.json` in each stack folder
 * to a 0600 file in the token cache. The token is never in cdk.tf.json, and the stack folder holds
 * only a link, so copying or archiving cdktf.out copies no secret.
 *
 * Without a Check-in credential in the environment the hook does nothing: the variable stays null,
 * the provider falls back to OS_TOKEN, and synth works offline.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { App, TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import { TokenCache } from "./cache";
import { sha256 } from "./checkin";
import { EgiAuthError } from "./errors";
import { createHttpClient, type Fetch } from "./http";
import { type ScopedSession, scopedToken, type SessionOptions } from "./session";
import { cacheDirFrom, hasCheckinCredential, settingsFromEnv } from "./settings";

export const TOKEN_TFVARS_FILE = "egi-token.auto.tfvars.json";
const REQUEST = Symbol.for("egi-cdktf/token-request");

export interface TokenRequest {
  /** The stack whose terraform run needs the token. */
  readonly stack: TerraformStack;
  /** Name of the Terraform variable that receives the token. */
  readonly variableName: string;
  /** @default OS_AUTH_URL */
  readonly authUrl?: string;
  /** @default OS_PROJECT_ID */
  readonly projectId?: string;
  /** @default OS_CACERT */
  readonly caFile?: string;
  /**
   * Called before synth: with the scoped session when the hook got a token for this request, or
   * with undefined when it is idle (no Check-in credential). For synth-time lookups.
   */
  readonly prepare?: (token: SiteToken | undefined) => Promise<void>;
}

/** What a construct's `prepare` gets: the scoped token and a fetch that trusts the site's CA. */
export interface SiteToken {
  readonly session: ScopedSession;
  readonly fetch: Fetch;
}

/** Called by a construct that passes `var.<variableName>` to a provider as its token. */
export function registerTokenRequest(construct: IConstruct, request: TokenRequest): void {
  (construct as unknown as Record<symbol, TokenRequest>)[REQUEST] = request;
}

export function tokenRequests(app: IConstruct): TokenRequest[] {
  return app.node
    .findAll()
    .map((c) => (c as unknown as Record<symbol, TokenRequest | undefined>)[REQUEST])
    .filter((r): r is TokenRequest => r !== undefined);
}

export interface HookOptions extends SessionOptions {
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Called once per token obtained, with no secret: for progress output. */
  readonly log?: (line: string) => void;
}

/**
 * Get the tokens the app's constructs asked for (when a Check-in credential is set), synthesize,
 * and hand the tokens to terraform through a linked `*.auto.tfvars.json` in each stack folder.
 * Use instead of `app.synth()` in main.ts.
 */
export async function synthWithEgiTokens(app: App, options: HookOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  const requests = tokenRequests(app);
  const active = requests.length > 0 && hasCheckinCredential(env) && env.EGI_CDKTF_HOOK !== "off";

  const tokens = new Map<TokenRequest, string>();
  if (active) {
    const bySite = new Map<string, Promise<SiteToken>>();
    for (const r of requests) {
      const settings = settingsFromEnv({ authUrl: r.authUrl, projectId: r.projectId, caFile: r.caFile }, env);
      const key = `${settings.keystone.baseUrl}\n${settings.keystone.projectId}`;
      if (!bySite.has(key)) {
        const fetch = options.fetch ?? createHttpClient({ caFile: settings.caFile }).fetch;
        bySite.set(
          key,
          scopedToken(settings, { ...options, fetch }).then((session) => {
            options.log?.(`egi-cdktf: token for project ${session.project.name || session.project.id} at ${session.authUrl} (${session.fromCache ? "cached" : "new"}, roles ${session.roles.join(",")})`);
            return { session, fetch };
          }),
        );
      }
      const token = await bySite.get(key)!;
      tokens.set(r, token.session.token);
      await r.prepare?.(token);
    }
  } else {
    for (const r of requests) await r.prepare?.(undefined);
  }

  app.synth();
  if (!active) return;

  const manifest = JSON.parse(fs.readFileSync(path.join(app.outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { constructPath: string; workingDirectory: string }>;
  };
  const cache = new TokenCache(cacheDirFrom(env));
  for (const entry of Object.values(manifest.stacks)) {
    const vars: Record<string, string> = {};
    for (const [r, token] of tokens) if (r.stack.node.path === entry.constructPath) vars[r.variableName] = token;
    if (Object.keys(vars).length === 0) continue;
    const dir = path.resolve(app.outdir, entry.workingDirectory);
    const key = sha256(dir);
    cache.write("tfvars", key, vars);
    const link = path.join(dir, TOKEN_TFVARS_FILE);
    fs.rmSync(link, { force: true });
    try {
      fs.symlinkSync(path.join(cache.dir, "tfvars", `${key}.json`), link);
    } catch (err) {
      throw new EgiAuthError("CACHE_ERROR", `cannot link ${link} to the token cache (${(err as NodeJS.ErrnoException).code}); the output dir must allow symlinks`, { cause: err });
    }
  }
}

/** Run an async app entry point: EgiAuthError and other failures print one line and exit 1. */
export function runApp(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`${err instanceof EgiAuthError ? "" : "error: "}${message}\n`);
    if (process.env.EGI_CDKTF_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    process.exit(1);
  });
}
