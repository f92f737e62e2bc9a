/**
 * The hand-written consumer app of the package tests (consumer.test.ts for egi-fedcloud-cdktf on
 * cdktf, consumer-cdktn.test.ts for egi-fedcloud-cdktn on cdktn): its package.json, cdktf.json, a
 * tsconfig with `module: node16` and the library's .d.ts checked, and a main.ts with a VirtualMachine,
 * the binding of `vm.instance` reached through the package's exports, and a resource no construct
 * wraps (the escape hatch).
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface ConsumerApp {
  readonly name: string;
  /** `cdktf` or `cdktn`: the module the app imports. */
  readonly framework: "cdktf" | "cdktn";
  /** Our package for that framework, installed from `tarball`. */
  readonly ourPackage: string;
  readonly tarball: string;
  /** The framework and constructs, pinned. */
  readonly dependencies: Readonly<Record<string, string>>;
  readonly devDependencies: Readonly<Record<string, string>>;
}

export function writeConsumerApp(dir: string, app: ConsumerApp): void {
  fs.mkdirSync(dir, { recursive: true });
  const write = (file: string, content: unknown) => fs.writeFileSync(path.join(dir, file), typeof content === "string" ? content : `${JSON.stringify(content, null, 2)}\n`);
  write("package.json", {
    name: app.name,
    private: true,
    dependencies: { [app.ourPackage]: `file:${app.tarball}`, ...app.dependencies },
    devDependencies: app.devDependencies,
  });
  write("cdktf.json", { language: "typescript", app: "node_modules/.bin/tsc && node dist/main.js", sendCrashReports: "false" });
  write("tsconfig.json", {
    compilerOptions: { target: "ES2022", module: "node16", moduleResolution: "node16", strict: true, skipLibCheck: false, types: ["node"], outDir: "dist", rootDir: "." },
    include: ["main.ts"],
  });
  write(
    "main.ts",
    `import { App, TerraformOutput, TerraformStack } from "${app.framework}";
import { EgiSite, Flavor, MachineImage, VirtualMachine } from "${app.ourPackage}";
import { runApp, synthWithEgiTokens } from "${app.ourPackage}/hook";
import { ComputeInstanceV2 } from "${app.ourPackage}/providers/openstack/compute-instance-v2";
import { ComputeServergroupV2 } from "${app.ourPackage}/providers/openstack/compute-servergroup-v2";

runApp(async () => {
  const app = new App();
  const stack = new TerraformStack(app, "consumer");
  new EgiSite(stack, "site");
  const vm = new VirtualMachine(stack, "vm", {
    name: "consumer-vm",
    image: MachineImage.fromRegistry({ osDistro: "ubuntu", osVersion: "22.04" }),
    flavor: Flavor.bestFit({ minVcpus: 1, minRamMb: 2048, minDiskGb: 20 }),
  });
  // The binding reached through the package's exports is the one the construct uses.
  const instance: ComputeInstanceV2 = vm.instance;
  new TerraformOutput(stack, "same_binding", { value: String(instance instanceof ComputeInstanceV2) });
  new TerraformOutput(stack, "server_id", { value: vm.instanceId });
  // The escape hatch: a resource no construct wraps, from the package's bindings.
  new ComputeServergroupV2(stack, "workers", { name: "workers", policies: ["anti-affinity"] });
  await synthWithEgiTokens(app);
});
`,
  );
}

/**
 * Point the app's pin of `ourPackage` at `tarball`, which stands in for the registry version until
 * the package is published, so that a plain `npm install` (the user's command, which also runs the
 * app's own postinstall; `npm install <spec>` would not) installs it.
 */
export function pinToTarball(dir: string, ourPackage: string, tarball: string): void {
  const file = path.join(dir, "package.json");
  const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
  if (!pkg.dependencies?.[ourPackage]) throw new Error(`${file} does not depend on ${ourPackage}`);
  pkg.dependencies[ourPackage] = `file:${tarball}`;
  fs.writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
}
