import * as fs from "node:fs";
import * as zlib from "node:zlib";
import { Token } from "cdktf";
import { checkArg, checkProps } from "./props-check";

/**
 * A user for cloud-init's `users` list (the `users_groups` module).
 */
export interface CloudConfigUser {
  /** Login name. */
  readonly name: string;
  /**
   * Full name (the GECOS field).
   * @default none
   */
  readonly gecos?: string;
  /**
   * Supplementary groups, e.g. `["sudo", "docker"]`; cloud-init creates missing ones.
   * @default none
   */
  readonly groups?: string[];
  /**
   * sudoers rule(s), e.g. `"ALL=(ALL) NOPASSWD:ALL"`; `false` gives no sudo rule (rendered as
   * `sudo: null`, since cloud-init deprecated `sudo: false` in 22.2).
   * @default no sudo rule
   */
  readonly sudo?: string | string[] | false;
  /**
   * Login shell, e.g. `/bin/bash`.
   * @default the distribution's default (often `/bin/sh`)
   */
  readonly shell?: string;
  /**
   * Lock the password, so only SSH keys let the user in.
   * @default true (cloud-init's default)
   */
  readonly lockPasswd?: boolean;
  /**
   * OpenSSH public keys (the contents of `.pub` files, not their paths).
   * @default none
   */
  readonly sshAuthorizedKeys?: string[];
}

/**
 * How `WriteFile.content` is encoded, as cloud-init spells it. Raw `gzip` is left out: a YAML text
 * cannot carry binary; use `gzip+b64`.
 */
export type WriteFileEncoding = "b64" | "base64" | "gzip+b64" | "gz+b64" | "gzip+base64" | "gz+base64" | "text/plain";

/**
 * One entry of cloud-init's `write_files`: replaces `openstack server create --file remote=local`.
 */
export interface WriteFile {
  /** Absolute path on the VM. */
  readonly path: string;
  /** The content, encoded as `encoding` says. */
  readonly content: string;
  /**
   * Octal mode as a string, e.g. `"0644"` or `"0755"`.
   * @default "0644"
   */
  readonly permissions?: string;
  /**
   * `user:group` owning the file.
   * @default "root:root"
   */
  readonly owner?: string;
  /**
   * How `content` is encoded.
   * @default "text/plain": content is written as is
   */
  readonly encoding?: WriteFileEncoding;
  /**
   * Append to the file instead of replacing it.
   * @default false
   */
  readonly append?: boolean;
  /**
   * Write the file in cloud-init's final stage, after users and packages exist (needed when
   * `owner` is a user that cloud-init creates).
   * @default false
   */
  readonly defer?: boolean;
}

/**
 * Typed cloud-config (`#cloud-config`), rendered with cloud-init's snake_case keys in this order.
 */
export interface CloudConfig {
  /**
   * Short host name.
   * @default the name Nova gives the instance
   */
  readonly hostname?: string;
  /**
   * Fully qualified domain name; takes precedence over `hostname`.
   * @default none
   */
  readonly fqdn?: string;
  /**
   * Let cloud-init write `/etc/hosts` (`true`), or map the host name to 127.0.1.1 only (`"localhost"`).
   * @default the image's setting (usually false)
   */
  readonly manageEtcHosts?: boolean | "localhost";
  /**
   * Users to create. Without `"default"` the image's default user (the one that gets the Nova
   * key pair) is not created: list `"default"` first to keep it.
   * @default the image's default user only
   */
  readonly users?: Array<"default" | CloudConfigUser>;
  /**
   * OpenSSH public keys for the default user, added to the Nova key pair's.
   * @default none
   */
  readonly sshAuthorizedKeys?: string[];
  /**
   * Packages to install.
   * @default none
   */
  readonly packages?: string[];
  /**
   * Refresh the package index on first boot.
   * @default false (true when `packages` is set)
   */
  readonly packageUpdate?: boolean;
  /**
   * Upgrade all packages on first boot.
   * @default false
   */
  readonly packageUpgrade?: boolean;
  /**
   * Commands run once, late in first boot: a string runs through `sh`, a list is exec'd as argv.
   * @default none
   */
  readonly runcmd?: Array<string | string[]>;
  /**
   * Commands run early on every boot, before networking (string: `sh`, list: argv).
   * @default none
   */
  readonly bootcmd?: Array<string | string[]>;
  /**
   * Files to write; `WriteFiles.fromLocalFile` reads one from the local disk.
   * @default none
   */
  readonly writeFiles?: WriteFile[];
  /**
   * Time zone, e.g. `"Europe/Amsterdam"`.
   * @default the image's (usually UTC)
   */
  readonly timezone?: string;
  /**
   * Message logged when cloud-init finishes.
   * @default cloud-init's own message
   */
  readonly finalMessage?: string;
  /**
   * Escape hatch: merged into the rendered document last (its keys replace typed ones), snake_case
   * keys as cloud-init spells them, e.g. `{ ntp: { enabled: true } }`.
   * @default none
   */
  readonly extra?: Record<string, unknown>;
}

