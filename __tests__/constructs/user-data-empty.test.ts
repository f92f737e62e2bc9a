import * as fs from "node:fs";
import * as path from "node:path";
import { UserData } from "../../constructs/user-data";
import { tempDirsRemovedAfterAll } from "../support/temp-dirs";

const tempDir = tempDirsRemovedAfterAll();

/** A file holding `content`, for UserData.fromFile. */
function fileWith(content: string): string {
  const file = path.join(tempDir("user-data-"), "user-data.txt");
  fs.writeFileSync(file, content);
  return file;
}

/** The one message every factory gives empty content, after naming the factory and what it took. */
const EMPTY = "is empty, so cloud-init would do nothing; give content, or leave userData out";

describe("empty user data: one rule in every factory", () => {
  test.each<[string, () => UserData, string]>([
    ["a shell script of nothing", () => UserData.forShellScript(""), "UserData.forShellScript: script"],
    ["a shell script of blanks", () => UserData.forShellScript("  \n\t\n"), "UserData.forShellScript: script"],
    ["a shell script of its shebang alone", () => UserData.forShellScript("#!/bin/bash\n"), "UserData.forShellScript: script"],
    ["a shell script of a shebang without newline", () => UserData.forShellScript("#!/bin/sh"), "UserData.forShellScript: script"],
    ["a blank script with a shebang option", () => UserData.forShellScript("", { shebang: "#!/bin/sh" }), "UserData.forShellScript: script"],
    ["custom content of nothing", () => UserData.custom(""), "UserData.custom: content"],
    ["custom content of blanks", () => UserData.custom("\n\n"), "UserData.custom: content"],
    ["custom #cloud-config alone", () => UserData.custom("#cloud-config\n"), "UserData.custom: content"],
    ["custom #! line alone", () => UserData.custom("#!/bin/bash\n\n"), "UserData.custom: content"],
    ["a typed cloud-config without keys", () => UserData.forCloudConfig({}), "UserData.forCloudConfig: config"],
    ["a typed cloud-config of undefined keys", () => UserData.forCloudConfig({ packages: undefined, extra: {} }), "UserData.forCloudConfig: config"],
  ])("GIVEN %s WHEN made THEN refused, naming the factory", (_what, make, source) => {
    expect(make).toThrow(`${source} ${EMPTY}`);
  });

  test.each([[""], ["   \n"], ["#cloud-config\n"], ["#!/bin/bash\n"]])("GIVEN a file holding %j WHEN read THEN refused, naming the file", (content) => {
    const file = fileWith(content);
    expect(() => UserData.fromFile(file)).toThrow(`UserData.fromFile: "${file}" ${EMPTY}`);
  });

  test.each<[string, () => UserData]>([
    ["a one-line script", () => UserData.forShellScript("echo hi")],
    ["a script with its own shebang", () => UserData.forShellScript("#!/bin/sh\necho hi\n")],
    ["custom cloud-config", () => UserData.custom("#cloud-config\npackages: [htop]\n")],
    ["a typed cloud-config with an empty list", () => UserData.forCloudConfig({ packages: [] })],
    ["a file with a script", () => UserData.fromFile(fileWith("#!/bin/sh\necho hi\n"))],
  ])("GIVEN %s WHEN made and validated THEN accepted", (_what, make) => {
    expect(() => make().validate()).not.toThrow();
  });
});
