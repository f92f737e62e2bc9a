/**
 * The pre-synth hook through the real cdktf CLI, terraform and provider 3.4.0: `cdktf deploy` with a
 * Check-in credential and no OS_TOKEN is token-authenticated, and no secret lands anywhere but the
 * 0600 token cache: not in output, cdk.tf.json, the stack folder or the Terraform state.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { TOKEN_TFVARS_FILE } from "../../auth/hook";
import { cdktfProject, runCdktf } from "../support/cdktf-project";
import { cli, identitySite, mintRefreshToken, REPO, userEnv } from "../support/identity-site";

const site = identitySite();
/** A user's project folder running `app` (this repo's main by default). */
const project = (app = path.join(REPO, "dist", "main.js")): string => cdktfProject(app);
const cdktf = runCdktf;

/** Every regular file below `dir` (links are not followed), minus provider binaries. */
function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return p.endsWith(path.join(".terraform", "providers")) ? [] : files(p);
    return e.isFile() ? [p] : [];
  });
}

// Offline mirror: without a lock file cdktf asks the registry for other platforms' hashes.
const DEPLOY = ["deploy", "auth-scope", "--auto-approve", "--skip-provider-lock", "--outputs-file", "outputs.json"];

describe("cdktf deploy with the egi-cdktf hook", () => {
  let dir: string;
  let env: Record<string, string>;
  let deploy: { status: number | null; output: string };

  beforeAll(async () => {
    dir = project();
    env = userEnv(site, site.clients.public, { CHECKIN_REFRESH_TOKEN: await mintRefreshToken(site, site.clients.public) });
    deploy = cdktf(dir, DEPLOY, env);
  });

  test("GIVEN Check-in env and no OS_TOKEN WHEN cdktf deploy runs THEN the outputs show the project and roles the hook's token was scoped to", () => {
    expect(deploy.output).not.toMatch(/Error/);
    expect(deploy.status).toBe(0);
    const outputs = JSON.parse(fs.readFileSync(path.join(dir, "outputs.json"), "utf8"))["auth-scope"];
    expect(outputs.project_id).toBe(site.keystone.projects[0].id);
    expect(outputs.project_name).toBe(site.keystone.projects[0].name);
    expect(outputs.roles).toContain("member");
    expect(outputs.user_name).toBe(site.user.sub);
  });

  test("GIVEN the deploy WHEN the stack folder is read THEN the token file is a link into the token cache and cdk.tf.json passes a variable", () => {
    const stack = path.join(dir, "cdktf.out", "stacks", "auth-scope");
    const link = path.join(stack, TOKEN_TFVARS_FILE);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readlinkSync(link).startsWith(path.join(env.XDG_CACHE_HOME, "egi-cdktf", "tfvars"))).toBe(true);
    const config = JSON.parse(fs.readFileSync(path.join(stack, "cdk.tf.json"), "utf8"));
    expect(config.provider.openstack[0].token).toMatch(/^\$\{var\.site_token_[A-F0-9]+\}$/);
  });

  test("GIVEN the deploy WHEN every output, file and the state are scanned THEN only the 0600 cache holds a secret", () => {
    const cacheDir = path.join(env.XDG_CACHE_HOME, "egi-cdktf");
    const identity = JSON.parse(fs.readFileSync(files(path.join(cacheDir, "identity"))[0], "utf8"));
    const keystone = JSON.parse(fs.readFileSync(files(path.join(cacheDir, "keystone"))[0], "utf8"));
    const secrets: Record<string, string> = {
      "refresh token": env.CHECKIN_REFRESH_TOKEN,
      "rotated refresh token": identity.refreshToken,
      "access token": identity.accessToken,
      "keystone token": keystone.token,
    };
    expect(Object.values(secrets).every((s) => typeof s === "string" && s.length > 20)).toBe(true);

    const leaks: string[] = [];
    for (const [what, secret] of Object.entries(secrets)) {
      if (deploy.output.includes(secret)) leaks.push(`${what} in cdktf output`);
      for (const f of files(dir)) if (fs.readFileSync(f, "latin1").includes(secret)) leaks.push(`${what} in ${path.relative(dir, f)}`);
    }
    expect(leaks).toEqual([]);
    expect(fs.existsSync(path.join(dir, "terraform.auth-scope.tfstate"))).toBe(true);
    for (const f of files(cacheDir)) expect([f, fs.statSync(f).mode & 0o777]).toEqual([f, 0o600]);
    expect(fs.statSync(cacheDir).mode & 0o777).toBe(0o700);
  });

  test("GIVEN the deployed stack WHEN cdktf diff runs with the same env THEN it plans through the hook and finds no change", () => {
    const r = cdktf(dir, ["diff", "auth-scope", "--skip-provider-lock"], env);
    expect(r.output).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    expect(r.output).toMatch(/No changes/);
  });

  test("GIVEN the deployed stack WHEN cdktf destroy runs with the same env THEN it succeeds through the hook", () => {
    const r = cdktf(dir, ["destroy", "auth-scope", "--auto-approve", "--skip-provider-lock"], env);
    expect(r.output).not.toMatch(/Error/);
    expect(r.status).toBe(0);
  });
});

test("GIVEN no Check-in env but OS_TOKEN exported (the docs page's way) WHEN cdktf deploy runs THEN the provider falls back to OS_TOKEN", async () => {
  const checkin = userEnv(site, site.clients.basic, { CHECKIN_REFRESH_TOKEN: await mintRefreshToken(site, site.clients.basic) });
  const token = cli(["token"], checkin).stdout.trim();
  const env = userEnv(site, site.clients.basic, { CHECKIN_CLIENT_SECRET: undefined, CHECKIN_CLIENT_ID: undefined, OS_TOKEN: token });
  const dir = project();

  const r = cdktf(dir, DEPLOY, env);

  expect(r.status).toBe(0);
  expect(fs.existsSync(path.join(dir, "cdktf.out", "stacks", "auth-scope", TOKEN_TFVARS_FILE))).toBe(false);
  expect(JSON.parse(fs.readFileSync(path.join(dir, "outputs.json"), "utf8"))["auth-scope"].project_id).toBe(site.keystone.projects[0].id);
});

test("GIVEN two EgiSites in one stack, the second aliased to another project WHEN cdktf deploy runs THEN each provider uses its own token", async () => {
  const dir = project(path.join(REPO, "__tests__", "fixtures", "two-sites-app.js"));
  const env = userEnv(site, site.clients.basic, {
    CHECKIN_REFRESH_TOKEN: await mintRefreshToken(site, site.clients.basic),
    SECOND_PROJECT_ID: site.keystone.projects[1].id,
  });

  const r = cdktf(dir, ["deploy", "two-sites", "--auto-approve", "--skip-provider-lock", "--outputs-file", "outputs.json"], env);

  expect(r.output).not.toMatch(/Error/);
  expect(JSON.parse(fs.readFileSync(path.join(dir, "outputs.json"), "utf8"))["two-sites"]).toEqual({
    first_project: site.keystone.projects[0].name,
    second_project: site.keystone.projects[1].name,
  });
  const tfvars = JSON.parse(fs.readFileSync(path.join(dir, "cdktf.out", "stacks", "two-sites", TOKEN_TFVARS_FILE), "utf8"));
  const tokens = Object.values(tfvars);
  expect(tokens).toHaveLength(2);
  expect(new Set(tokens).size).toBe(2);
});
