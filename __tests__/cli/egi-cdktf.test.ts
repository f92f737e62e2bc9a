/**
 * Usage errors of egi-cdktf through main(argv, io), no site: a secret passed as a flag is refused
 * with the environment variable to use instead (and never echoed), `exec` without `--` says where
 * to put it. Each ends in one line on stderr and exit 2.
 */
import { main } from "../../cli/egi-cdktf";

async function run(args: string[]) {
  let stdout = "";
  let stderr = "";
  const status = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {} });
  return { status, stdout, stderr };
}

/** Looks like what it stands for (a JWT refresh token, a Keycloak client secret), so a leak is visible. */
const REFRESH = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c2VyIn0.c2VjcmV0LXJlZnJlc2gtdG9rZW4";
const SECRET = "Zk3qP9xLr2VtW8mN4bY7cD1eH6gJ5sA0";

function expectOneUsageLine(r: { status: number; stdout: string; stderr: string }): string {
  expect(r.status).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(/^egi-cdktf: [^\n]+\n$/);
  return r.stderr;
}

describe("egi-cdktf: a secret passed as a flag", () => {
  test.each`
    given                                         | args                                                               | flag                         | envVar
    ${"token --refresh-token T"}                  | ${["token", "--refresh-token", REFRESH]}                           | ${"--refresh-token"}         | ${"CHECKIN_REFRESH_TOKEN"}
    ${"token --refresh-token=T"}                  | ${["token", `--refresh-token=${REFRESH}`]}                         | ${"--refresh-token"}         | ${"CHECKIN_REFRESH_TOKEN"}
    ${"env --client-secret S"}                    | ${["env", "--client-secret", SECRET]}                              | ${"--client-secret"}         | ${"CHECKIN_CLIENT_SECRET"}
    ${"projects --client-secret=S --json"}        | ${["projects", `--client-secret=${SECRET}`, "--json"]}             | ${"--client-secret"}         | ${"CHECKIN_CLIENT_SECRET"}
    ${"token --access-token T"}                   | ${["token", "--access-token", REFRESH]}                            | ${"--access-token"}          | ${"CHECKIN_ACCESS_TOKEN"}
    ${"token --token T"}                          | ${["token", "--token", REFRESH]}                                   | ${"--token"}                 | ${"CHECKIN_REFRESH_TOKEN"}
    ${"token --password S"}                       | ${["token", "--password", SECRET]}                                 | ${"--password"}              | ${"CHECKIN_REFRESH_TOKEN"}
    ${"token --oidc-refresh-token T"}             | ${["token", "--oidc-refresh-token", REFRESH]}                      | ${"--oidc-refresh-token"}    | ${"CHECKIN_REFRESH_TOKEN"}
    ${"token --oidc-client-secret=S"}             | ${["token", `--oidc-client-secret=${SECRET}`]}                     | ${"--oidc-client-secret"}    | ${"CHECKIN_CLIENT_SECRET"}
    ${"token --oidc-access-token T"}              | ${["token", "--oidc-access-token", REFRESH]}                       | ${"--oidc-access-token"}     | ${"CHECKIN_ACCESS_TOKEN"}
    ${"token --OIDC_REFRESH_TOKEN=T"}             | ${["token", `--OIDC_REFRESH_TOKEN=${REFRESH}`]}                    | ${"--OIDC_REFRESH_TOKEN"}    | ${"CHECKIN_REFRESH_TOKEN"}
    ${"token --checkin-refresh-token T"}          | ${["token", "--checkin-refresh-token", REFRESH]}                   | ${"--checkin-refresh-token"} | ${"CHECKIN_REFRESH_TOKEN"}
    ${"token -refresh-token T"}                   | ${["token", "-refresh-token", REFRESH]}                            | ${"-refresh-token"}          | ${"CHECKIN_REFRESH_TOKEN"}
    ${"token --os-password S"}                    | ${["token", "--os-password", SECRET]}                              | ${"--os-password"}           | ${"CHECKIN_REFRESH_TOKEN"}
    ${"exec --refresh-token T -- terraform plan"} | ${["exec", "--refresh-token", REFRESH, "--", "terraform", "plan"]} | ${"--refresh-token"}         | ${"CHECKIN_REFRESH_TOKEN"}
    ${"exec --token T terraform plan"}            | ${["exec", "--token", REFRESH, "terraform", "plan"]}               | ${"--token"}                 | ${"CHECKIN_REFRESH_TOKEN"}
    ${"--refresh-token T token"}                  | ${["--refresh-token", REFRESH, "token"]}                           | ${"--refresh-token"}         | ${"CHECKIN_REFRESH_TOKEN"}
  `("GIVEN egi-cdktf $given WHEN it runs THEN exit 2, one line refusing $flag, naming $envVar and ps, without the value", async ({ args, flag, envVar }) => {
    const line = expectOneUsageLine(await run(args));

    expect(line).toContain(`${flag} `);
    expect(line).toContain(envVar);
    expect(line).toMatch(/visible to every user[^\n]*\(ps\)/);
    expect(line).not.toContain(REFRESH);
    expect(line).not.toContain(SECRET);
  });

  test("GIVEN --refresh-token after exec's -- WHEN exec runs THEN it belongs to the command and is not refused", async () => {
    const r = await run(["exec", "--", "openstack", "--refresh-token", REFRESH]);

    // Reaches the settings (and fails there, a missing setting: exit 2), the flag was not looked at.
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^egi-cdktf: (OS_AUTH_URL is not set|no Check-in credential)[^\n]*\n$/);
    expect(r.stderr).not.toContain("--refresh-token");
  });

  test.each`
    given                  | args
    ${"token T"}           | ${["token", REFRESH]}
    ${"projects S"}        | ${["projects", SECRET]}
    ${"T (as a command)"}  | ${[REFRESH]}
  `("GIVEN egi-cdktf $given, a token-like argument, WHEN egi-cdktf refuses it THEN the message does not repeat it", async ({ args }) => {
    const line = expectOneUsageLine(await run(args));

    expect(line).not.toContain(REFRESH);
    expect(line).not.toContain(SECRET);
    expect(line).toMatch(/not shown/);
  });
});

