/**
 * Does a saved plan hold a secret? A plan file is a zip archive whose `tfplan` member stores every
 * variable value (sensitive ones included), compressed: a plain grep misses them. With the hook,
 * the credential reaches the provider through clouds.yaml and no plan holds it; a project that
 * passes a token as a variable (TF_VAR_*, an old tfvars file) would leave it in every
 * `cdktf plan` / `cdktf diff` plan in cdktf.out. plan-summary checks each plan before deleting it.
 */
import * as fs from "node:fs";
import { inflateRawSync } from "node:zlib";

/** The members of a zip archive (stored or deflated), read through its central directory. */
export function zipMembers(data: Buffer): Array<{ readonly name: string; readonly content: Buffer }> {
  const eocd = data.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error("not a zip archive");
  const count = data.readUInt16LE(eocd + 10);
  let at = data.readUInt32LE(eocd + 16);
  const out: Array<{ name: string; content: Buffer }> = [];
  for (let i = 0; i < count; i++) {
    if (data.readUInt32LE(at) !== 0x02014b50) throw new Error("bad zip central directory");
    const method = data.readUInt16LE(at + 10);
    const size = data.readUInt32LE(at + 20);
    const nameLength = data.readUInt16LE(at + 28);
    const skip = nameLength + data.readUInt16LE(at + 30) + data.readUInt16LE(at + 32);
    const local = data.readUInt32LE(at + 42);
    const name = data.subarray(at + 46, at + 46 + nameLength).toString("utf8");
    const start = local + 30 + data.readUInt16LE(local + 26) + data.readUInt16LE(local + 28);
    const raw = data.subarray(start, start + size);
    if (!name.endsWith("/")) out.push({ name, content: method === 8 ? inflateRawSync(raw) : raw });
    at += 46 + skip;
  }
  return out;
}

const holds = (data: Buffer, secret: string) => data.includes(secret) || data.includes(Buffer.from(secret).toString("base64"));

/** True when the plan file (or any member of it) holds one of `secrets`, raw or base64-encoded. */
export function planHoldsSecret(file: string, secrets: Iterable<string>): boolean {
  const data = fs.readFileSync(file);
  const wanted = [...secrets].filter((s) => s.length >= 8);
  if (wanted.some((s) => holds(data, s))) return true;
  let members: Array<{ content: Buffer }>;
  try {
    members = zipMembers(data);
  } catch {
    return false; // not a zip (another tool's format): the raw check above is all we can do
  }
  return members.some((m) => wanted.some((s) => holds(m.content, s)));
}
