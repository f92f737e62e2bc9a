/**
 * Issue 19: a CI job in application-credential mode leaves no live application credential behind.
 * The GitHub recipe's deploy job (examples/ci/github-actions.yml) runs as GitHub runs it: its steps in
 * order and, once one failed, only those with `if: always()`; a fresh runner (empty token cache), the
 * service account, the recipe's env block and the repository variable EGI_CDKTF_AUTH set to
 * application-credential. Keystone's admin API lists the service user's credentials around each step.
 * Not run: `npm ci` (the app is prebuilt). Added: `--skip-provider-lock` on `cdktf deploy` (offline
 * provider mirror), as in ci-recipes.site.test.ts.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { githubJobs } from "../examples/ci-recipes";
import { adminToken, cloudSite, serversNamed } from "../support/cloud-site";
import { cdktfProject, runCdktf } from "../support/cdktf-project";
import { cli, identitySite, REPO, userEnv } from "../support/identity-site";
import { filesBelow, scanForSecrets } from "../support/secret-scan";
import { terraformEnv } from "../support/terraform";

const identity = identitySite();
const site = cloudSite();
const KEYSTONE = identity.keystone.authUrl;
const job = githubJobs().find((j) => j.name === "deploy")!;
const END_LINE = "npx --no egi-cdktf end-app-credentials";
const temps: string[] = [];

interface Credential {
  readonly id: string;
  readonly name: string;
  readonly expires_at: string | null;
}

async function admin(method: string, route: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${KEYSTONE}${route}`, { method, headers: { "X-Auth-Token": await adminToken(), Accept: "application/json", ...headers } });
}

/** The user's application credentials, as Keystone's admin API lists them (`openstack application credential list --user`). */
async function credentialsOf(userId: string): Promise<Credential[]> {
  const res = await admin("GET", `/users/${userId}/application_credentials`);
  if (res.status !== 200) throw new Error(`admin GET application_credentials of ${userId}: HTTP ${res.status}`);
  return ((await res.json()) as { application_credentials: Credential[] }).application_credentials;
}

/** The Keystone user the service account logs in as (its token, from a throwaway cache, read by the admin). */
async function serviceUserId(): Promise<string> {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), "egi-cache-"));
  temps.push(cache);
  const token = cli(["token"], userEnv(identity, identity.clients.service, { EGI_CDKTF_CACHE_DIR: cache })).stdout.trim();
  const res = await admin("GET", "/auth/tokens", { "X-Subject-Token": token });
  return ((await res.json()) as { token: { user: { id: string } } }).token.user.id;
}

/** The job's environment on a fresh runner: the recipe's env block filled in, and an app of two servers. */
function runnerEnv(name: string, flavorId: string): { dir: string; env: Record<string, string> } {
  const dir = cdktfProject(path.join(REPO, "__tests__", "fixtures", "long-deploy-app.js"));
  temps.push(dir);
  const env = userEnv(identity, identity.clients.service, {
    ...Object.fromEntries(Object.entries(job.env).filter(([, v]) => !String(v).includes("${{"))),
    EGI_CDKTF_AUTH: "application-credential", // the repository variable
    LONG_DEPLOY_NAME: name,
    IMAGE_ID: site.appdb.newer,
    FLAVOR_ID: flavorId,
    PAUSE_SECONDS: "0",
  });
  temps.push(env.HOME);
  return { dir, env };
}

interface Step {
  readonly line: string;
  readonly status: number | null;
  readonly output: string;
}

/** Run the job's steps as GitHub does; `after(line)` runs after each step (to look at Keystone and the cache meanwhile). */
async function runJob(dir: string, env: Record<string, string>, after: (line: string) => Promise<void> = async () => {}): Promise<Step[]> {
  const tf = terraformEnv();
  const steps: Step[] = [];
  for (const line of job.commands) {
    if (line === "npm ci") continue;
    // The reviewed-plan check needs the merged pull request's comment on GitHub (ci-recipes.site.test.ts runs it with a stand-in).
    if (/^npx egi-cdktf (reviewed-summary|plan-summary --reviewed) /.test(line)) continue;
    if (steps.some((s) => s.status !== 0) && !job.always.includes(line)) continue;
    const command = line.startsWith("npx cdktf deploy") ? `${line} --skip-provider-lock` : line;
    const r = spawnSync("bash", ["-c", `set -eo pipefail\nnpx() { if [ "$1" = --no ]; then shift; fi; "$@"; }\n${command}`], {
      cwd: dir,
      env: { ...env, TF_CLI_CONFIG_FILE: tf.TF_CLI_CONFIG_FILE!, PATH: [path.join(REPO, "bin"), path.join(REPO, "node_modules", ".bin"), tf.PATH].join(path.delimiter) },
      encoding: "utf8",
      timeout: 600_000,
    });
    steps.push({ line, status: r.status, output: `${r.stdout}${r.stderr}` });
    await after(line);
  }
  return steps;
}

const cachedCredential = (env: Record<string, string>) => filesBelow(path.join(env.XDG_CACHE_HOME, "egi-cdktf", "appcred")).map((f) => JSON.parse(fs.readFileSync(f, "utf8")))[0];
const live = (c: Credential) => !c.expires_at || Date.parse(`${c.expires_at.replace(/Z?$/, "")}Z`) > Date.now();

