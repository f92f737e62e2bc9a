import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Construct } from "constructs";
import { Token } from "cdktf";
import { ComputeKeypairV2 } from "../.gen/providers/openstack/compute-keypair-v2";
import { EgiSite } from "./egi-site";
import { checkProps, childPath } from "./props-check";
import { claimSiteName, type SiteNameKind } from "./site-names";

/** A Nova key pair, by name: what `openstack server create --key-name` takes. */
export interface IKeyPair {
  /** The key pair's name in Nova. */
  readonly keyPairName: string;
  /**
   * The site the key pair is registered at; a server at another site cannot use it.
   * @default unknown (a stack without an `EgiSite`): not checked
   */
  readonly site?: EgiSite;
}

/** A key pair already registered in Nova, by name. */
export interface KeyPairFromNameProps {
  /** The key pair's name, as `openstack keypair list` shows it. */
  readonly name: string;
  /**
   * The site where the key pair is registered (Nova key pairs are per user and per site).
   * @default `EgiSite.of(scope)`: the stack's site without alias
   */
  readonly site?: EgiSite;
}

/** A key pair from your public key: its name, the key (inline or a file) and the site. */
export interface KeyPairProps {
  /**
   * The key pair's name in Nova (letters, digits, `-`, `_` and spaces; at most 255 characters).
   * Nova key pairs belong to the user, not the project: the name must be unique among yours, and
   * synth fails when two KeyPairs of the app create the same name at the same site.
   * @default derived from the construct path, e.g. "mystack-web-key"
   */
  readonly name?: string;
  /**
   * The OpenSSH public key itself, e.g. `"ssh-ed25519 AAAA... me@laptop"`. Give this or `publicKeyFile`, not both.
   * @default the content of `publicKeyFile`
   */
  readonly publicKey?: string;
  /**
   * Local file holding the OpenSSH public key, read at synth time; `~` is the home directory.
   * Give this or `publicKey`, not both.
   * @default "~/.ssh/id_rsa.pub" (as on the EGI docs page) when `publicKey` is not given either
   */
  readonly publicKeyFile?: string;
  /**
   * The site whose provider creates the key pair.
   * @default the stack's default `openstack` provider
   */
  readonly site?: EgiSite;
}

/** A key pair whose keys the provider generates (`KeyPair.generated`): its name, the site and the acknowledgement. */
export interface GeneratedKeyPairProps {
  /**
   * Must be `true`: you accept that the private key is stored, unencrypted, in the Terraform state.
   * See `KeyPair.generated`.
   */
  readonly acknowledgePrivateKeyInState: true;
  /**
   * The key pair's name in Nova.
   * @default derived from the construct path
   */
  readonly name?: string;
  /**
   * The site whose provider creates the key pair.
   * @default the stack's default `openstack` provider
   */
  readonly site?: EgiSite;
}

/** Key types Nova accepts, as the first word of an OpenSSH public key line. */
const KEY_TYPES = [
  "ssh-ed25519",
  "ssh-rsa",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "sk-ssh-ed25519@openssh.com",
  "sk-ecdsa-sha2-nistp256@openssh.com",
];
const NOVA_NAME = /^[A-Za-z0-9_\- ]{1,255}$/;
const KEY_PAIR_NAMES: SiteNameKind = { className: "KeyPair", object: "key pair", scope: "user", where: "at the same site (Nova key pair names are per user)" };
const GENERATE = Symbol("KeyPair.generate");

/**
 * A Nova key pair whose public key comes from a local file (`~/.ssh/id_rsa.pub` by default) or is
 * given inline; the private key never leaves your machine.
 *
 * Equivalent to `openstack keypair create --public-key FILE NAME`.
 */
export class KeyPair extends Construct implements IKeyPair {
  /**
   * A key pair already registered in Nova (e.g. with `openstack keypair create`); creates nothing.
   * Equivalent to `openstack keypair show NAME`, without the request: `openstack keypair list`
   * shows yours. A server at another site than `site` refuses it at synth.
   */
  public static fromKeyPairName(scope: Construct, id: string, props: KeyPairFromNameProps): IKeyPair {
    return new ImportedKeyPair(scope, id, props);
  }

