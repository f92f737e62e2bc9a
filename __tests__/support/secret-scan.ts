/**
 * Where a secret shows up: every regular file under some folders (links are not followed), with zip
 * archives opened (terraform's saved plans are zips whose `tfplan` member holds variable values),
 * and command output. A secret counts in its raw form and base64-encoded.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { zipMembers } from "../../cli/plan-summary/plan-file-scan";

/** The zip reader plan-summary uses on saved plans: one reader, tested here on a real plan too. */
export { zipMembers };

export type Secrets = Readonly<Record<string, string>>;

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
