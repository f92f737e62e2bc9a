import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { CloudConfig, decodeUtf8Text, renderCloudConfig, validateCloudConfig, yaml, YAML_OPTIONS } from "./cloud-config";
import { describeValue } from "./describe-value";
import { checkArg, checkProps, type PropsShape } from "./props-check";

/** Nova's limit on `user_data`, counted after base64 encoding. */
const NOVA_USER_DATA_LIMIT = 65535;

/** Options for `UserData.forShellScript`. */
export interface ShellScriptOptions {
  /**
   * The interpreter line put before the script, when the script has none.
   * @default "#!/bin/bash"
   */
  readonly shebang?: string;
}

/**
 * cloud-init user data for a VM: what the docs page passes to `openstack server create --user-data`.
 * The VM passes `render()` to `openstack_compute_instance_v2.user_data` (the provider base64-encodes it).
 */
export abstract class UserData {
  /**
   * A shell script, run once as root late in first boot. `#!/bin/bash` (or `options.shebang`) is
   * put first unless the script starts with `#!`. What `openstack server create --user-data
   * script.sh` takes.
   * @param options the shebang; by default `#!/bin/bash`
   */
  public static forShellScript(script: string, options: ShellScriptOptions = {}): UserData {
    checkArg("UserData.forShellScript", "script", script, "string");
    checkProps("UserData.forShellScript", options, { optional: { shebang: "string" } });
    checkNotEmpty(script.startsWith("#!") ? script.slice(script.split("\n", 1)[0].length) : script, "UserData.forShellScript: script");
    return new ShellScriptUserData(script, options);
  }

  /**
   * The docs page's `--user-data FILE`: reads the local file now (at synth time) and detects its
   * type from its first line (`#cloud-config`, `#!`, a MIME `Content-Type:` header, ...).
   * Equivalent to `openstack server create --user-data PATH`.
   * @throws Error naming the file when it cannot be read, is not UTF-8 text or has a header cloud-init does not know
   */
  public static fromFile(path: string): UserData {
    checkArg("UserData.fromFile", "path", path, "non-empty string");
    let data: Buffer;
    try {
      data = fs.readFileSync(path);
    } catch (e) {
      throw new Error(`UserData.fromFile: cannot read "${path}" (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check the path, relative paths start at ${process.cwd()}`);
    }
    const text = decodeUtf8Text(data);
    if (text === undefined) {
      throw new Error(`UserData.fromFile: "${path}" is not UTF-8 text (gzip or binary user data cannot go in user_data); give the uncompressed file, or gzip files inside a cloud-config with WriteFiles.fromLocalFile(..., { compress: true })`);
    }
    checkNotEmpty(bodyOf(text), `UserData.fromFile: "${path}"`);
    if (detectContentType(text) === undefined) {
      throw new Error(`UserData.fromFile: "${path}" ${unknownHeader(text)}`);
    }
    return new RawUserData(text, `file "${path}"`);
  }

  /**
   * Typed cloud-config, rendered as `#cloud-config` YAML with cloud-init's snake_case keys.
   * What `openstack server create --user-data` takes as a `#cloud-config` file.
   * @throws Error when `config` is not an object (a string, list or null from JavaScript or
   * `JSON.parse`); for cloud-config YAML text use `UserData.custom`
   */
  public static forCloudConfig(config: CloudConfig): UserData {
    const given: unknown = config;
    if (given === null || typeof given !== "object" || Array.isArray(given)) {
      const hint = typeof given === "string" ? "; for cloud-config YAML text use UserData.custom" : "";
      throw new Error(`UserData.forCloudConfig: config must be an object of cloud-config keys, e.g. { packages: ["htop"] }; got ${describeKind(given)}${hint}`);
    }
    checkCloudConfigProps(config);
    checkNotEmpty(renderCloudConfig(config).trim() === "{}" ? "" : "config", "UserData.forCloudConfig: config");
    return new CloudConfigUserData(config);
  }

  /**
   * Content given as is; `validate()` checks what its header allows (a known header, cloud-config
   * YAML, a MIME boundary). What `openstack server create --user-data` takes, as written.
   */
  public static custom(content: string): UserData {
    checkArg("UserData.custom", "content", content, "string");
    checkNotEmpty(bodyOf(content), "UserData.custom: content");
    return new RawUserData(content, "custom content");
  }