  /**
   * A key pair whose keys the provider generates (`openstack keypair create NAME` without
   * `--public-key`). The private key is then exposed as `privateKey`.
   *
   * NOT THE DEFAULT, ON PURPOSE: the private key is written unencrypted into the Terraform state
   * (local `terraform.tfstate` or your remote backend) and stays there for the key pair's lifetime.
   * Anyone who can read the state can log in to every VM using the key. Prefer `new KeyPair(...)`
   * with your own public key; use this only with a state backend you protect like the key itself.
   * Hence `acknowledgePrivateKeyInState: true` is required, and checked at run time too.
   */
  public static generated(scope: Construct, id: string, props: GeneratedKeyPairProps): KeyPair {
    checkProps(`KeyPair.generated ${childPath(scope, id)}`, props, { optional: { acknowledgePrivateKeyInState: "any", name: "string", site: "object" } });
    if ((props as { acknowledgePrivateKeyInState?: unknown })?.acknowledgePrivateKeyInState !== true) {
      const where = scope.node.path ? `${scope.node.path}/${id}` : id;
      throw new Error(`KeyPair ${where}: acknowledgePrivateKeyInState must be true for KeyPair.generated, because the provider then stores the private key unencrypted in the Terraform state; set it to true only with a protected state backend, else use new KeyPair(...) with publicKeyFile`);
    }
    return new KeyPair(scope, id, { name: props.name, site: props.site, [GENERATE]: true } as KeyPairProps);
  }

  public readonly keyPairName: string;
  /** The key's fingerprint as Nova computes it (`openstack keypair show NAME`). */
  public readonly fingerprint: string;
  /** The generated private key (sensitive): only for `KeyPair.generated`, else undefined. */
  public readonly privateKey: string | undefined;
  /** The underlying `openstack_compute_keypair_v2`. */
  public readonly resource: ComputeKeypairV2;
  private readonly givenSite?: EgiSite;

  /**
   * @param props name, public key (or file) and site; by default (`{}`) ~/.ssh/id_rsa.pub under a name from the construct path
   */
  constructor(scope: Construct, id: string, props: KeyPairProps = {}) {
    super(scope, id);
    checkProps(`KeyPair ${this.node.path}`, props, { optional: { name: "string", publicKey: "string", publicKeyFile: "non-empty string", site: "object" } });
    const generate = (props as { [GENERATE]?: boolean })[GENERATE] === true;
    const name = props.name ?? defaultName(this.node.path);
    if (!Token.isUnresolved(name) && !NOVA_NAME.test(name)) {
      throw new Error(`KeyPair ${this.node.path}: name "${name}" is not a valid Nova key pair name; use 1 to 255 letters, digits, "-", "_" or spaces`);
    }
    if (props.publicKey !== undefined && props.publicKeyFile !== undefined) {
      throw new Error(`KeyPair ${this.node.path}: publicKey and publicKeyFile are both given; give only one`);
    }
    const publicKey = generate ? undefined : this.readPublicKey(props);

    this.givenSite = props.site;
    claimSiteName(this, name, props.site, KEY_PAIR_NAMES);
    this.resource = new ComputeKeypairV2(this, "Resource", { name, publicKey, provider: props.site?.provider });
    this.keyPairName = this.resource.name;
    this.fingerprint = this.resource.fingerprint;
    this.privateKey = generate ? this.resource.privateKey : undefined;
  }

  /** The site the key pair is registered at: `site`, else the stack's site without alias. */
  public get site(): EgiSite | undefined {
    return this.givenSite ?? EgiSite.tryOf(this);
  }