describe("egi-cdktf exec without --", () => {
  test.each`
    args                                                       | shown
    ${["exec", "terraform", "plan"]}                           | ${"egi-cdktf exec -- terraform plan"}
    ${["exec", "openstack", "server", "list"]}                 | ${"egi-cdktf exec -- openstack server list"}
    ${["exec", "terraform", "-chdir=stacks/x", "apply", "-auto-approve"]} | ${"egi-cdktf exec -- terraform -chdir=stacks/x apply -auto-approve"}
    ${["exec", "--project-id", "p1", "terraform", "plan"]}     | ${"egi-cdktf exec --project-id p1 -- terraform plan"}
    ${["exec", "terraform", "--", "plan"]}                     | ${"egi-cdktf exec -- terraform plan"}
    ${["exec", "terraform", "apply", "-var", `pw=${SECRET}`]}  | ${"egi-cdktf exec -- terraform apply -var ..."}
  `("GIVEN $args WHEN exec runs THEN exit 2 and one line: put -- before the command: $shown", async ({ args, shown }) => {
    const line = expectOneUsageLine(await run(args));

    expect(line).toBe(`egi-cdktf: put -- before the command: ${shown} (see egi-cdktf exec --help)\n`);
  });

  test("GIVEN no command at all WHEN exec runs THEN the usage error shows an example", async () => {
    const line = expectOneUsageLine(await run(["exec"]));
    expect(line).toContain("egi-cdktf exec -- ");
  });
});

describe("egi-cdktf --help", () => {
  // The entry file lists the commands without loading them (a warm `token` stays fast), so each
  // summary is written twice: once there, once in the command's module.
  test("GIVEN every command module WHEN egi-cdktf --help runs THEN it lists each command with its module's own summary", async () => {
    const modules = [
      require("../../cli/commands/init").initCommand,
      require("../../cli/commands/doctor").doctorCommand,
      require("../../cli/commands/token").tokenCommand,
      require("../../cli/commands/projects").projectsCommand,
      require("../../cli/commands/env").envCommand,
      require("../../cli/commands/exec").execCommand,
      require("../../cli/commands/context").contextCommand,
      require("../../cli/commands/sites").sitesCommand,
      require("../../cli/commands/snapshot").snapshotCommand,
      require("../../cli/commands/end-app-credentials").endAppCredentialsCommand,
      require("../../cli/commands/inventory").inventoryCommand,
      require("../../cli/commands/plan-summary").planSummaryCommand,
      require("../../cli/commands/pr-comment").prCommentCommand,
      require("../../cli/commands/reviewed-summary").reviewedSummaryCommand,
      require("../../cli/commands/drift-issue").driftIssueCommand,
    ] as Array<{ name: string; summary: string }>;
    let out = "";
    const status = await main(["--help"], { stdout: (t) => (out += t), stderr: () => undefined, env: {} });
    expect(status).toBe(0);
    for (const c of modules) expect(out).toMatch(new RegExp(`^  ${c.name} +${c.summary.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"));
    expect(out.match(/^  \S+ {2,}/gm)).toHaveLength(modules.length);
  });
});