  /**
   * cloud-init's multi-part MIME format, combining parts that run in the given order (e.g. a
   * cloud-config and a shell script). Nested multiparts are flattened. Replaces
   * `cloud-init devel make-mime` before `openstack server create --user-data`.
   */
  public static multipart(...parts: UserData[]): UserData {
    if (parts.length === 0) throw new Error("UserData.multipart: no parts; pass at least one UserData");
    parts.forEach((part, i) => {
      if (!(part instanceof UserData)) throw new Error(`UserData.multipart: part ${i + 1} must be a UserData (UserData.forShellScript, .forCloudConfig, ...), got ${describeKind(part)}`);
    });
    return new MultipartUserData(parts);
  }

  /** MIME type of this part: `text/x-shellscript`, `text/cloud-config`, `multipart/mixed`, ... */
  public abstract readonly contentType: string;

  /**
   * The `user_data` string (not base64: the provider encodes it). Equal input renders equal output.
   */
  public abstract render(): string;

  /**
   * Throws an Error with a one-line message when cloud-init or Nova would reject or ignore this user
   * data: unknown header, cloud-config that is not a YAML mapping, bad `write_files` entries, or a
   * size over Nova's 65535 bytes after base64 encoding.
   */
  public validate(): void {
    this._validateContent();
    const raw = Buffer.byteLength(this.render(), "utf8");
    const encoded = 4 * Math.ceil(raw / 3);
    if (encoded > NOVA_USER_DATA_LIMIT) {
      throw new Error(`user data is ${encoded} bytes after base64 encoding (${raw} before), over Nova's limit of ${NOVA_USER_DATA_LIMIT}; gzip big files (WriteFiles.fromLocalFile(..., { compress: true }) or encoding "gzip+b64"), inject fewer files, or fetch large files from a URL in runcmd`);
    }
  }

  /**
   * Checks the content, without the size limit (which applies to the whole user data only).
   * @internal
   */
  public abstract _validateContent(): void;
}

/**
 * The one rule for empty user data, whichever factory made it: content with nothing after its
 * header line (`""`, `#!/bin/bash` alone, `#cloud-config` alone, a cloud-config with no keys, a
 * multipart with no parts) is refused, as cloud-init would boot the server and do nothing.
 */
function checkNotEmpty(body: string, source: string): void {
  if (body.trim() === "") throw new Error(`${source} is empty, so cloud-init would do nothing; give content, or leave userData out`);
}

/** The content after its header line (all of it when it has no known header; MIME content is never empty). */
function bodyOf(content: string): string {
  if (MIME_START.test(content)) return content;
  const header = HEADERS.find(([prefix]) => content.startsWith(prefix));
  return header ? content.slice(content.split("\n", 1)[0].length) : content;
}

/** A value's kind for messages, without its content (user data may hold secrets). */
function describeKind(value: unknown): string {
  return typeof value === "string" ? "a string" : describeValue(value);
}

const CLOUD_CONFIG_PROPS: PropsShape = {
  optional: {
    hostname: "string",
    fqdn: "string",
    manageEtcHosts: "any",
    users: "list",
    sshAuthorizedKeys: "list",
    packages: "list",
    packageUpdate: "boolean",
    packageUpgrade: "boolean",
    runcmd: "list",
    bootcmd: "list",
    writeFiles: "list",
    timezone: "string",
    finalMessage: "string",
    extra: "object",
  },
};
const USER_PROPS: PropsShape = {
  required: { name: "string" },
  optional: { gecos: "string", groups: "list", sudo: "any", shell: "string", lockPasswd: "boolean", sshAuthorizedKeys: "list" },
};
const WRITE_FILE_PROPS: PropsShape = {
  required: { path: "string", content: "string" },
  optional: { permissions: "string", owner: "string", encoding: "string", append: "boolean", defer: "boolean" },
};

/** Refuses a misspelled or missing key of a typed cloud-config, its users or its writeFiles (JavaScript callers). */
function checkCloudConfigProps(config: CloudConfig): void {
  const what = "UserData.forCloudConfig";
  try {
    checkProps(what, config, CLOUD_CONFIG_PROPS);
  } catch (err) {
    const message = (err as Error).message;
    throw new Error(message.includes("unknown prop") && !message.includes("did you mean") ? `${message.replace(/; known props: .*/, "")}; give other cloud-init modules in extra, with cloud-init's snake_case keys` : message);
  }
  config.users?.forEach((user, i) => {
    if (user !== "default") checkProps(`${what}: users[${i}]`, user, USER_PROPS);
  });
  config.writeFiles?.forEach((file, i) => checkProps(`${what}: writeFiles[${i}]`, file, WRITE_FILE_PROPS));
}

