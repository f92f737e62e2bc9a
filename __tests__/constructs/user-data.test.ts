import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UserData } from "../../constructs/user-data";

function tempFile(name: string, data: string | Buffer): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "user-data-")), name);
  fs.writeFileSync(file, data);
  return file;
}

/** `size` incompressible bytes, the same on every run (SHA-256 in counter mode). */
function incompressible(size: number): Buffer {
  const blocks: Buffer[] = [];
  for (let i = 0; blocks.length * 32 < size; i++) blocks.push(createHash("sha256").update(String(i)).digest());
  return Buffer.concat(blocks).subarray(0, size);
}

function boundaryOf(rendered: string): string {
  const match = /^Content-Type: multipart\/mixed; boundary="([^"]+)"\n/.exec(rendered);
  if (!match) throw new Error(`no multipart header in ${rendered.slice(0, 80)}`);
  return match[1];
}

describe("UserData.forShellScript", () => {
  test("GIVEN a script without a shebang WHEN rendered THEN #!/bin/bash is put first", () => {
    expect(UserData.forShellScript("apt-get install -y htop\n").render()).toBe("#!/bin/bash\napt-get install -y htop\n");
  });

  test("GIVEN a script that starts with #! WHEN rendered THEN it is kept as is", () => {
    expect(UserData.forShellScript("#!/bin/sh\necho hi\n").render()).toBe("#!/bin/sh\necho hi\n");
  });

  test("GIVEN a shebang option WHEN rendered THEN it is the first line", () => {
    expect(UserData.forShellScript("print('hi')\n", { shebang: "#!/usr/bin/env python3" }).render()).toBe("#!/usr/bin/env python3\nprint('hi')\n");
  });

  test("GIVEN a shell script WHEN asked its content type THEN it is text/x-shellscript", () => {
    expect(UserData.forShellScript("true").contentType).toBe("text/x-shellscript");
  });

  test("GIVEN a shebang option without #! WHEN validated THEN the error names shebang and shows one", () => {
    const userData = UserData.forShellScript("echo hi", { shebang: "/bin/bash" });

    expect(() => userData.validate()).toThrow('shebang "/bin/bash" must be one line starting with "#!", e.g. "#!/bin/bash"');
  });

  test("GIVEN a script with its own shebang and a different shebang option WHEN validated THEN the error asks to drop one", () => {
    const userData = UserData.forShellScript("#!/bin/sh\necho hi", { shebang: "#!/bin/bash" });

    expect(() => userData.validate()).toThrow('script starts with its own "#!/bin/sh" line but shebang is "#!/bin/bash"; drop the shebang option or the script\'s first line');
  });

  test("GIVEN a script with Windows line endings WHEN validated THEN the error suggests dos2unix", () => {
    const userData = UserData.forShellScript("echo hi\r\necho there\r\n");

    expect(() => userData.validate()).toThrow('script has Windows line endings (CRLF), which break "#!" on Linux; convert it with dos2unix');
  });
});

describe("UserData.custom", () => {
  test("GIVEN cloud-config content WHEN rendered THEN it is unchanged and typed text/cloud-config", () => {
    const userData = UserData.custom("#cloud-config\npackages: [htop]\n");

    expect(userData.render()).toBe("#cloud-config\npackages: [htop]\n");
    expect(userData.contentType).toBe("text/cloud-config");
  });

  test("GIVEN valid cloud-config content WHEN validated THEN it passes", () => {
    expect(() => UserData.custom("#cloud-config\npackages: [htop]\n").validate()).not.toThrow();
  });

  test("GIVEN cloud-config with a YAML syntax error WHEN validated THEN the message names the line", () => {
    const userData = UserData.custom("#cloud-config\npackages:\n  - htop\n runcmd:\n  - ls\n");

    expect(() => userData.validate()).toThrow("cloud-config is not valid YAML: All mapping items must start at the same column at line 4, column 1");
  });

  test("GIVEN cloud-config that is a list WHEN validated THEN the error asks for a mapping", () => {
    const userData = UserData.custom("#cloud-config\n- packages: [htop]\n");

    expect(() => userData.validate()).toThrow('cloud-config must be a YAML mapping of module keys (e.g. "packages: [htop]"), got a list');
  });

  test("GIVEN content without a header WHEN validated THEN the error lists the accepted headers", () => {
    const userData = UserData.custom("apt-get install -y htop\n");

    expect(() => userData.validate()).toThrow('custom content starts with "apt-get install -y htop", which cloud-init does not recognise; make its first line one of: #cloud-config-archive, #cloud-config, #cloud-boothook, #include, ## template: jinja, #!, or a MIME Content-Type: header');
  });

  test("GIVEN multipart MIME content without a boundary WHEN validated THEN the error says so", () => {
    const userData = UserData.custom("Content-Type: multipart/mixed\nMIME-Version: 1.0\n\nhello\n");

    expect(() => userData.validate()).toThrow("custom content is multipart/mixed but its Content-Type has no boundary parameter; build it with UserData.multipart()");
  });
});

