/**
 * Every example stack under stacks/ passes the real `init` + `validate` of both engines, terraform
 * and OpenTofu's tofu, against terraform-provider-openstack 3.4.0 from the offline mirror. Stacks are
 * found by reading the folder, so a new example cannot skip this check; each must synthesize with
 * default props.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Testing, TerraformStack } from "cdktf";
import { ENGINES, engineVersion, initAndValidate, lockedProviders, OPENSTACK_PROVIDER } from "../support/terraform";

const STACKS_DIR = path.resolve(__dirname, "..", "..", "stacks");
type StackClass = new (scope: ReturnType<typeof Testing.app>, id: string) => TerraformStack;

function exampleStacks(): Array<[string, StackClass]> {
  const found: Array<[string, StackClass]> = [];
  for (const file of fs.readdirSync(STACKS_DIR).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))) {
    const mod = require(path.join(STACKS_DIR, file));
    for (const [name, value] of Object.entries(mod)) {
      if (typeof value === "function" && value.prototype instanceof TerraformStack) {
        found.push([`${file}:${name}`, value as StackClass]);
      }
    }
  }
  return found;
}

const stacks = exampleStacks();

test("GIVEN the stacks folder WHEN scanned THEN it holds at least the seed's Terraform example", () => {
  expect(stacks.map(([name]) => name)).toContain("terraform-example.ts:TerraformExampleStack");
});

test("GIVEN the mirror the setup script built WHEN tofu version runs THEN it is OpenTofu at OPENTOFU_VERSION (default 1.12.6)", () => {
  expect(engineVersion("tofu")).toBe((process.env.OPENTOFU_VERSION ?? "1.12.6").replace(/^v/, ""));
});

describe.each(ENGINES)("with %s", (engine) => {
  describe.each(stacks)("%s", (_name, Stack) => {
    test(`GIVEN the synthesized stack WHEN ${engine} init and validate run THEN it is valid with openstack 3.4.0, locked under ${OPENSTACK_PROVIDER[engine].split("/")[0]}`, () => {
      const stack = new Stack(Testing.app(), "validate");
      const dir = path.join(Testing.fullSynth(stack), "stacks", "validate");

      const report = initAndValidate(dir, engine);

      expect(report.diagnostics).toEqual([]);
      expect(report.valid).toBe(true);
      expect(lockedProviders(dir)).toEqual({ [OPENSTACK_PROVIDER[engine]]: "3.4.0" });
    });
  });
});
