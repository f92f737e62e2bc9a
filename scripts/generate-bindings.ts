/**
 * Generate the TypeScript bindings in .gen/providers/openstack from the committed provider schema,
 * with cdktf's own generator (the code `cdktf get` runs), so neither Go, Terraform nor a network is
 * needed. Usage: `npm run gen` (after `npm run schema:openstack` for another provider version).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ConstructsMakerProviderTarget, Language, TerraformProviderConstraint } from "@cdktf/commons";
import { CodeMaker, TerraformProviderGenerator } from "@cdktf/provider-generator";

export const OPENSTACK_FQPN = "registry.terraform.io/terraform-provider-openstack/openstack";
export const REPO_ROOT = path.resolve(__dirname, "..");
export const SCHEMA_FILE = path.join(REPO_ROOT, "provider-schema", "openstack.json");

/** Generate bindings for the provider in `schemaFile` into `outdir` (replaced whole); returns the version. */
export async function generateBindings(schemaFile: string, outdir: string): Promise<string> {
  const schema = JSON.parse(fs.readFileSync(schemaFile, "utf8"));
  const version: string | undefined = schema.provider_versions?.[OPENSTACK_FQPN];
  if (!version) {
    throw new Error(`${schemaFile} has no provider_versions["${OPENSTACK_FQPN}"]; regenerate it with npm run schema:openstack`);
  }
  const target = new ConstructsMakerProviderTarget(
    new TerraformProviderConstraint(`terraform-provider-openstack/openstack@${version}`),
    Language.TYPESCRIPT,
  );
  const code = new CodeMaker();
  new TerraformProviderGenerator(code, schema).generate(target);

  // Write next to the old tree, then swap, so a failed run never leaves half a binding set.
  const staging = `${outdir}.staging`;
  fs.rmSync(staging, { recursive: true, force: true });
  await code.save(staging);
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.renameSync(staging, outdir);
  return version;
}

if (require.main === module) {
  generateBindings(SCHEMA_FILE, path.join(REPO_ROOT, ".gen"))
    .then((version) => console.log(`generate-bindings: openstack ${version} -> .gen/providers/openstack`))
    .catch((err: unknown) => {
      console.error(`generate-bindings: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
}
