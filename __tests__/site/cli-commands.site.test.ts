/** `egi-cdktf projects`, `env` and `exec` against the real IdP and Keystone. */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { terraformEnv } from "../support/terraform";
import { cli, identitySite, mintRefreshToken, REPO, userEnv } from "../support/identity-site";

const site = identitySite();
const BIN = path.join(REPO, "bin", "egi-cdktf");

async function basicEnv(extra: Record<string, string | undefined> = {}): Promise<Record<string, string>> {
  return userEnv(site, site.clients.basic, { CHECKIN_REFRESH_TOKEN: await mintRefreshToken(site, site.clients.basic), ...extra });
}

describe("egi-cdktf projects (the docs page's get-projects.py)", () => {
  test("GIVEN a user mapped to two projects WHEN projects runs THEN both are listed and OS_PROJECT_ID is marked", async () => {
    const r = cli(["projects"], await basicEnv());

    expect(r.stderr).toBe("");
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^\s*ID\s+NAME\s+ENABLED$/);
    const [first, second] = site.keystone.projects;
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^\\*\\s+${first.id}\\s+${first.name}\\s+true$`)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^\\s+${second.id}\\s+${second.name}\\s+true$`)));
  });

  test("GIVEN no OS_PROJECT_ID WHEN projects --json runs THEN it lists both projects as JSON", async () => {
    const r = cli(["projects", "--json"], await basicEnv({ OS_PROJECT_ID: undefined }));

    expect(r.status).toBe(0);
    const ids = (JSON.parse(r.stdout) as Array<{ id: string }>).map((p) => p.id).sort();
    expect(ids).toEqual(site.keystone.projects.map((p) => p.id).sort());
  });
});

describe("egi-cdktf env", () => {
  test("GIVEN a password in the environment WHEN the shell evals env THEN OS_* point at the token and the password is unset", async () => {
    const env = await basicEnv({ OS_PASSWORD: "old-password", OS_USERNAME: "someone" });
    const script = `eval "$("${process.execPath}" "${BIN}" env)" && printf '%s\\n' "$OS_AUTH_URL" "$OS_PROJECT_ID" "$OS_AUTH_TYPE" "\${OS_PASSWORD-unset}" "\${OS_USERNAME-unset}" "$OS_TOKEN"`;

    const r = spawnSync("sh", ["-c", script], { env, encoding: "utf8" });

    const [authUrl, projectId, authType, password, username, token] = r.stdout.trim().split("\n");
    expect(r.stderr).toBe("");
    expect([authUrl, projectId, authType, password, username]).toEqual([site.keystone.authUrl, site.keystone.projects[0].id, "v3token", "unset", "unset"]);
    expect(token).toBe(cli(["token"], env).stdout.trim());
  });
});

describe("egi-cdktf exec", () => {
  test("GIVEN Check-in secrets in the environment WHEN exec runs a command THEN it gets OS_TOKEN but no Check-in secret, and no secret in its argv", async () => {
    const env = await basicEnv();
    const probe = "console.log(JSON.stringify({argv: process.argv, env: process.env}))";

    const r = cli(["exec", "--", process.execPath, "-e", probe], env);

    expect(r.status).toBe(0);
    const child = JSON.parse(r.stdout) as { argv: string[]; env: Record<string, string> };
    const token = cli(["token"], env).stdout.trim();
    expect(child.env.OS_TOKEN).toBe(token);
    expect(child.env.OS_PROJECT_ID).toBe(site.keystone.projects[0].id);
    for (const name of ["CHECKIN_REFRESH_TOKEN", "CHECKIN_CLIENT_SECRET"]) expect(child.env).not.toHaveProperty(name);
    for (const secret of [token, env.CHECKIN_REFRESH_TOKEN, env.CHECKIN_CLIENT_SECRET]) expect(child.argv.join(" ")).not.toContain(secret);
  });

  test("GIVEN a command that exits 7 WHEN exec runs it THEN exec exits 7", async () => {
    expect(cli(["exec", "--", process.execPath, "-e", "process.exit(7)"], await basicEnv()).status).toBe(7);
  });

  test("GIVEN a command that does not exist WHEN exec runs it THEN it is a one-line usage error", async () => {
    const r = cli(["exec", "--", "no-such-command-egi"], await basicEnv());
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("egi-cdktf: no-such-command-egi: command not found (see egi-cdktf exec --help)");
  });

  test("GIVEN the synthesized auth-scope stack WHEN exec runs terraform apply THEN the provider authenticates with the exported token", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "exec-tf-"));
    const synth = spawnSync(process.execPath, [path.join(REPO, "dist", "main.js")], { env: { ...process.env, CDKTF_OUTDIR: out }, encoding: "utf8" });
    expect(synth.status).toBe(0);
    const dir = path.join(out, "stacks", "auth-scope");
    const env = { ...(await basicEnv()), ...pick(terraformEnv(), "TF_CLI_CONFIG_FILE", "PATH", "CHECKPOINT_DISABLE") };

    const init = cli(["exec", "--", "terraform", `-chdir=${dir}`, "init", "-no-color"], env);
    const apply = cli(["exec", "--", "terraform", `-chdir=${dir}`, "apply", "-auto-approve", "-no-color", "-state", path.join(out, "s.tfstate")], env);

    expect(init.status).toBe(0);
    expect(apply.stderr).toBe("");
    expect(apply.stdout).toContain(`project_name = "${site.keystone.projects[0].name}"`);
  });
});

function pick(env: NodeJS.ProcessEnv, ...names: string[]): Record<string, string> {
  return Object.fromEntries(names.filter((n) => env[n] !== undefined).map((n) => [n, env[n] as string]));
}