  private readPublicKey(props: KeyPairProps): string {
    if (props.publicKey !== undefined) {
      if (Token.isUnresolved(props.publicKey)) return props.publicKey;
      return this.checkPublicKey(props.publicKey, "publicKey");
    }
    const given = props.publicKeyFile ?? "~/.ssh/id_rsa.pub";
    const file = expandHome(given);
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      const problem = code === "ENOENT" ? "does not exist" : `cannot be read (${code})`;
      throw new Error(`KeyPair ${this.node.path}: publicKeyFile "${file}" ${problem}; create a key with \`ssh-keygen -t ed25519\` and set publicKeyFile to "~/.ssh/id_ed25519.pub", or give the key text as publicKey`);
    }
    return this.checkPublicKey(text, `publicKeyFile "${file}"`);
  }

  /** Returns the key line, or throws naming `what`. Never puts the text in the message. */
  private checkPublicKey(text: string, what: string): string {
    const fail = (problem: string) => new Error(`KeyPair ${this.node.path}: ${what}: ${problem}`);
    if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----|PuTTY-User-Key-File/.test(text)) {
      throw fail("that is a private key; give the .pub file (its public half, e.g. ~/.ssh/id_ed25519.pub)");
    }
    if (text.includes("---- BEGIN SSH2 PUBLIC KEY ----")) {
      throw fail("is in SSH2 (RFC 4716) format, not OpenSSH; convert it with `ssh-keygen -i -f FILE`");
    }
    if (text.includes("-----BEGIN PUBLIC KEY-----") || text.includes("-----BEGIN RSA PUBLIC KEY-----")) {
      throw fail("is a PEM public key, not OpenSSH; convert it with `ssh-keygen -i -m PKCS8 -f FILE`");
    }
    const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
    if (lines.length !== 1) {
      throw fail(lines.length === 0 ? "is empty; give the .pub file written by `ssh-keygen`" : `holds ${lines.length} keys; Nova takes one, give a single .pub file`);
    }
    const [type, blob] = lines[0].split(/\s+/);
    if (!KEY_TYPES.includes(type)) {
      throw fail(`is not an OpenSSH public key (a line starting with ${KEY_TYPES.join(", ")}); give the .pub file written by \`ssh-keygen\``);
    }
    if (blob === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob) || embeddedType(blob) !== type) {
      throw fail(`is a damaged ${type} key (its base64 part does not decode to a ${type} key); copy the whole .pub line again`);
    }
    return lines[0];
  }
}

/** `KeyPair.fromKeyPairName`: a name, nothing created. */
class ImportedKeyPair extends Construct implements IKeyPair {
  public readonly keyPairName: string;
  private readonly givenSite?: EgiSite;

  constructor(scope: Construct, id: string, props: KeyPairFromNameProps) {
    super(scope, id);
    if (typeof props === "string") {
      throw new Error(`KeyPair ${this.node.path}: fromKeyPairName takes props since 0.2; write KeyPair.fromKeyPairName(scope, "${id}", { name: ${JSON.stringify(props)} })`);
    }
    checkProps(`KeyPair.fromKeyPairName ${this.node.path}`, props, { required: { name: "string" }, optional: { site: "object" } });
    const name = (props as Partial<KeyPairFromNameProps> | undefined)?.name;
    if (typeof name !== "string" || (!Token.isUnresolved(name) && !NOVA_NAME.test(name))) {
      throw new Error(`KeyPair ${this.node.path}: name ${JSON.stringify(name)} is not a valid Nova key pair name; give the name as \`openstack keypair list\` shows it`);
    }
    this.keyPairName = name;
    this.givenSite = props.site;
  }

  public get site(): EgiSite | undefined {
    return this.givenSite ?? EgiSite.tryOf(this);
  }
}

/** The construct path as a Nova key pair name: "stack/web/key" -> "stack-web-key". */
function defaultName(nodePath: string): string {
  const name = nodePath.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "") || "key";
  if (name.length <= 255) return name;
  const hash = createHash("sha256").update(nodePath).digest("hex").slice(0, 8);
  return `${name.slice(0, 246)}-${hash}`;
}

function expandHome(file: string): string {
  if (file === "~") return os.homedir();
  if (file.startsWith("~/")) return path.join(os.homedir(), file.slice(2));
  return path.resolve(file);
}

/** The key type an OpenSSH key blob starts with (a length-prefixed string), if any. */
function embeddedType(blob: string): string | undefined {
  const data = Buffer.from(blob, "base64");
  if (data.length < 4) return undefined;
  const length = data.readUInt32BE(0);
  if (length > 64 || data.length < 4 + length) return undefined;
  return data.subarray(4, 4 + length).toString("latin1");
}
