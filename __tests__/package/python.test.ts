/**
 * The Python package, built offline from the jsii assembly (`npm run package:python`): jsii-pacmak
 * generates the code, Debian's setuptools builds the wheel with no index. NOT IMPORTED: importing
 * needs the `jsii` runtime from PyPI, which this machine cannot reach; the test checks what can be
 * checked here (the wheel's modules, classes, embedded package, and that the code compiles).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const REPO = path.resolve(__dirname, "..", "..");
const VERSION = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).version as string;

/** The wheel's member names, read with Python's own zipfile module. */
function wheelMembers(wheel: string): string[] {
  const r = spawnSync("/usr/bin/python3", ["-c", "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))", wheel], { encoding: "utf8" });
  expect(r.status).toBe(0);
  return r.stdout.trim().split("\n");
}

test("GIVEN the assembly WHEN the Python package is built offline THEN the wheel holds the module, its classes and the embedded npm package, and its code compiles (built, not imported: the jsii runtime is on PyPI, unreachable here)", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "egi-python-"));
  const build = spawnSync(path.join(REPO, "scripts", "package-python.sh"), [out], { cwd: REPO, encoding: "utf8", timeout: 300_000 });
  expect({ status: build.status, stderr: build.stderr.split("\n").filter((l) => /error|warn/i.test(l)) }).toEqual({ status: 0, stderr: [] });

  const wheel = path.join(out, "wheels", `egi_fedcloud_cdktf-${VERSION}-py3-none-any.whl`);
  const members = wheelMembers(wheel);
  expect(members).toEqual(expect.arrayContaining([
    "egi_fedcloud_cdktf/__init__.py",
    `egi_fedcloud_cdktf/_jsii/egi-fedcloud-cdktf@${VERSION}.jsii.tgz`,
    "egi_fedcloud_cdktf/compute_instance_v2/__init__.py",
  ]));

  const init = fs.readFileSync(path.join(out, "python", "src", "egi_fedcloud_cdktf", "__init__.py"), "utf8");
  for (const cls of ["VirtualMachine", "EgiSite", "SecurityGroup", "MachineImage", "Flavor", "KeyPair", "Volume", "UserData"]) {
    expect(init).toMatch(new RegExp(`^class ${cls}\\(`, "m"));
  }
  // Python names: snake_case props, `from_` for the reserved word in PortRange.
  expect(init).toMatch(/def add_floating_ip\(/);
  expect(init).toMatch(/\bfrom_: jsii\.Number\b/);

  const compiled = spawnSync("/usr/bin/python3", ["-m", "compileall", "-q", path.join(out, "python", "src")], { encoding: "utf8" });
  expect({ status: compiled.status, stdout: compiled.stdout }).toEqual({ status: 0, stdout: "" });
});
