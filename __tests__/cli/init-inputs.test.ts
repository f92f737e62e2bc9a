/**
 * What `egi-cdktf init [DIR] [--name NAME]` accepts, through main(argv, io), no network: the app's
 * npm package name checked as npm checks a new package's (a folder name npm would refuse is a usage
 * error suggesting a valid --name), and DIR checked before anything is written (a name longer than
 * the file system allows, a parent that is a file or missing, a folder in use): exit 2, one line
 * naming DIR or --name, and nothing written.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../../cli/egi-cdktf";
import { npmNameProblems, suggestNpmName } from "../../cli/package-name";
import { tempDirsRemovedAfterAll } from "../support/temp-dirs";
import { filesBelow } from "../support/secret-scan";

const tempDir = tempDirsRemovedAfterAll();

async function run(args: string[]) {
  let stdout = "";
  let stderr = "";
  const status = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {} });
  return { status, stdout, stderr };
}

/** Every file below `dir`, relative, sorted: what init left there. */
const filesLeft = (dir: string): string[] => filesBelow(dir).map((f) => path.relative(dir, f)).sort();

/** Exit 2, one `egi-cdktf: ...` line (returned), nothing on stdout. */
function usageLine(r: { status: number; stdout: string; stderr: string }): string {
  expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 2, stdout: "" });
  expect(r.stderr).toMatch(/^egi-cdktf: [^\n]+ \(see egi-cdktf init --help\)\n$/);
  return r.stderr;
}

const packageName = (dir: string): string => JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).name;

