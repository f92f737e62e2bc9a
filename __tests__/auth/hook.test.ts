/**
 * The hook without a site: what it leaves in stack folders when it is idle, and what it refuses
 * before asking anyone for a token. (Against the real IdP and Keystone: __tests__/site/hook.site.test.ts.)
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, TerraformStack } from "cdktf";
import { synthWithEgiTokens } from "../../auth/hook";
import { CLOUD_TFVARS_FILE, CLOUDS_FILE } from "../../auth/stack-files";
import { EgiSite } from "../../constructs/egi-site";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "egi-hook-"));

/** An app with one EgiSite stack `s`, its stack folder holding what an earlier hook run left. */
function appWithLeftovers(cacheDir: string): { app: App; stackDir: string } {
  const app = new App({ outdir: tmp() });
  new EgiSite(new TerraformStack(app, "s"), "site");
  const stackDir = path.join(app.outdir, "stacks", "s");
  fs.mkdirSync(path.join(cacheDir, "clouds"), { recursive: true });
  fs.mkdirSync(stackDir, { recursive: true });
  fs.writeFileSync(path.join(cacheDir, "clouds", "old.json"), '{"clouds":{}}');
  fs.symlinkSync(path.join(cacheDir, "clouds", "old.json"), path.join(stackDir, CLOUDS_FILE));
  fs.writeFileSync(path.join(stackDir, CLOUD_TFVARS_FILE), '{"site_cloud_X":"egi-cdktf-old"}');
  fs.writeFileSync(path.join(stackDir, "egi-token.auto.tfvars.json"), '{"site_token_X":"old-token"}');
  return { app, stackDir };
}

describe("synthWithEgiTokens when idle", () => {
  test.each([
    ["no Check-in credential", { OS_TOKEN: "t", OS_AUTH_URL: "https://k/v3" }],
    ["EGI_CDKTF_HOOK=off", { EGI_CDKTF_HOOK: "off", CHECKIN_REFRESH_TOKEN: "r", CHECKIN_CLIENT_ID: "c", OS_AUTH_URL: "https://k/v3", OS_PROJECT_ID: "p" }],
  ])("GIVEN %s and files an earlier run left WHEN the app synthesizes THEN it makes no request and removes them, so terraform falls back to OS_TOKEN", async (_name, env) => {
    const cacheDir = tmp();
    const { app, stackDir } = appWithLeftovers(cacheDir);
    const fetch = jest.fn();

    await synthWithEgiTokens(app, { env: { ...env, EGI_CDKTF_CACHE_DIR: cacheDir }, fetch });

    expect(fetch).not.toHaveBeenCalled();
    expect(fs.readdirSync(stackDir).sort()).toEqual(["cdk.tf.json"]);
  });

  test("GIVEN a clouds.yaml of the user's own in a stack folder WHEN the idle hook synthesizes THEN it is kept", async () => {
    const app = new App({ outdir: tmp() });
    new EgiSite(new TerraformStack(app, "s"), "site");
    const own = path.join(app.outdir, "stacks", "s", CLOUDS_FILE);
    fs.mkdirSync(path.dirname(own), { recursive: true });
    fs.writeFileSync(own, "clouds: {}\n");

    await synthWithEgiTokens(app, { env: { EGI_CDKTF_CACHE_DIR: tmp() } });

    expect(fs.readFileSync(own, "utf8")).toBe("clouds: {}\n");
  });
});

describe("synthWithEgiTokens with a Check-in credential", () => {
  const checkin = { CHECKIN_REFRESH_TOKEN: "r", CHECKIN_CLIENT_ID: "c", OS_AUTH_URL: "https://k/v3", OS_PROJECT_ID: "p" };

  test.each([
    ["OS_CLIENT_CONFIG_FILE", "/home/u/clouds.yaml", "OS_CLIENT_CONFIG_FILE is set: the provider would read that file instead of the clouds.yaml the hook links in the stack folder; unset it"],
    ["OS_APPLICATION_CREDENTIAL_SECRET", "s3cr3t-value", "OS_APPLICATION_CREDENTIAL_SECRET is set: the provider would mix it with the hook's credential and fail; unset it"],
    ["OS_IDENTITY_API_VERSION", "2", "OS_IDENTITY_API_VERSION=2: EGI sites use Keystone v3; unset it"],
  ])("GIVEN %s=%s WHEN the app synthesizes THEN it fails before any request with one line naming the variable", async (name, value, message) => {
    const app = new App({ outdir: tmp() });
    new EgiSite(new TerraformStack(app, "s"), "site");
    const fetch = jest.fn();

    const run = synthWithEgiTokens(app, { env: { ...checkin, [name]: value, EGI_CDKTF_CACHE_DIR: tmp() }, fetch });

    await expect(run).rejects.toThrow(message);
    await expect(run).rejects.not.toThrow(/s3cr3t/);
    expect(fetch).not.toHaveBeenCalled();
    expect(fs.existsSync(path.join(app.outdir, "manifest.json"))).toBe(false);
  });
});
