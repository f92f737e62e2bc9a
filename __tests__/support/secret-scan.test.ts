/**
 * The secret scan the deploy tests rely on finds a secret where terraform really hides one: inside the
 * zipped plan file of a `terraform plan -out`, when the secret is a (sensitive) variable, which is
 * how the hook delivered tokens before clouds.yaml. Real terraform, no provider needed.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { scanForSecrets, zipMembers } from "./secret-scan";
import { terraform } from "./terraform";

const SECRET = "gAAAAABn-keystone-token-like-value-0123456789";

test("GIVEN a plan saved with a sensitive variable WHEN the folder is scanned THEN the secret is found inside the plan's tfplan member, not in its raw bytes", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "egi-scan-"));
  fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify({
    variable: { token: { type: "string", sensitive: true } },
    resource: { terraform_data: { probe: { input: "${sha256(var.token)}" } } },
  }));
  expect(terraform(dir, ["init", "-no-color"]).status).toBe(0);
  const plan = terraform(dir, ["plan", "-no-color", "-input=false", "-out=saved.plan", `-var=token=${SECRET}`]);
  expect(plan.status).toBe(0);
  const bytes = fs.readFileSync(path.join(dir, "saved.plan"));

  const report = scanForSecrets([dir], { token: SECRET });

  expect(bytes.includes(Buffer.from(SECRET))).toBe(false); // compressed: a raw grep misses it
  expect(zipMembers(bytes).map((m) => m.name)).toContain("tfplan");
  expect(report.leaks).toEqual([`token in ${path.join(dir, "saved.plan")}!tfplan`]);
  expect(report.zips).toBe(1);
});

test("GIVEN a secret only base64-encoded in a file WHEN scanned THEN it is found; and a file under an allowed folder is not reported", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "egi-scan-"));
  fs.mkdirSync(path.join(dir, "cache"));
  fs.writeFileSync(path.join(dir, "user-data.txt"), Buffer.from(SECRET).toString("base64"));
  fs.writeFileSync(path.join(dir, "cache", "token.json"), SECRET);

  expect(scanForSecrets([dir], { token: SECRET }, { allowed: [path.join(dir, "cache")] }).leaks).toEqual([`token in ${path.join(dir, "user-data.txt")}`]);
});