describe("the package name from DIR's name", () => {
  test.each`
    folder                  | problem                                     | suggestion
    ${"node_modules"}       | ${"npm reserves node_modules"}              | ${"node-modules"}
    ${"favicon.ico"}        | ${"npm reserves favicon.ico"}               | ${"favicon-ico"}
    ${"Node_Modules"}       | ${"npm reserves node_modules"}              | ${"node-modules"}
    ${".hidden-app"}        | ${"it starts with a period"}                | ${"hidden-app"}
    ${"_private"}           | ${"it starts with an underscore"}           | ${"private"}
    ${"-dash"}              | ${"it starts with a hyphen"}                | ${"dash"}
    ${"http"}               | ${"http is a Node.js core module"}          | ${"http-app"}
    ${"app(1)"}             | ${"it has one of ~'!()*"}                   | ${"app-1"}
    ${"café"}               | ${"characters other than letters, digits"}  | ${"cafe"}
    ${"web#2"}              | ${"characters other than letters, digits"}  | ${"web-2"}
    ${"a".repeat(220)}      | ${"it is 220 characters, more than npm's 214"} | ${"a".repeat(214)}
  `("GIVEN DIR named $folder (fine on disk, not as an npm name) WHEN init runs THEN exit 2, one line saying why and which --name to use, nothing written", async ({ folder, problem, suggestion }) => {
    const parent = tempDir("egi-init-name-");

    const line = usageLine(await run(["init", path.join(parent, folder)]));

    expect(line).toContain(problem);
    expect(line).toContain(`name the package with --name ${suggestion},`);
    expect(npmNameProblems(suggestion)).toEqual([]);
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  test.each`
    folder          | name
    ${"My App"}     | ${"my-app"}
    ${"WebServers"} | ${"webservers"}
  `("GIVEN DIR named $folder (capitals, spaces) WHEN init runs THEN the package is $name, as npm init derives it, and the output says so and how to choose another", async ({ folder, name }) => {
    const dir = path.join(tempDir("egi-init-name-"), folder);

    const r = await run(["init", dir]);

    expect(r.status).toBe(0);
    expect(packageName(dir)).toBe(name);
    expect(r.stdout).toContain(`Created ${name} (the npm package name for folder ${JSON.stringify(folder)}; --name NAME to choose another) in ${dir}`);
  });

  test("GIVEN DIR named node_modules and --name WHEN init runs THEN the app is written there under the name given", async () => {
    const dir = path.join(tempDir("egi-init-name-"), "node_modules");

    const r = await run(["init", dir, "--name", "my-tools"]);

    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(packageName(dir)).toBe("my-tools");
    expect(r.stdout).toMatch(/^Created my-tools in /);
  });

  test("GIVEN a scoped --name WHEN init runs THEN exit 2: a private app needs no scope, and its name also names files and the server; the name without it is suggested", async () => {
    const parent = tempDir("egi-init-name-");

    const line = usageLine(await run(["init", path.join(parent, "web"), "--name", "@egi-demo/web-vm"]));

    expect(line).toContain('--name "@egi-demo/web-vm": init makes a private app, which needs no npm scope');
    expect(line).toContain("e.g. --name web-vm ");
    expect(fs.readdirSync(parent)).toEqual([]);
  });
});

describe("--name checked as npm checks it", () => {
  test.each`
    name                  | problem                              | suggestion
    ${"MyApp"}            | ${"it has capital letters"}          | ${"myapp"}
    ${"my app"}           | ${"characters other than letters"}   | ${"my-app"}
    ${".app"}             | ${"it starts with a period"}         | ${"app"}
    ${"_app"}             | ${"it starts with an underscore"}    | ${"app"}
    ${"node_modules"}     | ${"npm reserves node_modules"}       | ${"node-modules"}
    ${"fs"}               | ${"fs is a Node.js core module"}     | ${"fs-app"}
    ${"x".repeat(215)}    | ${"it is 215 characters"}            | ${"x".repeat(214)}
    ${" app"}             | ${"leading or trailing spaces"}      | ${"app"}
  `("GIVEN --name $name WHEN init runs THEN exit 2, one line naming --name, why, and a valid name, nothing written", async ({ name, problem, suggestion }) => {
    const parent = tempDir("egi-init-name-");

    const line = usageLine(await run(["init", path.join(parent, "app"), "--name", name]));

    expect(line).toContain("--name ");
    expect(line).toContain("is not a valid npm package name");
    expect(line).toContain(problem);
    expect(line).toContain(`e.g. --name ${suggestion} `);
    expect(npmNameProblems(suggestion)).toEqual([]);
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  test.each(["my-app", "a", "web.vm", "vm_2", "@egi/app", "x".repeat(214)])("GIVEN %s WHEN checked THEN npm would take it for a new package", (name) => {
    expect(npmNameProblems(name)).toEqual([]);
    expect(suggestNpmName(name)).toMatch(/^[a-z0-9-]+$/);
  });
});

describe("DIR checked before anything is written", () => {
  test("GIVEN a folder name of 250 bytes (within the file system's 255) WHEN init runs THEN the app is written: its staging folder's name does not grow with DIR's", async () => {
    const parent = tempDir("egi-init-dir-");
    const dir = path.join(parent, "d".repeat(250));

    const r = await run(["init", dir, "--name", "long-folder"]);

    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(fs.readdirSync(parent)).toEqual([path.basename(dir)]);
    expect(filesLeft(dir)).toContain("package.json");
  });

  test.each`
    given                                 | dir                                  | mentions
    ${"a folder name of 300 bytes"}       | ${(p: string) => path.join(p, "d".repeat(300))} | ${["300 bytes", "255"]}
    ${"130 two-byte characters"}          | ${(p: string) => path.join(p, "é".repeat(130))} | ${["260 bytes", "255"]}
    ${"a parent folder name too long"}    | ${(p: string) => path.join(p, "p".repeat(256), "app")} | ${["256 bytes", "255"]}
    ${"a parent that is a file"}          | ${(p: string) => path.join(p, "a-file", "app")} | ${["a-file is a file, not a folder"]}
    ${"a grandparent that is a file"}     | ${(p: string) => path.join(p, "a-file", "sub", "app")} | ${["a-file is a file, not a folder"]}
    ${"a parent that does not exist"}     | ${(p: string) => path.join(p, "missing", "app")} | ${["missing does not exist", "create it first"]}
  `("GIVEN $given WHEN init runs THEN exit 2, one line naming DIR and the part at fault, nothing written", async ({ dir, mentions }) => {
    const parent = tempDir("egi-init-dir-");
    fs.writeFileSync(path.join(parent, "a-file"), "mine\n");
    const target: string = dir(parent);

    const line = usageLine(await run(["init", target, "--name", "app"]));

    expect(line).toContain("init: DIR ");
    for (const m of mentions) expect(line).toContain(m);
    expect(line).not.toContain("egi-cdktf-init-"); // no staging folder named
    expect(filesLeft(parent)).toEqual(["a-file"]);
    expect(fs.readFileSync(path.join(parent, "a-file"), "utf8")).toBe("mine\n");
  });

  test.each`
    given                        | entries
    ${"a file of the user's"}    | ${["notes.txt"]}
    ${"a package.json"}          | ${["package.json"]}
  `("GIVEN an existing folder with $given WHEN init runs THEN exit 2 (DIR is in use), one line naming it and what is in the way, nothing changed", async ({ entries }) => {
    const dir = path.join(tempDir("egi-init-dir-"), "app");
    fs.mkdirSync(dir);
    for (const e of entries) fs.writeFileSync(path.join(dir, e), `mine: ${e}\n`);

    const line = usageLine(await run(["init", dir]));

    expect(line).toContain(`${dir} is not empty (${entries.join(", ")})`);
    expect(filesLeft(dir)).toEqual([...entries].sort());
    for (const e of entries) expect(fs.readFileSync(path.join(dir, e), "utf8")).toBe(`mine: ${e}\n`);
  });

  test("GIVEN DIR is a file WHEN init runs THEN exit 2, one line, the file unchanged", async () => {
    const file = path.join(tempDir("egi-init-dir-"), "app");
    fs.writeFileSync(file, "x");

    expect(usageLine(await run(["init", file]))).toContain(`${file} exists and is not a folder`);
    expect(fs.readFileSync(file, "utf8")).toBe("x");
  });
});
