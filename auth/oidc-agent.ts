/**
 * A client of oidc-agent (https://github.com/indigo-dc/oidc-agent), where EGI users keep their
 * Check-in accounts: `OIDC_AGENT_ACCOUNT` names the account, `OIDC_SOCK` the agent's Unix socket,
 * as for fedcloudclient and oidc-token. The agent holds the refresh token and the client secret;
 * we only ever receive a short-lived access token, and send nothing secret.
 *
 * IPC (oidc-agent 4.x): one Unix stream connection per request, one JSON request and one JSON
 * reply: `{"request":"access_token","account":A,"min_valid_period":N,"application_hint":H[,"scope":S]}`
 * -> `{"status":"success","access_token","issuer","expires_at"}` or
 * `{"status":"failure","error":"...", "info"?: "..."}`.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import { maskSecret } from "./ci-mask";
import { EgiAuthError } from "./errors";

export const AGENT_ACCOUNT_ENV = "OIDC_AGENT_ACCOUNT";
export const AGENT_SOCKET_ENV = "OIDC_SOCK";
/** What the agent shows the user in a confirmation prompt (`oidc-add --confirm`). */
export const APPLICATION_HINT = "egi-cdktf";
/**
 * The access token is used within seconds, for the federated login at Keystone; a minute of
 * validity is enough, and the agent refreshes at the IdP only when less is left.
 */
export const MIN_VALID_PERIOD_SECONDS = 60;
/** An oidc-agent reply is a few kB; anything much larger is not oidc-agent. */
const MAX_REPLY_BYTES = 1 << 20;
const START_AGENT = `start oidc-agent: eval "$(oidc-agent-service use)", then oidc-add ACCOUNT`;

export interface AgentRequest {
  readonly account: string;
  /** $OIDC_SOCK; undefined when unset. */
  readonly socketPath?: string;
  /** Sent only when set: without it the agent uses the account's own scopes, as `oidc-token` does. */
  readonly scope?: string;
  /** Whole request: connect, the agent's refresh at the IdP (or a user's confirmation), the reply. */
  readonly timeoutMs: number;
}

export interface AgentToken {
  readonly accessToken: string;
  readonly issuer: string;
  /** Epoch seconds; 0 when the agent does not know. */
  readonly expiresAt: number;
}

/** Issuers compared as oidc-agent writes them (always with a trailing slash) and as we do (without). */
export const sameIssuer = (a: string, b: string): boolean => a.replace(/\/+$/, "") === b.replace(/\/+$/, "");

/**
 * The agent's error text, fit for a one-line message: first line, bounded, and with anything
 * token-shaped (a long base64url run) cut out, in case an agent or IdP ever echoes one.
 */
export function agentErrorText(text: unknown): string {
  const line = String(text ?? "").split(/\r?\n/)[0].trim();
  const clean = line.replace(/[A-Za-z0-9_\-.~+=]{40,}/g, "[redacted]");
  return clean.length > 200 ? `${clean.slice(0, 200)}...` : clean || "no reason given";
}

/** Where the agent's socket should be, or a one-line error naming OIDC_SOCK. */
function checkSocket(account: string, socketPath: string | undefined): string {
  if (!socketPath) {
    throw new EgiAuthError("OIDC_AGENT_UNAVAILABLE", `${AGENT_ACCOUNT_ENV}=${account} needs a running oidc-agent, but ${AGENT_SOCKET_ENV} is not set; ${START_AGENT} (or unset ${AGENT_ACCOUNT_ENV})`);
  }
  let stat: fs.Stats;
  try {
    stat = fs.statSync(socketPath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new EgiAuthError("OIDC_AGENT_UNAVAILABLE", `${AGENT_SOCKET_ENV}=${socketPath} does not exist (${code}): oidc-agent is not running or has exited; ${START_AGENT}`, { cause: err });
  }
  if (!stat.isSocket()) {
    throw new EgiAuthError("OIDC_AGENT_UNAVAILABLE", `${AGENT_SOCKET_ENV}=${socketPath} is not a socket: set it to oidc-agent's socket; ${START_AGENT}`);
  }
  return socketPath;
}

/** Send `request` on one connection and read the one JSON reply. */
function exchange(socketPath: string, request: object, timeoutMs: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const socket = net.createConnection(socketPath);
    const done = (err: unknown, reply?: Record<string, unknown>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(reply!);
    };
    const timer = setTimeout(() => done(Object.assign(new Error(`no answer within ${timeoutMs / 1000} s`), { code: "ETIMEDOUT" })), timeoutMs);
    /** The reply, once what arrived parses as a JSON object (the agent may or may not close first). */
    const parsed = (): Record<string, unknown> | undefined => {
      try {
        const value = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        return value && typeof value === "object" && !Array.isArray(value) ? value : undefined;
      } catch {
        return undefined;
      }
    };
    socket.on("connect", () => socket.write(JSON.stringify(request)));
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > MAX_REPLY_BYTES) return done(Object.assign(new Error("reply too large"), { code: "EPROTO" }));
      const reply = parsed();
      if (reply) done(undefined, reply);
    });
    socket.on("end", () => {
      const reply = parsed();
      done(reply ? undefined : Object.assign(new Error(size ? "the reply is not JSON" : "closed without a reply"), { code: "EPROTO" }), reply);
    });
    socket.on("error", (err) => done(err));
  });
}