/** Options for `WriteFiles.fromLocalFile`. */
export interface LocalWriteFileOptions {
  /**
   * Octal mode on the VM, e.g. `"0755"`.
   * @default "0644"
   */
  readonly permissions?: string;
  /**
   * `user:group` owning the file on the VM.
   * @default "root:root"
   */
  readonly owner?: string;
  /**
   * Gzip the content (`encoding: gzip+b64`), to stay under Nova's 64 KiB user data limit.
   * @default false
   */
  readonly compress?: boolean;
}

/**
 * Helpers that build `WriteFile` entries: files cloud-init writes at first boot, the docs page's
 * `openstack server create --file remote=local`.
 */
export class WriteFiles {
  /**
   * The docs page's `openstack server create --file remote=local`: reads `localPath` now (at synth time). UTF-8 text is
   * written as is; binary or non-UTF-8 content is base64-encoded (`encoding: b64`).
   * @param options permissions, owner, compression; by default none of them (cloud-init's defaults)
   * @throws Error naming the file when it cannot be read
   */
  public static fromLocalFile(localPath: string, remotePath: string, options: LocalWriteFileOptions = {}): WriteFile {
    checkArg("WriteFiles.fromLocalFile", "localPath", localPath, "non-empty string");
    checkArg("WriteFiles.fromLocalFile", "remotePath", remotePath, "non-empty string");
    checkProps("WriteFiles.fromLocalFile", options, { optional: { permissions: "non-empty string", owner: "non-empty string", compress: "boolean" } });
    let data: Buffer;
    try {
      data = fs.readFileSync(localPath);
    } catch (e) {
      throw new Error(`WriteFiles.fromLocalFile: cannot read local file "${localPath}" (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check the path, relative paths start at ${process.cwd()}`);
    }
    let content: string;
    let encoding: WriteFileEncoding | undefined;
    if (options.compress) {
      // Node's gzip header carries no timestamp, so the output is stable for equal input.
      content = zlib.gzipSync(data, { level: 9 }).toString("base64");
      encoding = "gzip+b64";
    } else {
      const text = decodeUtf8Text(data);
      content = text ?? data.toString("base64");
      encoding = text === undefined ? "b64" : undefined;
    }
    return { path: remotePath, content, permissions: options.permissions, owner: options.owner, encoding };
  }

  private constructor() {}
}

/**
 * The text in `data`, or undefined when it is not UTF-8 or holds NUL bytes (binary).
 * @internal shared with user-data.ts
 */
export function decodeUtf8Text(data: Buffer): string | undefined {
  if (data.includes(0)) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    return undefined;
  }
}

/**
 * PyYAML (cloud-init) reads YAML 1.1: render and parse with its rules, so "yes", "on", "0644" are quoted.
 * @internal shared with user-data.ts
 */
/**
 * The yaml library, loaded at the first render or parse: an app whose servers have no cloud-config
 * does not pay for its 72 modules at every synth (bench/README.md, synth at scale).
 */
export const yaml = (): typeof import("yaml") => require("yaml") as typeof import("yaml");

export const YAML_OPTIONS = { version: "1.1", lineWidth: 0, blockQuote: "literal" } as const;

/**
 * The YAML body (without the `#cloud-config` line) of a typed cloud-config.
 * @internal use `UserData.forCloudConfig(config).render()`
 */
