/**
 * A PostgreSQL connection string (PG_CONN_STR) checked at synth the way libpq reads one, and the
 * way the driver of the engine that will use it reads it: terraform's and OpenTofu's `pg` backends
 * connect with the Go driver lib/pq, not libpq. terraform 1.11 links lib/pq 1.10.3, OpenTofu 1.11
 * lib/pq 1.11.2 (`go version -m $(which terraform)`). Both drivers send every option they do not
 * handle to the server as a run-time setting, and the server refuses the connection for any it
 * does not know: libpq's `keepalives` or `channel_binding` end in a connection error at deploy.
 *
 * No problem ever shows the string, or any part of it but option names and the values of
 * enumerated options libpq knows: it holds the database password.
 * @internal
 */
import { isIP } from "node:net";
import * as path from "node:path";

/** Which `pg` backend will read the string: terraform's (lib/pq 1.10) or OpenTofu's (lib/pq 1.11). */
export type PgDriver = "terraform" | "tofu";

const DRIVER_NAME: Readonly<Record<PgDriver, string>> = {
  terraform: "terraform's PostgreSQL driver (lib/pq 1.10)",
  tofu: "OpenTofu's PostgreSQL driver (lib/pq 1.11)",
};

/** The driver of the engine cdktf will run: OpenTofu when TERRAFORM_BINARY_NAME names tofu, else terraform. */
export function pgDriverFor(env: NodeJS.ProcessEnv = process.env): PgDriver {
  const binary = env.TERRAFORM_BINARY_NAME;
  return binary && path.basename(binary).startsWith("tofu") ? "tofu" : "terraform";
}

const BOTH: readonly PgDriver[] = ["terraform", "tofu"];
const TOFU: readonly PgDriver[] = ["tofu"];
const NONE: readonly PgDriver[] = [];

/** Go's strconv-like booleans lib/pq 1.11 reads (pqutil.ParseBool). */
const GO_BOOLS = ["1", "t", "T", "true", "TRUE", "True", "yes", "on", "0", "f", "F", "false", "FALSE", "False", "no", "off"];

interface Keyword {
  /** libpq knows it (PostgreSQL 18's keywords); false for lib/pq's own options, which libpq refuses. */
  readonly libpq: boolean;
  /** The drivers that handle it (or pass it to a server that takes it at startup). */
  readonly drivers: readonly PgDriver[];
  /** libpq's values, for enumerated options. */
  readonly values?: readonly string[];
  /** libpq wants a whole number. */
  readonly integer?: boolean;
  /** What libpq further requires of the value: a problem, or undefined. */
  readonly check?: (value: string) => string | undefined;
  /** What `driver` requires of the value: a problem, or undefined. */
  readonly driverCheck?: (value: string, driver: PgDriver) => string | undefined;
}

const libpq = (drivers: readonly PgDriver[], more: Partial<Keyword> = {}): Keyword => ({ libpq: true, drivers, ...more });

/** Go's `net.Dial` and lib/pq 1.11's ParseUint take digits only; libpq allows a list, lib/pq 1.10 one port. */
function checkPort(value: string): string | undefined {
  const ports = value.split(",").map((p) => p.trim());
  if (ports.some((p) => p !== "" && (!/^[+-]?\d+$/.test(p) || Number(p) < 1 || Number(p) > 65535))) return "has a port that is not a number from 1 to 65535";
  return undefined;
}

function driverPort(value: string, driver: PgDriver): string | undefined {
  if (value.includes(",") && driver === "terraform") return `lists several ports, which libpq takes but ${DRIVER_NAME[driver]} cannot; give one port`;
  if (value.split(",").some((p) => p !== "" && !/^\d+$/.test(p))) return `has a port with a sign or spaces, which ${DRIVER_NAME[driver]} refuses; write digits only`;
  return undefined;
}

function driverBool(key: string, value: string, driver: PgDriver): string | undefined {
  if (driver === "terraform" && key !== "sslinline" && value !== "yes" && value !== "no") return `has ${key} that ${DRIVER_NAME[driver]} does not read as yes or no; write yes or no`;
  if (driver === "tofu" && !GO_BOOLS.includes(value)) return `has ${key} that ${DRIVER_NAME[driver]} does not read as true or false; write true or false`;
  return undefined;
}

