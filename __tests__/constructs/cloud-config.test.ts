import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { Lazy } from "cdktf";
import * as YAML from "yaml";
import { WriteFiles } from "../../constructs/cloud-config";
import { UserData } from "../../constructs/user-data";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx alice@laptop";

function tempFile(name: string, data: string | Buffer): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cloud-config-")), name);
  fs.writeFileSync(file, data);
  return file;
}

describe("UserData.forCloudConfig rendering", () => {
  test("GIVEN every typed field WHEN rendered THEN the YAML parses back to cloud-init's snake_case keys", () => {
    const userData = UserData.forCloudConfig({
      hostname: "vm1",
      fqdn: "vm1.example.org",
      manageEtcHosts: "localhost",
      users: ["default", { name: "alice", gecos: "Alice A.", groups: ["docker", "adm"], sudo: "ALL=(ALL) NOPASSWD:ALL", shell: "/bin/bash", lockPasswd: true, sshAuthorizedKeys: [KEY] }],
      sshAuthorizedKeys: [KEY],
      packages: ["htop", "yes"],
      packageUpdate: true,
      packageUpgrade: false,
      runcmd: ["echo done > /tmp/done", ["systemctl", "restart", "nginx"]],
      bootcmd: [["mkdir", "-p", "/data"]],
      writeFiles: [{ path: "/etc/motd", content: "Welcome\non EGI\n", permissions: "0644", owner: "root:root", encoding: "text/plain", append: true, defer: false }],
      timezone: "Europe/Amsterdam",
      finalMessage: "up after $UPTIME s",
      extra: { ntp: { enabled: true } },
    });

    const rendered = userData.render();

    expect(rendered.startsWith("#cloud-config\n")).toBe(true);
    expect(YAML.parse(rendered, { version: "1.1" })).toEqual({
      hostname: "vm1",
      fqdn: "vm1.example.org",
      manage_etc_hosts: "localhost",
      users: ["default", { name: "alice", gecos: "Alice A.", groups: ["docker", "adm"], sudo: "ALL=(ALL) NOPASSWD:ALL", shell: "/bin/bash", lock_passwd: true, ssh_authorized_keys: [KEY] }],
      ssh_authorized_keys: [KEY],
      packages: ["htop", "yes"],
      package_update: true,
      package_upgrade: false,
      runcmd: ["echo done > /tmp/done", ["systemctl", "restart", "nginx"]],
      bootcmd: [["mkdir", "-p", "/data"]],
      write_files: [{ path: "/etc/motd", content: "Welcome\non EGI\n", permissions: "0644", owner: "root:root", encoding: "text/plain", append: true, defer: false }],
      timezone: "Europe/Amsterdam",
      final_message: "up after $UPTIME s",
      ntp: { enabled: true },
    });
  });

  test("GIVEN props in another order and undefined ones WHEN rendered THEN keys follow the interface's order and undefined ones are omitted", () => {
    const rendered = UserData.forCloudConfig({ finalMessage: "done", packages: ["htop"], timezone: undefined, hostname: "vm1" }).render();

    expect(rendered).toBe("#cloud-config\nhostname: vm1\npackages:\n  - htop\nfinal_message: done\n");
  });

  test("GIVEN strings YAML 1.1 would read as a bool or an octal number WHEN rendered THEN they are quoted", () => {
    const rendered = UserData.forCloudConfig({ writeFiles: [{ path: "/etc/flag", content: "on", permissions: "0644" }] }).render();

    expect(rendered).toBe('#cloud-config\nwrite_files:\n  - path: /etc/flag\n    content: "on"\n    permissions: "0644"\n');
  });

  test("GIVEN sudo false WHEN rendered THEN the user has sudo null (cloud-init deprecated false)", () => {
    const rendered = UserData.forCloudConfig({ users: [{ name: "bob", sudo: false }] }).render();

    expect(rendered).toBe("#cloud-config\nusers:\n  - name: bob\n    sudo: null\n");
  });

  test("GIVEN extra with a key that is also typed WHEN rendered THEN extra's value wins", () => {
    const rendered = UserData.forCloudConfig({ packages: ["htop"], extra: { packages: ["vim"] } }).render();

    expect(YAML.parse(rendered, { version: "1.1" })).toEqual({ packages: ["vim"] });
  });
});