describe("UserData.fromFile", () => {
  test.each([
    ["#cloud-config\nhostname: vm1\n", "text/cloud-config"],
    ["#!/bin/sh\necho hi\n", "text/x-shellscript"],
    ['Content-Type: multipart/mixed; boundary="XX"\nMIME-Version: 1.0\n\n--XX\nContent-Type: text/x-shellscript\n\n#!/bin/sh\n--XX--\n', "multipart/mixed"],
  ])("GIVEN a file starting %j WHEN read THEN its content type is %s and it renders unchanged", (content, type) => {
    const userData = UserData.fromFile(tempFile("user-data", content));

    expect(userData.contentType).toBe(type);
    expect(userData.render()).toBe(content);
  });

  test("GIVEN a file with an unknown header WHEN read THEN the error names the file and the accepted headers", () => {
    const file = tempFile("init.yaml", "packages: [htop]\n");

    expect(() => UserData.fromFile(file)).toThrow(`UserData.fromFile: "${file}" starts with "packages: [htop]", which cloud-init does not recognise; make its first line one of: #cloud-config-archive, #cloud-config, #cloud-boothook, #include, ## template: jinja, #!, or a MIME Content-Type: header`);
  });

  test("GIVEN a file that is not UTF-8 WHEN read THEN the error names the file", () => {
    const file = tempFile("user-data.gz", Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff]));

    expect(() => UserData.fromFile(file)).toThrow(`UserData.fromFile: "${file}" is not UTF-8 text`);
  });

  test("GIVEN a missing file WHEN read THEN the error names it", () => {
    expect(() => UserData.fromFile("/nonexistent/user-data.sh")).toThrow('UserData.fromFile: cannot read "/nonexistent/user-data.sh" (ENOENT)');
  });

  test("GIVEN a file with invalid cloud-config WHEN validated THEN the error names the YAML line", () => {
    const userData = UserData.fromFile(tempFile("bad.yaml", "#cloud-config\nruncmd: [ls\n"));

    expect(() => userData.validate()).toThrow("cloud-config is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 3, column 1");
  });
});

describe("UserData size limit", () => {
  test("GIVEN a 70 KB incompressible write_files payload WHEN validated THEN the error gives the size after base64 and the fixes", () => {
    const content = incompressible(70 * 1024).toString("base64");
    const userData = UserData.forCloudConfig({ writeFiles: [{ path: "/opt/blob.bin", content, encoding: "b64" }] });

    expect(() => userData.validate()).toThrow(
      'user data is 127548 bytes after base64 encoding (95659 before), over Nova\'s limit of 65535; gzip big files (WriteFiles.fromLocalFile(..., { compress: true }) or encoding "gzip+b64"), inject fewer files, or fetch large files from a URL in runcmd',
    );
  });

  test("GIVEN user data of 49149 bytes (65532 after base64, the most under the limit) WHEN validated THEN it passes", () => {
    const userData = UserData.forShellScript(`#!/bin/sh\n${"#".repeat(49149 - 11)}\n`);

    expect(() => userData.validate()).not.toThrow();
  });

  test("GIVEN user data of 49150 bytes (65536 after base64) WHEN validated THEN it is over the limit", () => {
    const userData = UserData.forShellScript(`#!/bin/sh\n${"#".repeat(49150 - 11)}\n`);

    expect(() => userData.validate()).toThrow("user data is 65536 bytes after base64 encoding (49150 before), over Nova's limit of 65535");
  });
});