/** First-line prefixes cloud-init recognises, longest first (`#cloud-config-archive` before `#cloud-config`). */
const HEADERS: ReadonlyArray<readonly [string, string]> = [
  ["#cloud-config-archive", "text/cloud-config-archive"],
  ["#cloud-config", "text/cloud-config"],
  ["#cloud-boothook", "text/cloud-boothook"],
  ["#include", "text/x-include-url"],
  ["## template: jinja", "text/jinja2"],
  ["#!", "text/x-shellscript"],
];
const MIME_START = /^(content-type|mime-version)\s*:/i;

/** The MIME type cloud-init would give `content`, or undefined when it would ignore it. */
function detectContentType(content: string): string | undefined {
  const header = HEADERS.find(([prefix]) => content.startsWith(prefix));
  if (header) return header[1];
  if (MIME_START.test(content)) return mimeHeaders(content).type ?? "multipart/mixed";
  return undefined;
}

function unknownHeader(content: string): string {
  const first = content.split("\n", 1)[0].trim();
  const found = first === "" ? "is empty or starts with a blank line" : `starts with "${first.slice(0, 40)}"`;
  return `${found}, which cloud-init does not recognise; make its first line one of: ${HEADERS.map(([p]) => p).join(", ")}, or a MIME Content-Type: header`;
}

/** The media type and boundary of a MIME document's top-level `Content-Type` header. */
function mimeHeaders(content: string): { type?: string; boundary?: string } {
  const head = content.split(/\r?\n\r?\n/, 1)[0];
  const value = /^content-type\s*:\s*(.*(?:\r?\n[ \t].*)*)/im.exec(head)?.[1];
  if (value === undefined) return {};
  const boundary = /boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(value);
  return { type: value.split(";")[0].trim().toLowerCase(), boundary: boundary?.[1] ?? boundary?.[2] };
}

/** Parses cloud-config YAML as cloud-init (PyYAML, YAML 1.1) would, requiring a mapping. */
function checkCloudConfigYaml(content: string): void {
  const YAML = yaml();
  const doc = YAML.parseDocument(content, { version: YAML_OPTIONS.version });
  if (doc.errors.length > 0) {
    throw new Error(`cloud-config is not valid YAML: ${doc.errors[0].message.split("\n")[0].replace(/:$/, "")}`);
  }
  if (doc.contents !== null && !YAML.isMap(doc.contents)) {
    const got = YAML.isSeq(doc.contents) ? "a list" : `the scalar ${JSON.stringify(String(doc.contents))}`;
    throw new Error(`cloud-config must be a YAML mapping of module keys (e.g. "packages: [htop]"), got ${got}`);
  }
}

function checkShellScript(content: string, source: string): void {
  if (content.includes("\r\n")) {
    throw new Error(`${source} has Windows line endings (CRLF), which break "#!" on Linux; convert it with dos2unix`);
  }
}

/** A shell script, with a shebang added when missing. */
class ShellScriptUserData extends UserData {
  public readonly contentType = "text/x-shellscript";

  constructor(private readonly script: string, private readonly options: ShellScriptOptions) {
    super();
  }

  public render(): string {
    if (this.script.startsWith("#!")) return this.script;
    return `${this.options.shebang ?? "#!/bin/bash"}\n${this.script}`;
  }

  public _validateContent(): void {
    const shebang = this.options.shebang;
    if (shebang !== undefined) {
      if (!/^#!\S/.test(shebang) || shebang.includes("\n")) {
        throw new Error(`shebang "${shebang}" must be one line starting with "#!", e.g. "#!/bin/bash"`);
      }
      const own = this.script.startsWith("#!") ? this.script.split("\n", 1)[0] : undefined;
      if (own !== undefined && own !== shebang) {
        throw new Error(`script starts with its own "${own}" line but shebang is "${shebang}"; drop the shebang option or the script's first line`);
      }
    }
    checkShellScript(this.script, "script");
  }
}

/** Typed cloud-config. */
class CloudConfigUserData extends UserData {
  public readonly contentType = "text/cloud-config";

  constructor(private readonly config: CloudConfig) {
    super();
  }

  public render(): string {
    return `#cloud-config\n${renderCloudConfig(this.config)}`;
  }

  public _validateContent(): void {
    validateCloudConfig(this.config);
  }
}

/** Content from `custom()` or `fromFile()`, typed by its header. */
class RawUserData extends UserData {
  public readonly contentType: string;