describe("UserData.forCloudConfig validation", () => {
  test('GIVEN write_files permissions "644x" WHEN validated THEN the error names the entry and shows an octal mode', () => {
    const userData = UserData.forCloudConfig({ writeFiles: [{ path: "/etc/app.conf", content: "x", permissions: "644x" }] });

    expect(() => userData.validate()).toThrow('writeFiles[0] (/etc/app.conf): permissions "644x" is not an octal mode; use 3 or 4 octal digits, e.g. "0644" or "0755"');
  });

  test("GIVEN a relative write_files path WHEN validated THEN the error asks for an absolute path", () => {
    const userData = UserData.forCloudConfig({ writeFiles: [{ path: "etc/app.conf", content: "x" }] });

    expect(() => userData.validate()).toThrow('writeFiles[0] (etc/app.conf): path must be absolute, e.g. "/etc/app.conf"');
  });

  test("GIVEN encoding b64 with plain-text content WHEN validated THEN the error says the content is not base64", () => {
    const userData = UserData.forCloudConfig({ writeFiles: [{ path: "/etc/a", content: "not base64!", encoding: "b64" }] });

    expect(() => userData.validate()).toThrow('writeFiles[0] (/etc/a): encoding is "b64" but content is not base64; encode it (Buffer.from(data).toString("base64")) or drop encoding');
  });

  test("GIVEN a key file path instead of a public key WHEN validated THEN the error asks for the .pub contents", () => {
    const userData = UserData.forCloudConfig({ users: [{ name: "alice", sshAuthorizedKeys: ["~/.ssh/id_ed25519.pub"] }] });

    expect(() => userData.validate()).toThrow('users[0] (alice): sshAuthorizedKeys[0] "~/.ssh/id_ed25519.pub" is not an OpenSSH public key; pass the contents of the .pub file');
  });

  test("GIVEN a key that is a cdktf token WHEN validated THEN it is not checked", () => {
    const userData = UserData.forCloudConfig({ sshAuthorizedKeys: [Lazy.stringValue({ produce: () => KEY })] });

    expect(() => userData.validate()).not.toThrow();
  });

  test("GIVEN a camelCase key in extra WHEN validated THEN the error gives the snake_case spelling", () => {
    const userData = UserData.forCloudConfig({ extra: { packageRebootIfRequired: true } });

    expect(() => userData.validate()).toThrow('extra: key "packageRebootIfRequired" is not as cloud-init spells it; extra takes snake_case keys, e.g. "package_reboot_if_required"');
  });
});

describe("WriteFiles.fromLocalFile", () => {
  test("GIVEN a UTF-8 text file WHEN read THEN its text is the content with no encoding", () => {
    const local = tempFile("app.conf", "port = 8080\nname = café\n");

    const file = WriteFiles.fromLocalFile(local, "/etc/app.conf", { permissions: "0600", owner: "app:app" });

    expect(file).toEqual({ path: "/etc/app.conf", content: "port = 8080\nname = café\n", permissions: "0600", owner: "app:app", encoding: undefined });
  });

  test("GIVEN a Latin-1 (non-UTF-8) file WHEN read THEN the content is base64 with encoding b64", () => {
    const local = tempFile("latin1.txt", Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));

    const file = WriteFiles.fromLocalFile(local, "/opt/latin1.txt");

    expect(file).toMatchObject({ content: "Y2Fm6Qo=", encoding: "b64" });
  });

  test("GIVEN a file with NUL bytes WHEN read THEN it is treated as binary (b64)", () => {
    const local = tempFile("blob.bin", Buffer.from([0x41, 0x00, 0x42]));

    expect(WriteFiles.fromLocalFile(local, "/opt/blob.bin")).toMatchObject({ content: "QQBC", encoding: "b64" });
  });

  test("GIVEN compress WHEN read THEN the content is gzip+b64 that gunzips to the file", () => {
    const local = tempFile("big.txt", "hello hello hello\n");

    const file = WriteFiles.fromLocalFile(local, "/opt/big.txt", { compress: true });

    expect(file.encoding).toBe("gzip+b64");
    expect(zlib.gunzipSync(Buffer.from(file.content, "base64")).toString("utf8")).toBe("hello hello hello\n");
  });

  test("GIVEN a missing local file WHEN read THEN the error names the file", () => {
    expect(() => WriteFiles.fromLocalFile("/nonexistent/app.conf", "/etc/app.conf")).toThrow('WriteFiles.fromLocalFile: cannot read local file "/nonexistent/app.conf" (ENOENT)');
  });
});
