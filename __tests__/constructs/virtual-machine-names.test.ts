import * as fs from "node:fs";
import * as path from "node:path";
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { Construct } from "constructs";
import { EgiSite } from "../../constructs/egi-site";
import { VirtualMachine } from "../../constructs/virtual-machine";
import { fixed, useTempContextFile } from "../support/construct-fixtures";

useTempContextFile();

beforeEach(() => {
  Object.assign(process.env, { OS_AUTH_URL: "https://k.example.org:5000/v3", OS_PROJECT_ID: "p1" });
});
afterEach(() => {
  delete process.env.OS_AUTH_URL;
  delete process.env.OS_PROJECT_ID;
});

/** The warnings synth writes to the stack's manifest entry, as cdktf and cdktn print them. */
function warningsOf(stack: TerraformStack): string[] {
  const outdir = Testing.fullSynth(stack);
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  const annotations = manifest.stacks[stack.node.id].annotations as Array<{ level: string; message: string }>;
  return annotations.filter((a) => /\/warn$/.test(a.level)).map((a) => a.message).filter((m) => m.startsWith("VirtualMachine "));
}

/** A stack with its site (from OS_*, without alias). */
function siteStack(app: Construct, id: string): TerraformStack {
  const stack = new TerraformStack(app, id);
  new EgiSite(stack, "site");
  return stack;
}

const WHERE = "at the same site (Nova allows it, but `egi-cdktf snapshot NAME` and anything else that finds a server by name then refuses); change name on one of them";

describe("VirtualMachine server names", () => {
  test.each<[string, (app: Construct) => TerraformStack, string[]]>([
    [
      "two servers with one name in one stack",
      (app) => {
        const s = siteStack(app, "s");
        new VirtualMachine(s, "one", { ...fixed(), name: "web" });
        new VirtualMachine(s, "two", { ...fixed(), name: "web" });
        return s;
      },
      [`VirtualMachine s/one and VirtualMachine s/two both create the server "web" ${WHERE}`],
    ],
    [
      "two servers named by one construct id in two scopes",
      (app) => {
        const s = siteStack(app, "s");
        new VirtualMachine(new Construct(s, "a"), "web", fixed());
        new VirtualMachine(new Construct(s, "b"), "web", fixed());
        return s;
      },
      [`VirtualMachine s/a/web and VirtualMachine s/b/web both create the server "web" ${WHERE}`],
    ],
    [
      "three servers with one name",
      (app) => {
        const s = siteStack(app, "s");
        for (const id of ["one", "two", "three"]) new VirtualMachine(s, id, { ...fixed(), name: "web" });
        return s;
      },
      [`VirtualMachine s/one and VirtualMachine s/two both create the server "web" ${WHERE}`, `VirtualMachine s/one and VirtualMachine s/three both create the server "web" ${WHERE}`],
    ],
    [
      "one name in two stacks at the same site",
      (app) => {
        new VirtualMachine(siteStack(app, "a"), "vm", { ...fixed(), name: "web" });
        const b = siteStack(app, "b");
        new VirtualMachine(b, "vm", { ...fixed(), name: "web" });
        return b;
      },
      [`VirtualMachine a/vm and VirtualMachine b/vm both create the server "web" ${WHERE}`],
    ],
    [
      "one name at two sites (other projects)",
      (app) => {
        const s = siteStack(app, "s");
        const other = new EgiSite(s, "other", { alias: "other", projectId: "p2" });
        new VirtualMachine(s, "one", { ...fixed(), name: "web" });
        new VirtualMachine(s, "two", { ...fixed(), name: "web", site: other });
        return s;
      },
      [],
    ],
    [
      "two names",
      (app) => {
        const s = siteStack(app, "s");
        new VirtualMachine(s, "one", fixed());
        new VirtualMachine(s, "two", fixed());
        return s;
      },
      [],
    ],
    [
      "a name known only at apply (a variable)",
      (app) => {
        const s = siteStack(app, "s");
        const name = new TerraformVariable(s, "name", { type: "string" }).stringValue;
        new VirtualMachine(s, "one", { ...fixed(), name });
        new VirtualMachine(s, "two", { ...fixed(), name });
        return s;
      },
      [],
    ],
  ])("GIVEN %s WHEN synthesized THEN the warnings name both constructs", (_what, build, expected) => {
    const stack = build(Testing.app());
    expect(warningsOf(stack)).toEqual(expected);
  });
});
