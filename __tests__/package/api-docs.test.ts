/**
 * The API reference is only as good as the doc comments: read the jsii assembly (`.jsii`, written by
 * the package build, `npm run build`) and hold every public type, prop and method of the library's
 * root module to the promise of docs/library.md#python-and-the-api-reference: documented, each optional prop with its `@default`, each
 * optional parameter with what happens without it, and each factory and construct method naming
 * the openstack (or fedcloud / egi-cdktf) command it replaces.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const REPO = path.resolve(__dirname, "..", "..");

interface Docs {
  readonly summary?: string;
  readonly remarks?: string;
  readonly default?: string;
}
interface Param {
  readonly name: string;
  readonly optional?: boolean;
  readonly docs?: Docs;
}
interface Member {
  readonly name: string;
  readonly static?: boolean;
  readonly optional?: boolean;
  readonly docs?: Docs;
  readonly parameters?: Param[];
}
interface Type {
  readonly kind: "class" | "interface" | "enum";
  readonly datatype?: boolean;
  readonly docs?: Docs;
  readonly properties?: Member[];
  readonly methods?: Member[];
  readonly initializer?: { readonly parameters?: Param[] };
}

/** Plumbing, not a replacement for a command: `bind` (VirtualMachine calls it), site resolution, rendering. */
const NO_COMMAND = new Set([
  "EgiSite.of", "EgiSite.tryOf", "EgiSite.isEgiSite", "Flavor#bind", "MachineImage#bind", "UserData#render", "UserData#validate",
  "ContextFile#exists", "ContextFile#get", "ContextFile#has", "ContextFile#set", "ContextFile#keys", "TeamState.postgres",
]);
const COMMAND = /\b(openstack|fedcloud|egi-cdktf) [a-z-]+/;

function rootTypes(): Array<[string, Type]> {
  const assembly = JSON.parse(fs.readFileSync(path.join(REPO, ".jsii"), "utf8")) as { name: string; types: Record<string, Type> };
  return Object.entries(assembly.types).filter(([fqn]) => fqn.split(".").length === 2).map(([fqn, t]) => [fqn.split(".")[1], t]);
}

describe("the jsii assembly's documentation (API.md is generated from it)", () => {
  const types = rootTypes();
  const text = (d: Docs | undefined) => `${d?.summary ?? ""} ${d?.remarks ?? ""}`;

  test("GIVEN the assembly WHEN read THEN it holds the library's constructs (it is current, not empty)", () => {
    const names = types.map(([n]) => n);
    for (const n of ["EgiSite", "VirtualMachine", "SecurityGroup", "ISecurityGroup", "SecurityGroupFromNameProps", "NetworkFromNameProps", "AttachedVolume", "ContextFile"]) {
      expect(names).toContain(n);
    }
  });

  test("GIVEN every public type, property and method WHEN read THEN each has a summary", () => {
    const missing: string[] = [];
    for (const [name, t] of types) {
      if (!t.docs?.summary) missing.push(name);
      for (const p of t.properties ?? []) if (!p.docs?.summary) missing.push(`${name}.${p.name}`);
      for (const m of t.methods ?? []) if (!m.docs?.summary) missing.push(`${name}${m.static ? "." : "#"}${m.name}`);
    }
    expect(missing).toEqual([]);
  });

  test("GIVEN every optional prop of a props struct WHEN read THEN it has an @default", () => {
    const missing = types.flatMap(([name, t]) => (t.datatype ? (t.properties ?? []).filter((p) => p.optional && p.docs?.default === undefined).map((p) => `${name}.${p.name}`) : []));
    expect(missing).toEqual([]);
  });

  test("GIVEN every optional parameter WHEN read THEN its @param says what happens by default", () => {
    const missing: string[] = [];
    for (const [name, t] of types) {
      const check = (where: string, params: Param[] | undefined) => {
        for (const p of params ?? []) if (p.optional && !/default/i.test(text(p.docs))) missing.push(`${where}(${p.name})`);
      };
      check(`${name} constructor`, t.initializer?.parameters);
      for (const m of t.methods ?? []) check(`${name}${m.static ? "." : "#"}${m.name}`, m.parameters);
    }
    expect(missing).toEqual([]);
  });

  test("GIVEN every class and each of its methods WHEN read THEN it names the command it replaces", () => {
    const missing: string[] = [];
    for (const [name, t] of types) {
      if (t.kind !== "class") continue;
      if (!["ContextFile", "TeamState"].includes(name) && !COMMAND.test(text(t.docs))) missing.push(name);
      for (const m of t.methods ?? []) {
        const id = `${name}${m.static ? "." : "#"}${m.name}`;
        if (!NO_COMMAND.has(id) && !COMMAND.test(text(m.docs))) missing.push(id);
      }
    }
    expect(missing).toEqual([]);
  });
});
