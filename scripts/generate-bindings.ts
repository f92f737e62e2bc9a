/**
 * Generate the TypeScript bindings in .gen/providers/openstack from the committed provider schema,
 * with cdktf's own generator (the code `cdktf get` runs), so neither Go, Terraform nor a network is
 * needed. Usage: `npm run gen` (after `npm run schema:openstack` for another provider version).
 * `ts-node scripts/generate-bindings.ts cdktn OUTDIR` generates them with CDK Terrain's generator
 * (@cdktn/provider-generator, from the toolchain in frameworks/cdktn) for the egi-fedcloud-cdktn
 * build: the same schema, bindings that import cdktn.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { FrameworkName } from "../auth/framework";

export const OPENSTACK_FQPN = "registry.terraform.io/terraform-provider-openstack/openstack";
export const REPO_ROOT = path.resolve(__dirname, "..");
export const SCHEMA_FILE = path.join(REPO_ROOT, "provider-schema", "openstack.json");

/** The frameworks the library is built for: cdktf (the root's toolchain) and cdktn (frameworks/cdktn). */
const FRAMEWORKS: readonly FrameworkName[] = ["cdktf", "cdktn"];

/** The generator modules of `framework`: cdktf's from the root, cdktn's from its own toolchain. */
function generatorModules(framework: FrameworkName): { commons: typeof import("@cdktf/commons"); generator: typeof import("@cdktf/provider-generator") } {
  if (framework === "cdktf") return { commons: require("@cdktf/commons"), generator: require("@cdktf/provider-generator") };
  const modules = path.join(REPO_ROOT, "frameworks", framework, "node_modules");
  if (!fs.existsSync(path.join(modules, "@cdktn", "provider-generator"))) {
    throw new Error(`no @cdktn/provider-generator in ${modules}; install the toolchain: npm ci --prefix frameworks/${framework}`);
  }
  // The same API under the fork's names (its types are cdktn's, not cdktf's: used only through these calls).
  return { commons: require(path.join(modules, "@cdktn", "commons")), generator: require(path.join(modules, "@cdktn", "provider-generator")) };
}

/** Generate bindings for the provider in `schemaFile` into `outdir` (replaced whole) with `framework`'s generator; returns the version. */
export async function generateBindings(schemaFile: string, outdir: string, framework: FrameworkName = "cdktf"): Promise<string> {
  if (!FRAMEWORKS.includes(framework)) throw new Error(`unknown framework "${framework}"; one of ${FRAMEWORKS.join(", ")}`);
  const schema = JSON.parse(fs.readFileSync(schemaFile, "utf8"));
  const version: string | undefined = schema.provider_versions?.[OPENSTACK_FQPN];
  if (!version) {
    throw new Error(`${schemaFile} has no provider_versions["${OPENSTACK_FQPN}"]; regenerate it with npm run schema:openstack`);
  }
  const { commons, generator } = generatorModules(framework);
  const { ConstructsMakerProviderTarget, Language, TerraformProviderConstraint } = commons;
  const { CodeMaker, TerraformProviderGenerator } = generator;
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
  const [framework = "cdktf", outdir = path.join(REPO_ROOT, ".gen")] = process.argv.slice(2);
  generateBindings(SCHEMA_FILE, path.resolve(outdir), framework as FrameworkName)
    .then((version) => console.log(`generate-bindings: openstack ${version} (${framework}) -> ${path.relative(process.cwd(), outdir) || "."}/providers/openstack`))
    .catch((err: unknown) => {
      console.error(`generate-bindings: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
}
