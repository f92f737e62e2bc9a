/**
 * The pre-synth hook through the real cdktf CLI, terraform and provider 3.4.0: `cdktf deploy`, `diff`,
 * `plan` and `destroy` with a Check-in credential and no OS_TOKEN are token-authenticated through a
 * linked clouds.yaml, and no secret lands anywhere but the 0600 token cache: not in the output, any
 * file of the project (cdk.tf.json, saved plans opened as zips, state, .terraform/), the user's home
 * or the temp dir the run used.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CLOUD_TFVARS_FILE, CLOUDS_FILE } from "../../auth/stack-files";
import { cdktfProject, runCdktf } from "../support/cdktf-project";
import { cli, identitySite, mintRefreshToken, REPO, userEnv } from "../support/identity-site";
import { filesBelow, scanForSecrets } from "../support/secret-scan";

const site = identitySite();
const project = (app = path.join(REPO, "dist", "main.js")): string => cdktfProject(app);
const stackDir = (dir: string, stack = "auth-scope") => path.join(dir, "cdktf.out", "stacks", stack);
const outputs = (dir: string, stack = "auth-scope") => JSON.parse(fs.readFileSync(path.join(dir, "outputs.json"), "utf8"))[stack];

// Offline mirror: without a lock file cdktf asks the registry for other platforms' hashes.
const FLAGS = ["--skip-provider-lock"];
const DEPLOY = ["deploy", "auth-scope", "--auto-approve", ...FLAGS, "--outputs-file", "outputs.json"];

/** A user's env with its own TMPDIR, so the scan covers the temp files cdktf and terraform write. */
async function checkinUser(client = site.clients.public, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const env = userEnv(site, client, { CHECKIN_REFRESH_TOKEN: await mintRefreshToken(site, client), ...extra });
  env.TMPDIR = path.join(env.HOME, "tmp");
  fs.mkdirSync(env.TMPDIR);
  return env;
}

/** The secrets a run made: the Check-in ones and the Keystone token, from the 0600 cache. */
function secretsOf(env: Record<string, string>): Record<string, string> {
  const cacheDir = path.join(env.XDG_CACHE_HOME, "egi-cdktf");
  const read = (kind: string) => filesBelow(path.join(cacheDir, kind)).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
  const [identity] = read("identity");
  const [keystone] = read("keystone");
  return {
    "refresh token": env.CHECKIN_REFRESH_TOKEN,
    "rotated refresh token": identity.refreshToken,
    "access token": identity.accessToken,
    "keystone token": keystone.token,
  };
}

describe("cdktf deploy, diff, plan and destroy through the egi-cdktf hook", () => {
  let dir: string;
  let env: Record<string, string>;
  const runs: Record<string, { status: number | null; output: string }> = {};

  /** Scan after each command: every file of the project, the home (minus the cache) and the run's temp dir. */
  const scan = (after: string) => {
    const report = scanForSecrets([dir, env.HOME], secretsOf(env), { allowed: [path.join(env.XDG_CACHE_HOME, "egi-cdktf")], outputs: { [`${after} output`]: runs[after].output } });
    return { ...report, after };
  };

  beforeAll(async () => {
    dir = project();
    env = await checkinUser();
    runs.deploy = runCdktf(dir, DEPLOY, env);
  });

  test("GIVEN Check-in env and no OS_TOKEN WHEN cdktf deploy runs THEN the outputs show the project and roles the hook's token was scoped to, and the hook's line its expiry", () => {
    expect(runs.deploy.output).not.toMatch(/Error|\[ERROR\]/);
    expect(runs.deploy.status).toBe(0);
    expect(outputs(dir).project_id).toBe(site.keystone.projects[0].id);
    expect(outputs(dir).project_name).toBe(site.keystone.projects[0].name);
    expect(outputs(dir).roles).toContain("member");
    expect(outputs(dir).user_name).toBe(site.user.sub);
    expect(runs.deploy.output).toMatch(/INFO \[auth-scope\/site\]: egi-cdktf: project vo\.example .* new token, valid until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \((59|60) min\)/);
  });

  test("GIVEN the deploy WHEN the stack folder is read THEN clouds.yaml links into the token cache, the tfvars name the cloud, and cdk.tf.json passes only the cloud variable", () => {
    const link = path.join(stackDir(dir), CLOUDS_FILE);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readlinkSync(link).startsWith(path.join(env.XDG_CACHE_HOME, "egi-cdktf", "clouds"))).toBe(true);
    const clouds = JSON.parse(fs.readFileSync(link, "utf8")).clouds;
    const tfvars = JSON.parse(fs.readFileSync(path.join(stackDir(dir), CLOUD_TFVARS_FILE), "utf8"));
    expect(Object.values(tfvars)).toEqual(Object.keys(clouds));
    expect(Object.values(clouds)[0]).toMatchObject({ auth_type: "v3token", auth: { project_id: site.keystone.projects[0].id } });
    const provider = JSON.parse(fs.readFileSync(path.join(stackDir(dir), "cdk.tf.json"), "utf8")).provider.openstack[0];
    expect(provider.cloud).toMatch(/^\$\{var\.site_cloud_[A-F0-9]+\}$/);
    expect(provider.token).toBeUndefined();
  });

  test("GIVEN the deployed stack WHEN cdktf diff and cdktf plan run THEN they plan no change through the hook, and the saved plan holds no secret", () => {
    for (const command of ["diff", "plan"]) {
      runs[command] = runCdktf(dir, [command, "auth-scope", ...FLAGS], env);
      expect([command, runs[command].status]).toEqual([command, 0]);
      expect(runs[command].output).toMatch(/No changes/);
      const report = scan(command);
      expect(report.zips).toBeGreaterThanOrEqual(1); // cdktf.out/stacks/auth-scope/plan, opened
      expect(report.leaks).toEqual([]);
    }
  });

  test("GIVEN each command WHEN every output, file, zip member and the state are scanned THEN only the 0600 cache holds a secret", () => {
    runs.destroy = runCdktf(dir, ["destroy", "auth-scope", "--auto-approve", ...FLAGS], env);
    expect(runs.destroy.status).toBe(0);
    for (const after of ["deploy", "destroy"]) expect(scan(after).leaks).toEqual([]);
    expect(fs.existsSync(path.join(dir, "terraform.auth-scope.tfstate"))).toBe(true);
    const cacheDir = path.join(env.XDG_CACHE_HOME, "egi-cdktf");
    for (const f of filesBelow(cacheDir)) expect([f, fs.statSync(f).mode & 0o777]).toEqual([f, 0o600]);
    expect(fs.statSync(cacheDir).mode & 0o777).toBe(0o700);
  });
});