export function renderCloudConfig(config: CloudConfig): string {
  const doc: Record<string, unknown> = {
    hostname: config.hostname,
    fqdn: config.fqdn,
    manage_etc_hosts: config.manageEtcHosts,
    users: config.users?.map((u) => (u === "default" ? u : renderUser(u))),
    ssh_authorized_keys: config.sshAuthorizedKeys,
    packages: config.packages,
    package_update: config.packageUpdate,
    package_upgrade: config.packageUpgrade,
    runcmd: config.runcmd,
    bootcmd: config.bootcmd,
    write_files: config.writeFiles?.map(renderWriteFile),
    timezone: config.timezone,
    final_message: config.finalMessage,
    ...config.extra,
  };
  return yaml().stringify(withoutUndefined(doc), YAML_OPTIONS);
}

function renderUser(user: CloudConfigUser): Record<string, unknown> {
  return withoutUndefined({
    name: user.name,
    gecos: user.gecos,
    groups: user.groups,
    sudo: user.sudo === false ? null : user.sudo,
    shell: user.shell,
    lock_passwd: user.lockPasswd,
    ssh_authorized_keys: user.sshAuthorizedKeys,
  });
}

function renderWriteFile(file: WriteFile): Record<string, unknown> {
  return withoutUndefined({
    path: file.path,
    content: file.content,
    permissions: file.permissions,
    owner: file.owner,
    encoding: file.encoding,
    append: file.append,
    defer: file.defer,
  });
}

function withoutUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

const ENCODINGS: readonly string[] = ["b64", "base64", "gzip+b64", "gz+b64", "gzip+base64", "gz+base64", "text/plain"];
const SSH_KEY = /(^|\s)(ssh-[a-z0-9-]+|ecdsa-sha2-[a-z0-9-]+|sk-[a-z0-9@.-]+)\s+AAAA/;

/**
 * Checks a typed cloud-config for mistakes cloud-init would only report in the VM's log.
 * @internal use `UserData.forCloudConfig(config).validate()`
 * @throws Error with a one-line message naming the prop and the fix
 */
export function validateCloudConfig(config: CloudConfig): void {
  config.writeFiles?.forEach((file, i) => validateWriteFile(file, `writeFiles[${i}]`));
  config.users?.forEach((user, i) => {
    if (user === "default") return;
    if (!user.name) throw new Error(`users[${i}]: name is empty; give the login name`);
    checkKeys(user.sshAuthorizedKeys, `users[${i}] (${user.name}): sshAuthorizedKeys`);
  });
  checkKeys(config.sshAuthorizedKeys, "sshAuthorizedKeys");
  for (const key of Object.keys(config.extra ?? {})) {
    if (/[A-Z]/.test(key)) {
      const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      throw new Error(`extra: key "${key}" is not as cloud-init spells it; extra takes snake_case keys, e.g. "${snake}"`);
    }
  }
}

function validateWriteFile(file: WriteFile, where: string): void {
  const name = `${where} (${file.path})`;
  if (!isToken(file.path) && !file.path.startsWith("/")) {
    throw new Error(`${name}: path must be absolute, e.g. "/${file.path}"`);
  }
  if (file.permissions !== undefined && !isToken(file.permissions) && !/^(0o)?[0-7]{3,4}$/.test(file.permissions)) {
    throw new Error(`${name}: permissions "${file.permissions}" is not an octal mode; use 3 or 4 octal digits, e.g. "0644" or "0755"`);
  }
  if (file.encoding !== undefined && !ENCODINGS.includes(file.encoding)) {
    throw new Error(`${name}: encoding "${file.encoding}" is not one of ${ENCODINGS.join(", ")}`);
  }
  if (file.encoding !== undefined && file.encoding !== "text/plain" && !isToken(file.content) && !/^[A-Za-z0-9+/=\s]*$/.test(file.content)) {
    throw new Error(`${name}: encoding is "${file.encoding}" but content is not base64; encode it (Buffer.from(data).toString("base64")) or drop encoding`);
  }
}

function checkKeys(keys: string[] | undefined, where: string): void {
  keys?.forEach((key, i) => {
    if (!isToken(key) && !SSH_KEY.test(key)) {
      throw new Error(`${where}[${i}] "${key.slice(0, 40)}" is not an OpenSSH public key; pass the contents of the .pub file (e.g. "ssh-ed25519 AAAA... me@host"), not its path`);
    }
  });
}

/** True for a cdktf token (e.g. a key pair's `publicKey`): its value is only known to terraform, so it is not checked. */
function isToken(s: string): boolean {
  return Token.isUnresolved(s);
}