const KEYWORDS: ReadonlyMap<string, Keyword> = new Map<string, Keyword>([
  ["host", libpq(BOTH, { driverCheck: (v, d) => (v.includes(",") && d === "terraform" ? `lists several hosts, which libpq takes but ${DRIVER_NAME[d]} cannot; give one host` : undefined) })],
  ["hostaddr", libpq(TOFU, { check: (v) => (v.split(",").some((a) => a !== "" && isIP(a) === 0) ? "has hostaddr that is not a numeric IP address (a host name goes in host)" : undefined) })],
  ["port", libpq(BOTH, { check: checkPort, driverCheck: driverPort })],
  ["dbname", libpq(BOTH)],
  ["user", libpq(BOTH)],
  ["password", libpq(BOTH)],
  ["passfile", libpq(TOFU)],
  ["require_auth", libpq(NONE)],
  ["channel_binding", libpq(NONE, { values: ["disable", "prefer", "require"] })],
  ["connect_timeout", libpq(BOTH, { integer: true })],
  ["client_encoding", libpq(BOTH, { driverCheck: (v, d) => (/^(utf8|unicode)$/.test(v.toLowerCase().replace(/[^a-z0-9]/g, "")) ? undefined : `has client_encoding other than UTF8, which ${DRIVER_NAME[d]} refuses; remove it or write UTF8`) })],
  ["options", libpq(BOTH)],
  ["application_name", libpq(BOTH)],
  ["fallback_application_name", libpq(BOTH)],
  ...["keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout"].map((k) => [k, libpq(NONE, { integer: true })] as const),
  ["replication", libpq(BOTH)],
  ["gssencmode", libpq(NONE, { values: ["disable", "prefer", "require"] })],
  ["sslmode", libpq(BOTH, {
    values: ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"],
    driverCheck: (v, d) => (v === "allow" || v === "prefer" ? `has sslmode=${v}, which libpq takes but ${DRIVER_NAME[d]} refuses (it knows disable, require, verify-ca and verify-full); use require or verify-full` : undefined),
  })],
  ["sslnegotiation", libpq(TOFU, { values: ["postgres", "direct"] })],
  ["sslcompression", libpq(NONE)],
  ["sslcert", libpq(BOTH)],
  ["sslkey", libpq(BOTH)],
  ["sslkeylogfile", libpq(NONE)],
  ["sslpassword", libpq(NONE)],
  ["sslcertmode", libpq(NONE, { values: ["disable", "allow", "require"] })],
  ["sslrootcert", libpq(BOTH)],
  ["sslcrl", libpq(NONE)],
  ["sslcrldir", libpq(NONE)],
  ["sslsni", libpq(TOFU, { driverCheck: (v, d) => driverBool("sslsni", v, d) })],
  ["requirepeer", libpq(NONE)],
  ["ssl_min_protocol_version", libpq(NONE, { values: ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] })],
  ["ssl_max_protocol_version", libpq(NONE, { values: ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] })],
  ["min_protocol_version", libpq(NONE)],
  ["max_protocol_version", libpq(NONE)],
  ["krbsrvname", libpq(BOTH)],
  ["gsslib", libpq(NONE, { values: ["gssapi", "sspi"] })],
  ["gssdelegation", libpq(NONE)],
  ["service", libpq(NONE)],
  ["target_session_attrs", libpq(TOFU, { values: ["any", "read-write", "read-only", "primary", "standby", "prefer-standby"] })],
  ["load_balance_hosts", libpq(TOFU, { values: ["disable", "random"] })],
  ...["oauth_issuer", "oauth_client_id", "oauth_client_secret", "oauth_scope"].map((k) => [k, libpq(NONE)] as const),
  // lib/pq's own options: libpq refuses them, both drivers read them.
  ["sslinline", { libpq: false, drivers: BOTH, driverCheck: (v, d) => driverBool("sslinline", v, d) }],
  ["krbspn", { libpq: false, drivers: BOTH }],
  ["binary_parameters", { libpq: false, drivers: BOTH, driverCheck: (v, d) => driverBool("binary_parameters", v, d) }],
  ["disable_prepared_binary_result", { libpq: false, drivers: BOTH, driverCheck: (v, d) => driverBool("disable_prepared_binary_result", v, d) }],
  ["datestyle", { libpq: false, drivers: BOTH, driverCheck: (v, d) => (v === "ISO, MDY" ? undefined : `has datestyle other than "ISO, MDY", which ${DRIVER_NAME[d]} refuses; remove it`) }],
]);