describe("a stack folder holds what the last synth decided", () => {
  // Deployed first through the hook for project 0, then run without it with OS_TOKEN for project 1:
  // terraform must use OS_TOKEN, not the link an earlier synth left.
  const otherProject = site.keystone.projects[1];
  const cases = [
    { name: "EGI_CDKTF_HOOK=off", env: { EGI_CDKTF_HOOK: "off" } as Record<string, string>, dropCheckin: false },
    { name: "no Check-in credential", env: {} as Record<string, string>, dropCheckin: true },
  ];

  test.each(cases)("GIVEN a deploy through the hook WHEN the next deploy runs with $name and OS_TOKEN for another project THEN terraform uses OS_TOKEN and no hook file is left", async (c) => {
    const dir = project();
    const env = await checkinUser();
    expect(runCdktf(dir, DEPLOY, env).status).toBe(0);
    expect(outputs(dir).project_id).toBe(site.keystone.projects[0].id);
    const osToken = cli(["token"], { ...env, OS_PROJECT_ID: otherProject.id }).stdout.trim();
    const next: Record<string, string> = { ...env, ...c.env, OS_TOKEN: osToken, OS_PROJECT_ID: otherProject.id };
    if (c.dropCheckin) delete next.CHECKIN_REFRESH_TOKEN;

    const r = runCdktf(dir, DEPLOY, next);

    expect(r.status).toBe(0);
    expect(outputs(dir).project_id).toBe(otherProject.id);
    expect(fs.existsSync(path.join(stackDir(dir), CLOUDS_FILE))).toBe(false);
    expect(fs.existsSync(path.join(stackDir(dir), CLOUD_TFVARS_FILE))).toBe(false);
  });
});

test("GIVEN no Check-in env but OS_TOKEN exported (the docs page's way) WHEN cdktf deploy runs THEN the provider uses OS_TOKEN", async () => {
  const checkin = userEnv(site, site.clients.basic, { CHECKIN_REFRESH_TOKEN: await mintRefreshToken(site, site.clients.basic) });
  const token = cli(["token"], checkin).stdout.trim();
  const env = userEnv(site, site.clients.basic, { CHECKIN_CLIENT_SECRET: undefined, CHECKIN_CLIENT_ID: undefined, OS_TOKEN: token });
  const dir = project();

  const r = runCdktf(dir, DEPLOY, env);

  expect(r.status).toBe(0);
  expect(fs.existsSync(path.join(stackDir(dir), CLOUDS_FILE))).toBe(false);
  expect(outputs(dir).project_id).toBe(site.keystone.projects[0].id);
});

test("GIVEN two EgiSites in one stack, the second aliased to another project WHEN cdktf deploy runs THEN each provider uses its own cloud entry and token", async () => {
  const dir = project(path.join(REPO, "__tests__", "fixtures", "two-sites-app.js"));
  const env = await checkinUser(site.clients.basic, { SECOND_PROJECT_ID: site.keystone.projects[1].id });

  const r = runCdktf(dir, ["deploy", "two-sites", "--auto-approve", ...FLAGS, "--outputs-file", "outputs.json"], env);

  expect(r.output).not.toMatch(/Error/);
  expect(outputs(dir, "two-sites")).toEqual({ first_project: site.keystone.projects[0].name, second_project: site.keystone.projects[1].name });
  const clouds = JSON.parse(fs.readFileSync(path.join(stackDir(dir, "two-sites"), CLOUDS_FILE), "utf8")).clouds;
  const tokens = Object.values(clouds).map((c: any) => c.auth.token);
  expect(tokens).toHaveLength(2);
  expect(new Set(tokens).size).toBe(2);
});