function unavailable(err: unknown, socketPath: string, timeoutMs: number): EgiAuthError {
  const code = (err as NodeJS.ErrnoException).code;
  const at = `oidc-agent at ${AGENT_SOCKET_ENV}=${socketPath}`;
  switch (code) {
    case "ETIMEDOUT":
      return new EgiAuthError("OIDC_AGENT_UNAVAILABLE", `${at} did not answer within ${timeoutMs / 1000} s (it may be waiting for a password or confirmation prompt, or for the IdP); check the agent, or raise EGI_HTTP_TIMEOUT`, { cause: err });
    case "ECONNREFUSED":
      return new EgiAuthError("OIDC_AGENT_UNAVAILABLE", `no oidc-agent listens at ${AGENT_SOCKET_ENV}=${socketPath} (ECONNREFUSED): the agent has exited; ${START_AGENT}`, { cause: err });
    case "EACCES":
    case "EPERM":
      return new EgiAuthError("OIDC_AGENT_UNAVAILABLE", `cannot connect to ${AGENT_SOCKET_ENV}=${socketPath} (${code}): the socket (or its folder) belongs to another user; set ${AGENT_SOCKET_ENV} to your own agent's socket`, { cause: err });
    case "EPROTO":
      return new EgiAuthError("OIDC_AGENT_UNAVAILABLE", `${at} gave an unusable answer (${(err as Error).message}); check ${AGENT_SOCKET_ENV} points at oidc-agent`, { cause: err });
    default:
      return new EgiAuthError("OIDC_AGENT_UNAVAILABLE", `cannot talk to ${at} (${code ?? (err as Error).message}); ${START_AGENT}`, { cause: err });
  }
}

/** A failure the agent answered, as one line naming what to run or set. */
function refused(reply: Record<string, unknown>, r: AgentRequest): EgiAuthError {
  const error = agentErrorText(reply.error);
  const account = `"${r.account}" (${AGENT_ACCOUNT_ENV})`;
  if (/^No account configured with that short name/i.test(error)) {
    return new EgiAuthError("OIDC_AGENT_ERROR", `oidc-agent has no account ${account}: create it with oidc-gen ${r.account}, or set ${AGENT_ACCOUNT_ENV} to one of \`oidc-add -l\` and load it with oidc-add`);
  }
  if (/^account not loaded/i.test(error)) {
    return new EgiAuthError("OIDC_AGENT_ERROR", `oidc-agent has not loaded account ${account}: load it with oidc-add ${r.account} (or create it with oidc-gen ${r.account})`);
  }
  if (/^Agent locked/i.test(error)) {
    return new EgiAuthError("OIDC_AGENT_ERROR", `oidc-agent at ${AGENT_SOCKET_ENV}=${r.socketPath} is locked: unlock it with oidc-add -X, then run again`);
  }
  // The agent's own prompts: the autoload password, and the confirmation of `oidc-add --confirm`.
  if (/^(user cancelled password prompt|wrong password|operation forbidden)/i.test(error)) {
    return new EgiAuthError("OIDC_AGENT_ERROR", `oidc-agent did not give a token for account ${account} (${error}): answer its password or confirmation prompt, or load the account beforehand with oidc-add ${r.account} (without --confirm)`);
  }
  if (/^invalid_grant\b/.test(error)) {
    return new EgiAuthError("OIDC_AGENT_ERROR", `the IdP refused the refresh token oidc-agent holds for account ${account} (${error}); it expired or was revoked: renew it with oidc-gen --reauthenticate ${r.account}`);
  }
  const scope = r.scope && /scope/i.test(error) ? `; CHECKIN_SCOPE="${r.scope}" asks for scopes the account cannot get: unset it, or extend the account with oidc-gen -m ${r.account}` : "";
  return new EgiAuthError("OIDC_AGENT_ERROR", `oidc-agent could not get an access token for account ${account} (${error})${scope || `; check it with oidc-token ${r.account}`}`);
}

/** An access token for `r.account` from the running agent, or a one-line EgiAuthError. */
export async function agentAccessToken(r: AgentRequest): Promise<AgentToken> {
  const socketPath = checkSocket(r.account, r.socketPath);
  const request = {
    request: "access_token",
    account: r.account,
    min_valid_period: MIN_VALID_PERIOD_SECONDS,
    application_hint: APPLICATION_HINT,
    ...(r.scope ? { scope: r.scope } : {}),
  };
  let reply: Record<string, unknown>;
  try {
    reply = await exchange(socketPath, request, r.timeoutMs);
  } catch (err) {
    throw unavailable(err, socketPath, r.timeoutMs);
  }
  if (reply.status !== "success") throw refused(reply, { ...r, socketPath });
  const { access_token: accessToken, issuer, expires_at: expiresAt } = reply;
  if (typeof accessToken === "string") maskSecret(accessToken); // ci-mask: GitHub Actions log masking
  if (typeof accessToken !== "string" || !accessToken || typeof issuer !== "string" || !issuer) {
    throw new EgiAuthError("OIDC_AGENT_UNAVAILABLE", `oidc-agent at ${AGENT_SOCKET_ENV}=${socketPath} answered success without an access token or issuer; check ${AGENT_SOCKET_ENV} points at oidc-agent`);
  }
  return { accessToken, issuer, expiresAt: typeof expiresAt === "number" && Number.isFinite(expiresAt) ? expiresAt : 0 };
}

/**
 * An agent token for a chain configured for `issuer`: an account of another issuer is refused here,
 * with the fix, rather than by Keystone with a bare 401.
 */
export async function agentAccessTokenFor(issuer: string, r: AgentRequest): Promise<AgentToken> {
  const token = await agentAccessToken(r);
  if (!sameIssuer(token.issuer, issuer)) {
    throw new EgiAuthError(
      "OIDC_AGENT_ERROR",
      `oidc-agent account "${r.account}" (${AGENT_ACCOUNT_ENV}) is for issuer ${token.issuer}, not ${issuer} (CHECKIN_URL, default EGI production); set CHECKIN_URL=${token.issuer} if the site accepts that issuer, or set ${AGENT_ACCOUNT_ENV} to an account of ${issuer}`,
    );
  }
  return token;
}
