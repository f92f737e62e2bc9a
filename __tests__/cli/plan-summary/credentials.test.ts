/**
 * Which credential the quota calls use for a provider of a planned stack: the clouds.yaml entry the
 * hook linked (named by the plan's variable), else OS_TOKEN and friends; never a request.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { credentialSecrets, providerCredential, siteKey, stackFolderSecrets } from "../../../cli/plan-summary/credentials";
import { providerArgument } from "../../../cli/plan-summary/plan-json";
import { planFixture } from "./fixtures";

const TOKEN = "gAAAAABpLk-test-token-not-real-0123456789abcdef";
const workers = planFixture("workers");
const cloud = providerArgument(workers, "openstack", "cloud")!;

function stackDir(clouds?: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "egi-plan-creds-"));
  if (clouds !== undefined) fs.writeFileSync(path.join(dir, "clouds.yaml"), JSON.stringify(clouds));
  return dir;
}

test("GIVEN the hook's clouds.yaml entry WHEN the provider's credential is read THEN it is that entry's token, Keystone and project", () => {
  const dir = stackDir({ clouds: { [cloud]: { auth_type: "v3token", auth: { auth_url: "http://127.0.0.1:35357/v3", token: TOKEN, project_id: "p1" }, identity_api_version: 3, cacert: "/ca.pem" } } });

  const c = providerCredential(workers, "openstack", dir, { OS_TOKEN: "ignored-because-the-cloud-wins" });

  expect(c).toEqual({ authUrl: "http://127.0.0.1:35357", projectId: "p1", region: undefined, caFile: "/ca.pem", auth: { kind: "token", token: TOKEN }, source: `clouds.yaml entry ${cloud}` });
  expect(stackFolderSecrets(dir)).toEqual([TOKEN]);
});

test("GIVEN an application credential entry WHEN read THEN its id and secret are used, and the secret is one to redact", () => {
  const dir = stackDir({ clouds: { [cloud]: { auth_type: "v3applicationcredential", auth: { auth_url: "https://k.example/v3", application_credential_id: "ac1", application_credential_secret: "s3cr3t-application-credential" }, region_name: "R2" } } });

  const c = providerCredential(workers, "openstack", dir, {});

  expect(c).toMatchObject({ authUrl: "https://k.example", region: "R2", auth: { kind: "application-credential", id: "ac1", secret: "s3cr3t-application-credential" } });
  expect(credentialSecrets(c as never)).toEqual(["s3cr3t-application-credential"]);
});

test("GIVEN the provider names a cloud but the stack folder has no clouds.yaml WHEN read THEN it is missing, saying to synth with the Check-in credential", () => {
  const c = providerCredential(workers, "openstack", stackDir(), { OS_TOKEN: TOKEN });

  expect(c).toEqual({ missing: expect.stringMatching(/cannot be read \(ENOENT\); synth again with the Check-in credential set/) });
});

test("GIVEN no hook (no cloud) WHEN read THEN OS_TOKEN, OS_AUTH_URL and OS_PROJECT_ID are used, and a tenant_id on an aliased provider wins", () => {
  const mixed = planFixture("mixed");
  const env = { OS_TOKEN: TOKEN, OS_AUTH_URL: "http://127.0.0.1:35357/v3/", OS_PROJECT_ID: "p1", OS_REGION_NAME: "RegionOne" };

  const first = providerCredential(mixed, "openstack", stackDir(), env);
  const second = providerCredential(mixed, "openstack.second", stackDir(), env);

  expect(first).toEqual({ authUrl: "http://127.0.0.1:35357", projectId: "p1", region: "RegionOne", caFile: undefined, auth: { kind: "token", token: TOKEN }, source: "OS_TOKEN" });
  expect(second).toMatchObject({ projectId: "20ce58d81de9471fbc4de48da1556b4e" });
  expect(siteKey(first as never)).not.toBe(siteKey(second as never));
});

test("GIVEN no hook and no OS_TOKEN WHEN read THEN it is missing, naming both ways to give one", () => {
  expect(providerCredential(planFixture("mixed"), "openstack", stackDir(), { OS_AUTH_URL: "http://k/v3" })).toEqual({
    missing: "no credential to read the quota with: no clouds.yaml entry (set a Check-in credential before synth) and no OS_TOKEN",
  });
});
