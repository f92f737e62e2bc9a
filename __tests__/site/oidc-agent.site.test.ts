/**
 * OIDC_AGENT_ACCOUNT with Debian's real oidc-agent (site/clients/up.sh installs it), set up as an
 * EGI user would, non-interactively, against the local IdP: a confidential client (oidc-provider
 * refuses the empty secret oidc-agent sends for a public one), the refresh token and the encryption
 * password from the environment and the client secret from a 0600 file, so no secret is ever in a
 * process's arguments. The agent runs in the foreground (--console) in its own process group with
 * its own config dir and socket under a temp dir; it is killed, with its helper process, before the
 * last tests and again in afterAll whatever failed.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { App, TerraformStack } from "cdktf";
import { registerTokenRequest, synthWithEgiTokens } from "../../auth/hook";
import { createHttpClient } from "../../auth/http";
import { CLOUDS_FILE } from "../../auth/stack-files";
import { expectOneLineError } from "../support/cli-output";
import { cli, cliAsync, type CliResult, identitySite, keystoneRequests, mintRefreshToken, revokeRefreshToken, userEnv } from "../support/identity-site";
import { signalGroup } from "../support/process-group";
import { scanForSecrets } from "../support/secret-scan";

const site = identitySite();
const client = site.clients.basic;
const ACCOUNT = "egi-local";
const SCOPE = "openid email profile eduperson_entitlement offline_access";

interface Agent {
  readonly child: ChildProcess;
  readonly socketPath: string;
  /** What oidc-gen and oidc-token need to find this agent and its config dir. */
  readonly toolEnv: Record<string, string>;
  stop(): Promise<void>;
}

/** Live (not zombie) processes in process group `pgid`, from /proc. */
function liveInGroup(pgid: number): number[] {
  return fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d)).flatMap((d) => {
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return Number(pgrp) === pgid && state !== "Z" ? [Number(d)] : [];
    } catch {
      return []; // exited while we read
    }
  });
}

/** Every process's command line, as `ps` shows it to any user. */
function commandLines(): string[] {
  return fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d)).flatMap((d) => {
    try {
      return [fs.readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0").join(" ")];
    } catch {
      return [];
    }
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A sleep that does not hold jest open when it loses a race. */
const grace = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

async function waitForSocket(socketPath: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(50)) {
    if (child.exitCode !== null) throw new Error(`oidc-agent exited with ${child.exitCode} before listening`);
    const connected = await new Promise<boolean>((resolve) => {
      const s = net.createConnection(socketPath, () => (s.destroy(), resolve(true)));
      s.on("error", () => resolve(false));
    });
    if (connected) return;
  }
  throw new Error(`oidc-agent did not listen at ${socketPath} within ${timeoutMs} ms`);
}

const agents: Agent[] = [];

async function startAgent(root: string): Promise<Agent> {
  const configDir = path.join(root, "oidc-agent");
  fs.mkdirSync(configDir, { mode: 0o700 });
  const socketPath = path.join(root, "agent.sock");
  const toolEnv = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: root, TMPDIR: root, OIDC_CONFIG_DIR: configDir, OIDC_SOCK: socketPath };
  const child = spawn("oidc-agent", ["--console", "--quiet", `--socket-path=${socketPath}`], { env: toolEnv, detached: true, stdio: "ignore" });
  const spawned = new Promise<void>((resolve, reject) => child.once("spawn", resolve).once("error", reject));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    const pgid = child.pid;
    if (pgid === undefined) return;
    for (const signal of ["SIGTERM", "SIGKILL"] as const) {
      if (liveInGroup(pgid).length === 0) break;
      signalGroup(pgid, signal);
      await Promise.race([exited, grace(3000)]);
      for (let i = 0; i < 40 && liveInGroup(pgid).length > 0; i++) await sleep(50);
    }
  };
  const agent: Agent = { child, socketPath, toolEnv, stop };
  agents.push(agent);
  await spawned;
  await waitForSocket(socketPath, child, 10_000);
  return agent;
}