let userId: string;
let before: Credential[];
const deployed: Array<{ dir: string; env: Record<string, string>; name: string }> = [];

beforeAll(async () => {
  userId = await serviceUserId();
  before = await credentialsOf(userId);
});

afterAll(async () => {
  // Token mode for the destroy: in application-credential mode its synth would make a credential.
  for (const d of deployed) runCdktf(d.dir, ["destroy", d.name, "--auto-approve", "--skip-provider-lock"], { ...d.env, EGI_CDKTF_AUTH: "token" }, 300_000);
  const token = await adminToken();
  const servers = (await Promise.all(deployed.flatMap((d) => ["first", "second"].map((id) => serversNamed(token, site, `${d.name}-${id}`))))).flat();
  // The suite-level check: no credential this file's runs made is left, live or not. Whatever is, is deleted (as admin), then reported.
  const left = (await credentialsOf(userId)).filter((c) => !before.some((b) => b.id === c.id));
  for (const c of left) await (await admin("DELETE", `/users/${userId}/application_credentials/${c.id}`)).body?.cancel();
  for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
  expect(left.map((c) => `${c.name} (live: ${live(c)})`)).toEqual([]);
  expect(servers.map((s: { name: string }) => s.name)).toEqual([]);
}, 600_000);

describe("the GitHub recipe's deploy job in application-credential mode, on a fresh runner", () => {
  test("GIVEN a deploy that succeeds WHEN the job's steps run THEN the deploy used a new credential expiring with the job, and after the always-run step Keystone no longer has it, nor the disk its secret", async () => {
    const name = "ac-end-ok";
    const { dir, env } = runnerEnv(name, site.flavorIds["m1.small"]);
    deployed.push({ dir, env, name });
    let made: { id: string; name: string; secret: string } | undefined;
    let duringJob: Credential[] = [];

    const steps = await runJob(dir, env, async (line) => {
      if (line === END_LINE) return;
      made = cachedCredential(env);
      duringJob = await credentialsOf(userId);
    });

    expect(steps.map((s) => [s.line, s.status])).toEqual([
      ["npx cdktf deploy '*' --auto-approve", 0],
      [END_LINE, 0],
    ]);
    // Made by this run, in Keystone while the deploy ran, expiring after EGI_APP_CREDENTIAL_TTL (the job's timeout).
    expect(steps[0].output).toMatch(new RegExp(`INFO \\[${name}/site\\]: egi-cdktf: .* new application credential ${made!.name}, valid until .* \\((119|120) min\\)`));
    const inKeystone = duringJob.find((c) => c.id === made!.id)!;
    expect(Math.abs(Date.parse(`${inKeystone.expires_at!.replace(/Z?$/, "")}Z`) / 1000 - (Date.now() / 1000 + Number(job.env.EGI_APP_CREDENTIAL_TTL)))).toBeLessThan(600);
    // Ended: gone from Keystone's list, refused for a login, and its secret on no file of the runner.
    expect(steps[1].output).toMatch(new RegExp(`^ended application credential ${made!.name} \\(${made!.id}\\) of project \\S+ at ${KEYSTONE.replace(/[.]/g, "\\.")}\n$`));
    const after = await credentialsOf(userId);
    expect(after.filter((c) => !before.some((b) => b.id === c.id))).toEqual([]);
    const login = await fetch(`${KEYSTONE}/auth/tokens`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ auth: { identity: { methods: ["application_credential"], application_credential: { id: made!.id, secret: made!.secret } } } }),
    });
    await login.body?.cancel();
    expect([401, 404]).toContain(login.status);
    const report = scanForSecrets([dir, env.HOME], { "application credential secret": made!.secret }, { outputs: Object.fromEntries(steps.map((s) => [s.line, s.output])) });
    expect(report.leaks).toEqual([]);

    // Idempotent: the step run again has nothing to end, and logs in nowhere.
    const again = cli(["end-app-credentials"], env);
    expect([again.status, again.stdout]).toEqual([0, `no application credential to end: the token cache ${path.join(env.XDG_CACHE_HOME, "egi-cdktf")} holds none (the hook makes them with EGI_CDKTF_AUTH=application-credential)\n`]);
  }, 900_000);

  test("GIVEN a deploy that fails after the credential was made WHEN the job's steps run THEN only the always-run step follows, and it ends the credential", async () => {
    const { dir, env } = runnerEnv("ac-end-failed", "no-such-flavor");

    const steps = await runJob(dir, env);

    expect(steps.map((s) => [s.line, s.status === 0])).toEqual([
      ["npx cdktf deploy '*' --auto-approve", false],
      [END_LINE, true],
    ]);
    const made = /new application credential (egi-cdktf-\S+),/.exec(steps[0].output)?.[1];
    expect(made).toBeDefined();
    expect(steps[1].output).toMatch(new RegExp(`^ended application credential ${made} `));
    expect((await credentialsOf(userId)).filter((c) => !before.some((b) => b.id === c.id))).toEqual([]);
  }, 600_000);
});
