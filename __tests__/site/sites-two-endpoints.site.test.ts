/**
 * One site published as two clouds, as fedcloud.srce.hr is in the real list, on the local site:
 * LOCAL-TWO in two catchall files, one at the local Keystone's 127.0.0.1 URL serving vo.example, one
 * at its localhost URL serving vo.example and vo.example-2 (the same Keystone, two endpoints to the
 * toolkit; see support/local-sites.ts). `env --site LOCAL-TWO --vo vo.example-2` goes to the second
 * endpoint with no choice to make; vo.example, served by both, needs EGI_SITE_ENDPOINT, and says so.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cli, mintRefreshToken, REPO, userEnv } from "../support/identity-site";
import { identity, tokenAtKeystone, URL_A, URL_B, VO1, VO2 } from "../support/local-sites";

const BIN = path.join(REPO, "bin", "egi-cdktf");

let work: string;
let sitesFile: string;
let refresh: ReturnType<typeof cli>;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "egi-two-endpoints-"));
  sitesFile = path.join(work, "egi-cdktf.sites.json");
  fs.mkdirSync(path.join(work, "catchall", "sites"), { recursive: true });
  fs.writeFileSync(path.join(work, "catchall", "sites", "LOCAL-TWO.yaml"), `gocdb: LOCAL-TWO\nendpoint: ${URL_A}\nvos:\n- name: vo.example\n  auth:\n    project_id: ${VO1.id}\n`);
  fs.writeFileSync(path.join(work, "catchall", "sites", "LOCAL-TWO-2.yaml"), `gocdb: LOCAL-TWO\nendpoint: ${URL_B}\nvos:\n- name: vo.example\n- name: vo.example-2\n`);
  refresh = cli(["sites", "refresh", "--from", path.join(work, "catchall")], { PATH: process.env.PATH!, HOME: work, EGI_SITES_FILE: sitesFile });
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** `eval "$(egi-cdktf env ...)"` in bash as a Check-in user of the list; OS_AUTH_URL, OS_PROJECT_ID and OS_TOKEN after it. */
async function evalEnv(args: string[], extra: Record<string, string> = {}) {
  const env = userEnv(identity, identity.clients.basic, {
    CHECKIN_REFRESH_TOKEN: await mintRefreshToken(identity, identity.clients.basic),
    OS_AUTH_URL: undefined,
    OS_PROJECT_ID: undefined,
    EGI_SITES_FILE: sitesFile,
    ...extra,
  });
  const script = `eval "$("${process.execPath}" "${BIN}" env ${args.join(" ")})" && printf '%s\\n' "$OS_AUTH_URL" "$OS_PROJECT_ID" "$OS_TOKEN"`;
  const r = spawnSync("bash", ["-c", script], { env, encoding: "utf8", timeout: 60_000 });
  const [authUrl, projectId, token] = r.stdout.trim().split("\n");
  return { stderr: r.stderr, status: r.status, authUrl, projectId, token };
}

test("GIVEN one site in two files at two endpoints WHEN refreshed THEN both endpoints are pinned and a note names the VO both serve", () => {
  expect(refresh.status).toBe(0);
  expect(refresh.stderr).toBe(`egi-cdktf: note: site LOCAL-TWO has 2 endpoints (${URL_A}, ${URL_B}); VO vo.example at more than one: --site LOCAL-TWO --vo vo.example needs --endpoint URL (or EGI_SITE_ENDPOINT, or the endpoint prop of EgiSite.fromSiteName) to choose\n`);
  expect(JSON.parse(fs.readFileSync(sitesFile, "utf8")).sites.map((s: { endpoint: string }) => s.endpoint).sort()).toEqual([URL_A, URL_B].sort());
});

test("GIVEN vo.example-2, served by the second endpoint only WHEN bash evals env --site LOCAL-TWO THEN OS_AUTH_URL is that endpoint and Keystone scopes the token to vo.example-2", async () => {
  const r = await evalEnv(["--site", "LOCAL-TWO", "--vo", "vo.example-2"]);

  expect(r.stderr).toBe("");
  expect([r.authUrl, r.projectId]).toEqual([URL_B, VO2.id]);
  expect((await tokenAtKeystone(r.authUrl, r.token)).project).toEqual(expect.objectContaining({ id: VO2.id }));
});

test("GIVEN vo.example, served by both, and EGI_SITE_ENDPOINT=localhost WHEN bash evals env THEN that endpoint, the project found there by name", async () => {
  const r = await evalEnv(["--site", "LOCAL-TWO", "--vo", "vo.example"], { EGI_SITE_ENDPOINT: "localhost" });

  expect(r.stderr).toBe("");
  expect([r.authUrl, r.projectId]).toEqual([URL_B, VO1.id]);
});

test("GIVEN vo.example, served by both, and no choice WHEN env runs THEN exit 2, one line naming both endpoints and EGI_SITE_ENDPOINT", () => {
  const r = cli(["env", "--site", "LOCAL-TWO", "--vo", "vo.example"], { PATH: process.env.PATH!, HOME: work, EGI_SITES_FILE: sitesFile });

  expect(r.status).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).toBe(`egi-cdktf: site LOCAL-TWO serves VO vo.example at 2 endpoints (${URL_A}, ${URL_B}; per ${sitesFile}): choose one with EGI_SITE_ENDPOINT\n`);
});