describe("UserData.multipart", () => {
  test("GIVEN a shell script and a cloud-config WHEN rendered THEN each is a 7bit MIME part with its type and filename, in order", () => {
    const rendered = UserData.multipart(UserData.forCloudConfig({ packages: ["htop"] }), UserData.forShellScript("echo hi\n")).render();
    const b = boundaryOf(rendered);

    expect(rendered).toBe(
      `Content-Type: multipart/mixed; boundary="${b}"\nMIME-Version: 1.0\n\n` +
        `--${b}\nContent-Type: text/cloud-config; charset="utf-8"\nMIME-Version: 1.0\nContent-Transfer-Encoding: 7bit\nContent-Disposition: attachment; filename="part-001"\n\n#cloud-config\npackages:\n  - htop\n\n` +
        `--${b}\nContent-Type: text/x-shellscript; charset="utf-8"\nMIME-Version: 1.0\nContent-Transfer-Encoding: 7bit\nContent-Disposition: attachment; filename="part-002"\n\n#!/bin/bash\necho hi\n\n` +
        `--${b}--\n`,
    );
  });

  test("GIVEN a part with non-ASCII text WHEN rendered THEN it is base64-encoded", () => {
    const rendered = UserData.multipart(UserData.custom("#!/bin/sh\necho é\n")).render();

    expect(rendered).toContain('Content-Transfer-Encoding: base64\nContent-Disposition: attachment; filename="part-001"\n\nIyEvYmluL3NoCmVjaG8gw6kK\n');
  });

  test("GIVEN equal parts built twice WHEN rendered THEN the output is equal and its boundary occurs in no part", () => {
    const build = () => UserData.multipart(UserData.forShellScript("echo a"), UserData.forCloudConfig({ hostname: "vm1" }));

    const rendered = build().render();

    expect(build().render()).toBe(rendered);
    const b = boundaryOf(rendered);
    expect("#!/bin/bash\necho a").not.toContain(b);
    expect("#cloud-config\nhostname: vm1\n").not.toContain(b);
    expect(rendered.split(`--${b}`)).toHaveLength(4);
  });

  test("GIVEN different parts WHEN rendered THEN the boundaries differ (derived from content, not fixed)", () => {
    const one = UserData.multipart(UserData.forShellScript("echo a")).render();
    const two = UserData.multipart(UserData.forShellScript("echo b")).render();

    expect(boundaryOf(one)).not.toBe(boundaryOf(two));
  });

  test("GIVEN a nested multipart WHEN rendered THEN its parts are flattened and numbered in order", () => {
    const rendered = UserData.multipart(UserData.forShellScript("echo 1"), UserData.multipart(UserData.forShellScript("echo 2"), UserData.forShellScript("echo 3"))).render();

    expect([...rendered.matchAll(/filename="([^"]+)"/g)].map((m) => m[1])).toEqual(["part-001", "part-002", "part-003"]);
    expect(rendered.match(/^Content-Type: multipart\/mixed/gm)).toHaveLength(1);
  });

  test("GIVEN a multipart WHEN asked its content type THEN it is multipart/mixed", () => {
    expect(UserData.multipart(UserData.forShellScript("true")).contentType).toBe("multipart/mixed");
  });

  test("GIVEN a nested multipart with an invalid cloud-config WHEN validated THEN the error gives the path to the part", () => {
    const userData = UserData.multipart(UserData.forShellScript("echo hi"), UserData.multipart(UserData.custom("#cloud-config\n- a\n")));

    expect(() => userData.validate()).toThrow('part 2 (multipart/mixed): part 1 (text/cloud-config): cloud-config must be a YAML mapping of module keys (e.g. "packages: [htop]"), got a list');
  });

  test("GIVEN no parts WHEN multipart is called THEN the error asks for one", () => {
    expect(() => UserData.multipart()).toThrow("UserData.multipart: no parts; pass at least one UserData");
  });

  test("GIVEN MIME content whose part filename repeats a generated one WHEN validated THEN the error names the filename", () => {
    const mime = 'Content-Type: multipart/mixed; boundary="XX"\nMIME-Version: 1.0\n\n--XX\nContent-Type: text/x-shellscript\nContent-Disposition: attachment; filename="part-001"\n\n#!/bin/sh\n--XX--\n';
    const userData = UserData.multipart(UserData.forShellScript("echo hi"), UserData.custom(mime));

    expect(() => userData.validate()).toThrow('the part filename "part-001" occurs twice');
  });
});

describe("UserData.forCloudConfig given a non-object (from JavaScript or JSON.parse)", () => {
  test.each([
    ["a YAML string (never shown: it may hold a password)", "#cloud-config\npackages: [htop]\n", "a string; for cloud-config YAML text use UserData.custom"],
    ["an array", [{ packages: ["htop"] }], "a list"],
    ["null", null, "null"],
    ["undefined", undefined, "undefined"],
    ["a number", 3, "the number 3"],
  ])("GIVEN %s WHEN forCloudConfig is called THEN one line names forCloudConfig and what it got", (_what, config, got) => {
    expect(() => UserData.forCloudConfig(config as never)).toThrow(`UserData.forCloudConfig: config must be an object of cloud-config keys, e.g. { packages: ["htop"] }; got ${got}`);
  });
});