/** oidc-gen, as the notes record it, with no secret on its command line. */
function addAccount(agent: Agent, root: string, refreshToken: string): void {
  const clientFile = path.join(root, "client.json");
  fs.writeFileSync(clientFile, JSON.stringify({ issuer_url: site.issuer, client_id: client.id, client_secret: client.secret, cert_path: site.caFile, scope: SCOPE }), { mode: 0o600 });
  const r = spawnSync("oidc-gen", [ACCOUNT, `--file=${clientFile}`, `--scope=${SCOPE}`, "--rt-env", "--pw-env", "--confirm-default", "--prompt=none"], {
    env: { ...agent.toolEnv, OIDC_REFRESH_TOKEN: refreshToken, OIDC_ENCRYPTION_PW: randomBytes(16).toString("hex") },
    input: "",
    encoding: "utf8",
    timeout: 30_000,
    killSignal: "SIGKILL",
  });
  if (r.status !== 0) throw new Error(`oidc-gen ${ACCOUNT} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
}

/** A user with nothing but the agent: no CHECKIN_CLIENT_* (a client secret alone would be a service account). */
function agentUser(agent: Agent, extra: Record<string, string | undefined> = {}): Record<string, string> {
  return userEnv(site, client, { CHECKIN_CLIENT_ID: undefined, CHECKIN_CLIENT_SECRET: undefined, OIDC_AGENT_ACCOUNT: ACCOUNT, OIDC_SOCK: agent.socketPath, ...extra });
}

async function keystoneAccepts(token: string): Promise<{ project: string; roles: string[] }> {
  const { fetch } = createHttpClient();
  const res = await fetch(`${site.keystone.authUrl}/auth/tokens`, { headers: { "X-Auth-Token": token, "X-Subject-Token": token } });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { token: { project: { id: string }; roles: Array<{ name: string }> } };
  return { project: body.token.project.id, roles: body.token.roles.map((r) => r.name) };
}

/** Run the CLI while sampling every process's command line (each 5 ms). */
async function cliWatchingArgs(args: string[], env: Record<string, string>): Promise<{ result: CliResult; seen: Set<string> }> {
  const seen = new Set<string>();
  const sample = () => commandLines().forEach((c) => seen.add(c));
  const timer = setInterval(sample, 5);
  try {
    const result = await cliAsync(args, env);
    sample();
    return { result, seen };
  } finally {
    clearInterval(timer);
  }
}

let root: string;
let agent: Agent;
let refreshToken: string;
/** The first run's user, whose cache the later runs reuse, and what it printed. */
let env: Record<string, string>;
let first: { result: CliResult; seen: Set<string> };

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "oidc-agent-site-"));
  agent = await startAgent(root);
  refreshToken = await mintRefreshToken(site, client);
  addAccount(agent, root, refreshToken);
  env = agentUser(agent);
  first = await cliWatchingArgs(["token", "--verbose"], env);
});

afterAll(async () => {
  for (const a of agents.splice(0)) await a.stop();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe("egi-cdktf token with OIDC_AGENT_ACCOUNT and a running oidc-agent", () => {
  test("GIVEN only OIDC_AGENT_ACCOUNT and OIDC_SOCK as the credential WHEN token runs THEN it prints a new Keystone token that Keystone accepts for OS_PROJECT_ID", async () => {
    expect(first.result.status).toBe(0);
    expect(first.result.stderr).toMatch(/^project vo\.example \(\w+\) at http:\/\/127\.0\.0\.1:\d+\/v3, roles [\w,]*member[\w,]*, expires \S+, new\n$/);
    const accepted = await keystoneAccepts(first.result.stdout.trim());
    expect(accepted.project).toBe(site.keystone.projects[0].id);
    expect(accepted.roles).toContain("member");
  });

  test("GIVEN the first run WHEN every process's arguments during it, its output and every file of the user are scanned THEN no refresh token, client secret or access token is found, not even in the token cache", () => {
    const accessToken = spawnSync("oidc-token", [ACCOUNT], { env: agent.toolEnv, encoding: "utf8", timeout: 10_000 }).stdout.trim();
    const lines = [...first.seen];
    expect(lines.some((l) => l.includes("egi-cdktf token --verbose"))).toBe(true); // the sampling saw the run
    expect(lines.some((l) => l.startsWith("oidc-agent --console"))).toBe(true); // and the agent
    const secrets = { "refresh token": refreshToken, "client secret": client.secret!, "agent access token": accessToken };
    for (const [what, secret] of Object.entries({ ...secrets, "keystone token": first.result.stdout.trim() })) {
      expect([what, lines.filter((l) => l.includes(secret)).length]).toEqual([what, 0]);
    }
    const report = scanForSecrets([env.HOME], secrets, { outputs: { stdout: first.result.stdout, stderr: first.result.stderr } });
    expect(report.files).toBeGreaterThanOrEqual(2); // the identity and keystone cache entries
    expect(report.leaks).toEqual([]);
  });

  test("GIVEN the first run's cache WHEN token runs again THEN the token comes from the cache, with no Keystone request", () => {
    const before = keystoneRequests(site);
    const again = cli(["token", "--verbose"], env);
    expect(again.status).toBe(0);
    expect(again.stdout).toBe(first.result.stdout);
    expect(again.stderr).toMatch(/from cache, no request made\n$/);
    expect(keystoneRequests(site)).toBe(before);
  });

  test("GIVEN an account the agent does not have WHEN token runs THEN exit 1 and one line naming OIDC_AGENT_ACCOUNT and oidc-gen", () => {
    expectOneLineError(cli(["token"], agentUser(agent, { OIDC_AGENT_ACCOUNT: "no-such-account" })), [/oidc-agent has no account "no-such-account" \(OIDC_AGENT_ACCOUNT\)/, /oidc-gen no-such-account/]);
  });

  test("GIVEN CHECKIN_URL unset (EGI production) WHEN token runs with the local account THEN exit 1 and one line saying the account is for the local issuer, naming CHECKIN_URL", () => {
    const r = cli(["token"], agentUser(agent, { CHECKIN_URL: undefined }));
    expectOneLineError(r, [new RegExp(`account "${ACCOUNT}" \\(OIDC_AGENT_ACCOUNT\\) is for issuer ${site.issuer}/?, not https://aai\\.egi\\.eu/auth/realms/egi`), /set CHECKIN_URL=/]);
  });

  test("GIVEN a cdktf app with a token request WHEN the hook synthesizes with only OIDC_AGENT_ACCOUNT THEN the stack's clouds.yaml holds the same Keystone token", async () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "oidc-agent-hook-")) });
    const stack = new TerraformStack(app, "s");
    registerTokenRequest(stack, { stack, scope: stack, cloudVariableName: "site_cloud" });
    await synthWithEgiTokens(app, { env });
    const clouds = JSON.parse(fs.readFileSync(path.join(app.outdir, "stacks", "s", CLOUDS_FILE), "utf8")).clouds;
    expect(Object.values(clouds)).toEqual([expect.objectContaining({ auth_type: "v3token", auth: expect.objectContaining({ token: first.result.stdout.trim() }) })]);
  });

  // Last with the agent running: it spoils the account for anything after it.
  test("GIVEN the account's refresh token revoked at the IdP WHEN token runs with a scope the agent has no token for THEN exit 1 and one line naming invalid_grant and oidc-gen --reauthenticate", async () => {
    await revokeRefreshToken(site, refreshToken);
    const r = cli(["token"], agentUser(agent, { CHECKIN_SCOPE: "openid email" }));
    expectOneLineError(r, [new RegExp(`the IdP refused the refresh token oidc-agent holds for account "${ACCOUNT}" \\(OIDC_AGENT_ACCOUNT\\) \\(invalid_grant`), new RegExp(`oidc-gen --reauthenticate ${ACCOUNT}$`)], [refreshToken]);
  });
});