interface ConnOption {
  readonly key: string;
  readonly value: string;
}

/** A parse failure: the problem, never the text. */
class Unreadable {
  constructor(public readonly problem: string) {}
}

/**
 * What is wrong with `value` as a connection string for `driver`: one-line problems, each to be
 * put after the variable's name (e.g. "PG_CONN_STR has ..."); empty when nothing is.
 */
export function pgConnStrProblems(value: string, driver: PgDriver): string[] {
  const parsed = /^postgres(ql)?:\/\//.test(value) ? parseUri(value, driver) : parseKeywordValue(value);
  if (parsed instanceof Unreadable) return [parsed.problem];
  const problems = parsed.flatMap((option) => optionProblems(option, driver));
  return [...new Set(problems)];
}

function optionProblems({ key, value }: ConnOption, driver: PgDriver): string[] {
  const spec = KEYWORDS.get(key);
  if (!spec) {
    const name = /^[A-Za-z_][A-Za-z0-9_.]{0,62}$/.test(key) ? `option "${key}", which is` : "an option name that is";
    return [`has ${name} not a connection option libpq knows (libpq: invalid connection option); server settings go in options, e.g. options='-c search_path=app'`];
  }
  if (spec.values && !spec.values.includes(value)) return [`has ${key} with a value libpq does not take; use one of ${spec.values.join(", ")}`];
  if (spec.integer && value !== "" && !/^\s*[+-]?\d+\s*$/.test(value)) return [`has ${key} that is not a whole number`];
  const libpqProblem = spec.check?.(value);
  if (libpqProblem) return [libpqProblem];
  if (!spec.drivers.includes(driver)) {
    return [`has option "${key}", which libpq knows but ${DRIVER_NAME[driver]} does not: it would send it to the server as a setting, and the server refuses the connection; remove it`];
  }
  if (spec.integer && value !== "" && !/^[+-]?\d+$/.test(value)) return [`has ${key} with spaces, which ${DRIVER_NAME[driver]} refuses; write digits only`];
  const driverProblem = spec.driverCheck?.(value, driver);
  return driverProblem ? [driverProblem] : [];
}

/** libpq's conninfo_parse (lib/pq's parseOpts is a copy of it): `key = value` pairs, values optionally in single quotes. */
function parseKeywordValue(text: string): ConnOption[] | Unreadable {
  const options: ConnOption[] = [];
  const space = (c: string | undefined) => c !== undefined && /\s/.test(c);
  let i = 0;
  const skipSpaces = () => {
    while (space(text[i])) i++;
  };
  for (;;) {
    skipSpaces();
    if (i >= text.length) return options;
    let key = "";
    while (i < text.length && !space(text[i]) && text[i] !== "=") key += text[i++];
    skipSpaces();
    if (text[i] !== "=") {
      return new Unreadable(`is neither a postgres:// URL nor keyword=value pairs: a word has no "=" after it (quote a value with spaces: password='a b')`);
    }
    i++;
    skipSpaces();
    let value = "";
    if (text[i] === "'") {
      i++;
      for (;;) {
        if (i >= text.length) return new Unreadable("has a quoted value without its closing ' (write a quote inside a value as \\')");
        const c = text[i++];
        if (c === "'") break;
        value += c === "\\" ? (text[i++] ?? "") : c;
      }
    } else {
      while (i < text.length && !space(text[i])) {
        if (text[i] === "\\") {
          i++;
          if (i >= text.length) return new Unreadable("ends in a backslash, which the PostgreSQL drivers refuse (write a backslash as \\\\)");
        }
        value += text[i++];
      }
    }
    options.push({ key, value });
  }
}

