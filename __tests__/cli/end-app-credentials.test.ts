/**
 * `egi-cdktf end-app-credentials` without a site: what it says and its exit code when there is
 * nothing to end, and when a cached credential cannot be ended before any request. Ending against
 * the real Keystone: __tests__/site/app-credential-cleanup.site.test.ts.
 */
import { TokenCache } from "../../auth/cache";
import { endAppCredentialsCommand } from "../../cli/commands/end-app-credentials";
import { tempDirsRemovedAfterAll } from "../support/temp-dirs";

const tempDir = tempDirsRemovedAfterAll();
const SECRET = "s3cr3t-app-credential-secret";

async function run(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await endAppCredentialsCommand.run([], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env });
  return { code, stdout, stderr };
}

/** A cache holding one credential as the hook writes it (`authUrl` absent: as an older egi-cdktf wrote it). */
function cacheWith(authUrl?: string): string {
  const cache = new TokenCache(tempDir("egi-end-"));
  cache.write("appcred", "c".repeat(64), { id: "ac1", name: "egi-cdktf-x", secret: SECRET, expiresAt: 2e9, userId: "u1", projectId: "p1", ...(authUrl ? { authUrl } : {}) });
  return cache.dir;
}

test.each([
  ["no token cache at all", (dir: string) => `${dir}/never-made`],
  [
    "a token cache of token mode only",
    (dir: string) => {
      new TokenCache(dir).write("keystone", "d".repeat(64), { token: "t", expiresAt: 2e9 });
      return dir;
    },
  ],
])("GIVEN %s and no Check-in credential WHEN end-app-credentials runs THEN it says there is nothing to end and exits 0", async (_name, cacheDir) => {
  const dir = cacheDir(tempDir("egi-end-"));

  const r = await run({ EGI_CDKTF_CACHE_DIR: dir });

  expect(r).toEqual({ code: 0, stdout: `no application credential to end: the token cache ${dir} holds none (the hook makes them with EGI_CDKTF_AUTH=application-credential)\n`, stderr: "" });
});

test.each([
  [
    "no Check-in credential in the environment",
    "https://keystone.example:5000/v3",
    /^egi-cdktf: application credential egi-cdktf-x \(ac1\) not ended: no Check-in credential: set CHECKIN_REFRESH_TOKEN/,
  ],
  ["an entry of an older egi-cdktf and no OS_AUTH_URL", undefined, /^egi-cdktf: application credential egi-cdktf-x \(ac1\) not ended: it was cached by an older egi-cdktf that did not record its site/],
])("GIVEN a cached credential and %s WHEN end-app-credentials runs THEN it exits 1 with one line naming the credential (not its secret) and the fix", async (_name, authUrl, line) => {
  const r = await run({ EGI_CDKTF_CACHE_DIR: cacheWith(authUrl) });

  expect(r.code).toBe(1);
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(line);
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(r.stderr).not.toContain(SECRET);
});