  constructor(private readonly content: string, private readonly source: string) {
    super();
    // cloud-init treats content without a known header as text/plain, and ignores it.
    this.contentType = detectContentType(content) ?? "text/plain";
  }

  public render(): string {
    return this.content;
  }

  public _validateContent(): void {
    if (detectContentType(this.content) === undefined) {
      throw new Error(`${this.source} ${unknownHeader(this.content)}`);
    }
    if (isMime(this.content)) {
      const { boundary } = mimeHeaders(this.content);
      if (this.contentType.startsWith("multipart/") && (boundary === undefined || !this.content.includes(`--${boundary}`))) {
        throw new Error(`${this.source} is ${this.contentType} but ${boundary === undefined ? "its Content-Type has no boundary parameter" : `boundary "${boundary}" never occurs`}; build it with UserData.multipart()`);
      }
    } else if (this.contentType === "text/cloud-config") {
      checkCloudConfigYaml(this.content);
    } else if (this.contentType === "text/x-shellscript") {
      checkShellScript(this.content, this.source);
    }
  }
}

function isMime(content: string): boolean {
  return MIME_START.test(content);
}

/** cloud-init's multi-part MIME format. */
class MultipartUserData extends UserData {
  public readonly contentType = "multipart/mixed";

  constructor(private readonly parts: UserData[]) {
    super();
  }

  public render(): string {
    const entities = this.leaves().map((part, i) => mimeEntity(part, i + 1));
    const boundary = boundaryFor(entities);
    const lines = [`Content-Type: multipart/mixed; boundary="${boundary}"`, "MIME-Version: 1.0", ""];
    for (const entity of entities) {
      // The line break before a delimiter belongs to the delimiter, so each body keeps its own ending.
      lines.push(`--${boundary}`, entity);
    }
    lines.push(`--${boundary}--`, "");
    return lines.join("\n");
  }

  public _validateContent(): void {
    if (this.parts.length === 0) {
      throw new Error("multipart has no parts; pass at least one UserData to UserData.multipart()");
    }
    this.parts.forEach((part, i) => {
      try {
        part._validateContent();
      } catch (e) {
        throw new Error(`part ${i + 1} (${part.contentType}): ${(e as Error).message}`);
      }
    });
    // cloud-init stores scripts under their part's filename: a repeated one would overwrite a script.
    const names = this.leaves().flatMap((part, i) => {
      const body = part.render();
      return isMime(body) ? [...body.matchAll(/filename\s*=\s*"?([^";\s]+)/gi)].map((m) => m[1]) : [partFilename(i + 1)];
    });
    const repeated = names.find((n, i) => names.indexOf(n) !== i);
    if (repeated !== undefined) {
      throw new Error(`the part filename "${repeated}" occurs twice (nested MIME content keeps its own names), so cloud-init would overwrite one part with the other; rename the parts in the MIME content, or pass its parts to UserData.multipart() instead`);
    }
  }

  /** The parts, with nested multiparts replaced by their own parts (cloud-init runs them in the same order). */
  private leaves(): UserData[] {
    return this.parts.flatMap((p) => (p instanceof MultipartUserData ? p.leaves() : [p]));
  }
}

/** A part as a MIME entity (headers, blank line, body); MIME content is nested as is. */
function mimeEntity(part: UserData, index: number): string {
  const body = part.render();
  if (isMime(body)) return body;
  const ascii = /^[\x00-\x7f]*$/.test(body);
  return [
    `Content-Type: ${part.contentType}; charset="utf-8"`,
    "MIME-Version: 1.0",
    `Content-Transfer-Encoding: ${ascii ? "7bit" : "base64"}`,
    `Content-Disposition: attachment; filename="${partFilename(index)}"`,
    "",
    ascii ? body : (Buffer.from(body, "utf8").toString("base64").match(/.{1,76}/g) ?? []).join("\n"),
  ].join("\n");
}

/** cloud-init's own name for the index-th part (1-based). */
function partFilename(index: number): string {
  return `part-${String(index).padStart(3, "0")}`;
}

/** A boundary derived from the content (so renders are stable) that occurs in no part. */
function boundaryFor(entities: string[]): string {
  for (let salt = 0; ; salt++) {
    const hash = createHash("sha256").update(`${salt}\0${entities.join("\0")}`).digest("hex");
    const boundary = `==========${hash.slice(0, 24)}==`;
    if (!entities.some((e) => e.includes(boundary))) return boundary;
  }
}
