/**
 * What the `egi-cdktf sites` tests share: main() with a captured io, temp pins, catchall-shaped
 * YAML of real sites, a fake repository clone and a pinned list built from it. Not a test file.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../cli/egi-cdktf";

type Env = Record<string, string | undefined>;

export async function run(args: string[], env: Env) {
  let stdout = "";
  let stderr = "";
  const status = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env });
  return { status, stdout, stderr };
}

export const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), "sites-cli-"));
/** A path for the pin file in a fresh directory (the file itself is not created). */
export const pinPath = (): string => path.join(tempDir(), "egi-cdktf.sites.json");
export const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** One `egi-cdktf: ...` line on stderr, nothing on stdout, the given exit status. */
export function expectOneLine(r: { status: number; stdout: string; stderr: string }, status: number): string {
  expect(r.status).toBe(status);
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(/^egi-cdktf: [^\n]+\n$/);
  return r.stderr.slice("egi-cdktf: ".length, -1);
}

/** Rows of a table printed with two-space gaps. */
export const table = (out: string): string[][] =>
  out
    .trimEnd()
    .split("\n")
    .map((l) => l.split(/ {2,}/));

export const IFCA = `---
gocdb: IFCA-LCG2
endpoint: https://api.cloud.ifca.es:5000/v3/
vos:
- name: dteam
  auth:
    project_id: 5eb8959a799240a98f4f303f5fbd80be
- name: vo.access.egi.eu
  auth:
    project_id: 999f045cb1ff4684a15ebb338af69460
  defaultNetwork: private
  publicNetwork: public
`;
export const CYFRONET = `endpoint: https://panel.cloud.cyfronet.pl:5000/v3/
gocdb: CYFRONET-CLOUD
vos:
- auth:
    project_id: 9b40bb40431c4f4180c280b6675f9bb9
  name: dteam
- name: vo.access.egi.eu
`;
export const HUNDRED_IT = `gocdb: 100IT
endpoint: https://cloud-egi.100percentit.com:5000/v3/
vos:
  fedcloud.egi.eu:
    auth:
      project_id: 7cfb9087632a4df5b738fbd0b795f2ad
`;
export const LILLE = `endpoint: https://thor.univ-lille.fr:5000/v3
gocdb: UNIV-LILLE
vos:
- auth:
    project_id: e57db5c1e0b24bcbac9904f4ac22dcaa
  name: vo.access.egi.eu
`;
/** No endpoint: skipped with a warning. */
export const BROKEN = "gocdb: BROKEN-SITE\nvos:\n- name: dteam\n";

/** A directory like a clone of fedcloud-catchall-operations. */
export function catchallClone(sites: Record<string, string>): string {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, "sites"));
  fs.writeFileSync(path.join(dir, "README.md"), "# fedcloud-catchall-operations\n");
  for (const [name, text] of Object.entries(sites)) fs.writeFileSync(path.join(dir, "sites", name), text);
  return dir;
}

/** A pinned list made by `sites refresh` from a directory with IFCA, CYFRONET and 100IT. */
export async function pinned(): Promise<string> {
  const file = pinPath();
  const r = await run(["sites", "refresh", "--from", catchallClone({ "IFCA-LCG2.yaml": IFCA, "CYFRONET-CLOUD.yaml": CYFRONET, "100IT.yaml": HUNDRED_IT })], { EGI_SITES_FILE: file });
  expect(r.status).toBe(0);
  return file;
}