describe("egi-cdktf token with OIDC_AGENT_ACCOUNT once the agent is stopped", () => {
  let pgid: number;
  beforeAll(async () => {
    pgid = agent.child.pid!;
    await agent.stop();
  });

  test("GIVEN the agent stopped WHEN its process group is listed THEN no process is left", () => {
    expect(liveInGroup(pgid)).toEqual([]);
    expect(agent.child.exitCode !== null || agent.child.signalCode !== null).toBe(true);
  });

  test("GIVEN the first run's cache and no agent WHEN token runs THEN it still prints the cached token: a warm run does not ask the agent", () => {
    const again = cli(["token", "--verbose"], env);
    expect(again.status).toBe(0);
    expect(again.stdout).toBe(first.result.stdout);
    expect(again.stderr).toMatch(/from cache, no request made\n$/);
  });

  test("GIVEN no agent and an empty cache WHEN token runs THEN exit 1 and one line naming OIDC_SOCK and how to start oidc-agent", () => {
    expectOneLineError(cli(["token"], agentUser(agent)), [new RegExp(`OIDC_SOCK=${agent.socketPath}`), /oidc-agent-service use/]);
  });

  test("GIVEN OIDC_SOCK unset and an empty cache WHEN token runs THEN exit 1 and one line saying OIDC_SOCK is not set", () => {
    expectOneLineError(cli(["token"], agentUser(agent, { OIDC_SOCK: undefined })), [/OIDC_AGENT_ACCOUNT=egi-local needs a running oidc-agent, but OIDC_SOCK is not set/]);
  });
});