/** Percent-decoding that never throws (bytes that are not UTF-8 stay encoded). */
function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Go's url.Parse allows these in the user and password without encoding (its validUserinfo). */
const USERINFO = /^[A-Za-z0-9\-._:~!$&'()*+,;=%]*$/;
/** Go's url.Parse refuses other ASCII in a host name. */
const HOST = /^[A-Za-z0-9\-._~!$&'()*+;=%<>"\u0080-\uffff]*$/;

/**
 * libpq's URI form, `postgres[ql]://[user[:password]@][host][:port][,...][/dbname][?param=value&...]`,
 * where the two parsers disagree (Go's url.Parse for lib/pq) read as a problem.
 */
function parseUri(text: string, driver: PgDriver): ConnOption[] | Unreadable {
  const rest = text.replace(/^postgres(ql)?:\/\//, "");
  if (rest.includes("#")) return new Unreadable('has a "#", where a URL ends for terraform\'s URL parser: percent-encode it as %23');
  if (/%(?![0-9A-Fa-f]{2})/.test(rest)) return new Unreadable('has a "%" not followed by two hex digits: percent-encode "%" itself as %25');
  if (/%00/.test(rest)) return new Unreadable("has %00, which libpq refuses in a URL");
  const q = rest.indexOf("?");
  const beforeQuery = q < 0 ? rest : rest.slice(0, q);
  const slash = beforeQuery.indexOf("/");
  const authority = slash < 0 ? beforeQuery : beforeQuery.slice(0, slash);
  const at = authority.lastIndexOf("@");
  if (authority.indexOf("@") !== at) return new Unreadable('has more than one "@" before the host: percent-encode "@" in the user or password as %40');
  const options: ConnOption[] = [];
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    if (!USERINFO.test(userinfo)) {
      return new Unreadable('has a character in the URL\'s user or password that must be percent-encoded (e.g. a space as %20, "^" as %5E, "|" as %7C)');
    }
    const colon = userinfo.indexOf(":");
    options.push({ key: "user", value: decode(colon < 0 ? userinfo : userinfo.slice(0, colon)) });
    if (colon >= 0) options.push({ key: "password", value: decode(userinfo.slice(colon + 1)) });
  }
  const hostList = authority.slice(at + 1);
  if (hostList !== "") {
    const hosts: string[] = [];
    const ports: string[] = [];
    const items = hostList.split(",");
    for (const [n, item] of items.entries()) {
      const m = /^(\[[^\]]*\]|[^:[\]]*)(?::(.*))?$/.exec(item);
      if (!m) return new Unreadable(item.startsWith("[") && !item.includes("]") ? 'has an IPv6 host without its closing "]"' : "has a host that is not a host name, an IP address or [IPv6 address]");
      const [, host, port] = m;
      if (!host.startsWith("[") && !HOST.test(host)) {
        return new Unreadable('has a character in the URL\'s host that URLs do not allow (if the password has "/", "?" or "@", percent-encode them)');
      }
      if (port !== undefined && !/^\d*$/.test(port)) {
        return new Unreadable('has a port in the URL that is not a number from 1 to 65535 (if the password has ":", "/", "?" or "@", percent-encode them)');
      }
      if (port && n < items.length - 1 && driver === "tofu") {
        return new Unreadable(`gives a port after a host other than the last, which ${DRIVER_NAME[driver]} cannot read; use keyword=value pairs (host=a,b port=5432,5433)`);
      }
      hosts.push(decode(host.replace(/^\[(.*)\]$/, "$1")));
      ports.push(port ?? "");
    }
    options.push({ key: "host", value: hosts.join(",") });
    if (ports.some((p) => p !== "")) options.push({ key: "port", value: ports.join(",") });
  }
  if (slash >= 0 && beforeQuery.length > slash + 1) options.push({ key: "dbname", value: decode(beforeQuery.slice(slash + 1)) });
  for (const param of q < 0 ? [] : rest.slice(q + 1).split("&")) {
    if (param === "") continue;
    if (param.includes(";")) return new Unreadable('has ";" in the URL\'s query, where terraform\'s URL parser drops the parameter; separate parameters with "&"');
    if (param.includes("+")) return new Unreadable('has "+" in the URL\'s query, a space to terraform\'s URL parser and a "+" to libpq: write %2B (or %20 for a space)');
    const parts = param.split("=");
    if (parts.length < 2) return new Unreadable('has a URL query parameter without "=" (write ?name=value&name=value)');
    if (parts.length > 2) return new Unreadable('has a URL query parameter with a second "=": percent-encode it as %3D');
    const key = decode(parts[0]);
    if (key === "ssl") return new Unreadable(`has ssl=..., libpq's URL shorthand for sslmode=require, which ${DRIVER_NAME[driver]} does not know; write sslmode=require`);
    options.push({ key, value: decode(parts[1]) });
  }
  return options;
}
