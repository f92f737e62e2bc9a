/**
 * Where a secret shows up: every regular file under some folders (links are not followed), with zip
 * archives opened (terraform's saved plans are zips whose `tfplan` member holds variable values),
 * and command output. A secret counts in its raw form and base64-encoded.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { inflateRawSync } from "node:zlib";

export type Secrets = Readonly<Record<string, string>>;

/** The members of a zip archive (stored or deflated), read through its central directory. */
export function zipMembers(data: Buffer): Array<{ readonly name: string; readonly content: Buffer }> {
  const eocd = data.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error("not a zip archive: no end of central directory");
  const count = data.readUInt16LE(eocd + 10);
  let at = data.readUInt32LE(eocd + 16);
  const out: Array<{ name: string; content: Buffer }> = [];
  for (let i = 0; i < count; i++) {
    if (data.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad zip central directory entry ${i}`);
    const method = data.readUInt16LE(at + 10);
    const size = data.readUInt32LE(at + 20);
    const nameLength = data.readUInt16LE(at + 28);
    const extraLength = data.readUInt16LE(at + 30);
    const commentLength = data.readUInt16LE(at + 32);
    const local = data.readUInt32LE(at + 42);
    const name = data.subarray(at + 46, at + 46 + nameLength).toString("utf8");
    const start = local + 30 + data.readUInt16LE(local + 26) + data.readUInt16LE(local + 28);
    const raw = data.subarray(start, start + size);
    if (!name.endsWith("/")) out.push({ name, content: method === 8 ? inflateRawSync(raw) : raw });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return out;
}

const isZip = (data: Buffer) => data.length > 22 && data.readUInt32LE(0) === 0x04034b50;

/** Every regular file below `dir`, links not followed. Provider binaries (large, ours) are skipped. */
export function filesBelow(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return p.endsWith(path.join(".terraform", "providers")) ? [] : filesBelow(p);
    return e.isFile() ? [p] : [];
  });
}

function findIn(data: Buffer, where: string, secrets: Secrets, leaks: string[], opened: { zips: number; members: number }): void {
  const text = data.toString("latin1");
  for (const [what, secret] of Object.entries(secrets)) {
    if (text.includes(secret) || text.includes(Buffer.from(secret).toString("base64"))) leaks.push(`${what} in ${where}`);
  }
  if (isZip(data)) {
    opened.zips++;
    for (const m of zipMembers(data)) {
      opened.members++;
      findIn(m.content, `${where}!${m.name}`, secrets, leaks, opened);
    }
  }
}

export interface ScanReport {
  /** "<what> in <file>[!<zip member>]" for each hit. */
  readonly leaks: string[];
  readonly files: number;
  readonly zips: number;
  readonly zipMembers: number;
}

/**
 * Scan every file under `roots` (minus those under `allowed`, e.g. the 0600 token cache) and each
 * `outputs` text for `secrets`.
 */
export function scanForSecrets(roots: readonly string[], secrets: Secrets, options: { allowed?: readonly string[]; outputs?: Readonly<Record<string, string>> } = {}): ScanReport {
  const short = Object.entries(secrets).filter(([, s]) => typeof s !== "string" || s.length < 16);
  if (short.length) throw new Error(`secret-scan: ${short.map(([w]) => w).join(", ")} missing or too short to scan for`);
  const allowed = (options.allowed ?? []).map((a) => path.resolve(a) + path.sep);
  const leaks: string[] = [];
  const opened = { zips: 0, members: 0 };
  const files = [...new Set(roots.flatMap((r) => filesBelow(path.resolve(r))))].filter((f) => !allowed.some((a) => f.startsWith(a)));
  for (const f of files) findIn(fs.readFileSync(f), f, secrets, leaks, opened);
  for (const [name, text] of Object.entries(options.outputs ?? {})) findIn(Buffer.from(text), name, secrets, leaks, opened);
  return { leaks, files: files.length, zips: opened.zips, zipMembers: opened.members };
}
