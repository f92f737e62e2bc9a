/**
 * On-disk token cache under the XDG cache dir (`$XDG_CACHE_HOME/egi-cdktf`, or EGI_CDKTF_CACHE_DIR).
 * The only place a token or a rotated refresh token is ever written. Directory 0700, files 0600,
 * written atomically (write-file.ts), and a lock so that N processes starting at once make one IdP
 * call: the first takes the lock, the others wait, then find its result in the cache.
 * A cache file is never trusted: every read checks its shape (see cache-entries.ts).
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { maskCacheEntry } from "./ci-mask";
import { EgiAuthError } from "./errors";
import { SECRET_FILE_MODE, writeFileAtomic } from "./write-file";

export interface LockOptions {
  /** Give up waiting after this long. @default 60000 */
  readonly timeoutMs?: number;
  /**
   * An owner record that cannot be checked (unreadable, or written on another host) is broken once
   * older than this. A lock whose owner pid is alive on this host is never broken. @default 120000
   */
  readonly staleMs?: number;
  /** Called after this process broke a stale lock (its owner is dead), e.g. to log it. */
  readonly onBreak?: (owner: LockOwner & { readonly lock: string }) => void;
}

/** The owner record inside a lock dir (`owner.<nonce>`), written before the lock becomes visible. */
export interface LockOwner {
  readonly pid?: number;
  readonly host?: string;
  /** Start time of the pid (Linux /proc/<pid>/stat field 22), so that a reused pid is not taken for the owner. */
  readonly start?: string;
  /** The pid namespace (Linux /proc/self/ns/pid). */
  readonly pidns?: string;
  readonly nonce?: string;
  /** Epoch ms when the lock was taken. */
  readonly since?: number;
}

/** A type guard: what a read accepts as a valid entry of its kind. */
export type EntryGuard<T> = (value: unknown) => value is T;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const errnoOf = (err: unknown) => (err as NodeJS.ErrnoException).code;
const OWNER_RECORD = /^owner(\.[a-f0-9]+)?$/; // `owner` alone: a lock taken by an older egi-cdktf (pid only)

function startTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]; // field 22; field 3 follows the ")" of comm
  } catch {
    return undefined; // not Linux, or no such process
  }
}

/** The pid namespace (Linux), so that a container sharing the host name and the cache dir is not taken for this host. */
function pidNamespace(): string | undefined {
  try {
    return fs.readlinkSync("/proc/self/ns/pid");
  } catch {
    return undefined;
  }
}

let current: Pick<LockOwner, "pid" | "host" | "start" | "pidns"> | undefined;
const thisProcess = () => (current ??= { pid: process.pid, host: os.hostname(), start: startTime(process.pid), pidns: pidNamespace() });

/** True when `owner`'s pid means something here: same host name and, where known, same pid namespace. */
function sameHost(owner: LockOwner): boolean {
  const me = thisProcess();
  return (owner.host === undefined || owner.host === me.host) && (owner.pidns === undefined || me.pidns === undefined || owner.pidns === me.pidns);
}

/** True unless `owner` (of this host) is provably gone: no such pid, or the pid now belongs to a process started later. */
function ownerAlive(owner: LockOwner & { pid: number }): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if (errnoOf(err) !== "EPERM") return false;
  }
  const now = owner.start === undefined ? undefined : startTime(owner.pid);
  return now === undefined || now === owner.start;
}

interface Holder {
  /** The owner record's file name inside the lock dir. */
  readonly record: string;
  readonly owner?: LockOwner;
  readonly ageMs: number;
}

export class TokenCache {
  constructor(public readonly dir: string) {}

  private file(kind: string, key: string): string {
    if (!/^[a-z-]+$/.test(kind) || !/^[a-f0-9]{16,64}$/.test(key)) throw new Error(`bad cache entry name ${kind}/${key}`);
    return path.join(this.dir, kind, `${key}.json`);
  }

  private ensureDir(dir: string): void {
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      fs.chmodSync(dir, 0o700);
    } catch (err) {
      throw new EgiAuthError("CACHE_ERROR", `cannot create the token cache dir ${dir} (${errnoOf(err)}); set EGI_CDKTF_CACHE_DIR to a writable directory`, { cause: err });
    }
  }

  /** The entry if it exists, parses and passes `guard`; anything else is a miss (the next write replaces it). */
  read<T>(kind: string, key: string, guard: EntryGuard<T>): T | undefined {
    let value: unknown;
    try {
      value = JSON.parse(fs.readFileSync(this.file(kind, key), "utf8"));
    } catch {
      return undefined; // missing or torn by a crash before rename: treat as a miss
    }
    if (!guard(value)) return undefined;
    maskCacheEntry(value); // ci-mask: a cached token or secret is masked in GitHub Actions logs as a fetched one is
    return value;
  }

  write(kind: string, key: string, value: unknown): void {
    const file = this.file(kind, key);
    this.ensureDir(this.dir);
    this.ensureDir(path.dirname(file));
    try {
      writeFileAtomic(file, JSON.stringify(value), { mode: SECRET_FILE_MODE });
    } catch (err) {
      const errno = errnoOf((err as Error).cause);
      throw new EgiAuthError("CACHE_ERROR", `cannot write the token cache ${file} (${errno ?? (err as Error).message}); set EGI_CDKTF_CACHE_DIR to a writable directory`, { cause: err });
    }
  }

  remove(kind: string, key: string): void {
    fs.rmSync(this.file(kind, key), { force: true });
  }

  /**
   * Run `fn` holding the lock `key`: the directory `locks/<key>.lock` holding one owner record
   * `owner.<nonce>` (pid, host, pid start time). Ownership is exact:
   * - take: prepare `<key>.lock.<nonce>.tmp/owner.<nonce>`, then rename that dir onto `<key>.lock`.
   *   rename succeeds onto an absent or empty dir and fails onto a non-empty one, so the lock never
   *   appears without its owner record and at most one owner record is ever in it.
   * - release: unlink our own `owner.<nonce>` (absent if we were broken: then the dir, if any, is
   *   someone else's and stays), then rmdir the dir, which fails harmlessly if someone took it since.
   * - break: only when the owner is provably dead (pid gone or reused) or, for a record we cannot
   *   check, older than staleMs. The breaker renames that exact record away: one breaker wins, the
   *   others get ENOENT and do nothing; a later holder has another nonce, so it is never touched.
   * - an empty lock dir therefore only exists while a release or a break is finishing (it is never
   *   "being created": creation is the rename of a full dir). Empty means free: renaming onto it
   *   takes the lock, and the pending rmdir then fails with ENOTEMPTY, which is ignored.
   * An older egi-cdktf's lock (mkdir, then an `owner` file with a pid) is honoured and broken the same
   * way, but two versions sharing a cache dir at the same moment are not exactly exclusive.
   */
  async withLock<T>(key: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
    if (!/^[a-f0-9]{16,64}$/.test(key)) throw new Error(`bad lock name ${key}`);
    const locks = path.join(this.dir, "locks");
    this.ensureDir(this.dir);
    this.ensureDir(locks);
    const lock = path.join(locks, `${key}.lock`);
    const nonce = randomBytes(12).toString("hex");
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    const staleMs = options.staleMs ?? 120_000;
    for (let wait = 5; !this.tryTake(lock, nonce); wait = Math.min(wait * 2, 100)) {
      const holder = this.holder(lock);
      if (holder && this.isStale(holder, staleMs)) {
        if (this.breakLock(lock, holder, nonce)) options.onBreak?.({ ...holder.owner, lock });
        continue;
      }
      if (Date.now() > deadline) throw this.timedOut(lock, holder);
      // No holder: a release or a break is finishing (or the dir holds no owner record at all).
      await sleep(holder ? wait / 2 + Math.random() * wait : Math.random() * Math.min(wait, 20));
    }
    try {
      return await fn();
    } finally {
      this.release(lock, nonce);
    }
  }

  /** One attempt to take the lock: true when `lock` is now ours. */
  private tryTake(lock: string, nonce: string): boolean {
    const tmp = `${lock}.${nonce}.tmp`;
    const owner: LockOwner = { ...thisProcess(), nonce, since: Date.now() };
    try {
      fs.mkdirSync(tmp, { mode: 0o700 });
      fs.writeFileSync(path.join(tmp, `owner.${nonce}`), JSON.stringify(owner), { mode: 0o600, flag: "wx" });
      fs.renameSync(tmp, lock);
      return true;
    } catch (err) {
      fs.rmSync(tmp, { recursive: true, force: true });
      if (errnoOf(err) === "ENOTEMPTY" || errnoOf(err) === "EEXIST") return false;
      throw new EgiAuthError("CACHE_ERROR", `cannot take the token cache lock ${lock} (${errnoOf(err)}); set EGI_CDKTF_CACHE_DIR to a writable directory`, { cause: err });
    }
  }

  /** Who holds `lock` now: undefined when it is free (absent or empty) or holds no owner record. */
  private holder(lock: string): Holder | undefined {
    try {
      const record = fs.readdirSync(lock).find((name) => OWNER_RECORD.test(name));
      if (record === undefined) return undefined;
      const file = path.join(lock, record);
      const ageMs = Date.now() - fs.statSync(file).mtimeMs;
      const text = fs.readFileSync(file, "utf8");
      return { record, owner: parseOwner(text), ageMs };
    } catch {
      return undefined; // released or broken while we looked: try again
    }
  }

  private isStale(holder: Holder, staleMs: number): boolean {
    const { owner } = holder;
    if (owner?.pid !== undefined && sameHost(owner)) return !ownerAlive({ ...owner, pid: owner.pid });
    return holder.ageMs > staleMs; // unreadable, or a pid of another host (or container) we cannot check
  }

  /** Rename the stale owner record away; false when another breaker (or its owner) removed it first. */
  private breakLock(lock: string, holder: Holder, nonce: string): boolean {
    const grave = `${lock}.${nonce}.broken`;
    try {
      fs.renameSync(path.join(lock, holder.record), grave);
    } catch (err) {
      if (errnoOf(err) === "ENOENT") return false;
      throw new EgiAuthError("CACHE_ERROR", `cannot break the stale token cache lock ${lock} (${errnoOf(err)}); delete it`, { cause: err });
    }
    fs.rmSync(grave, { force: true });
    rmdirIfEmpty(lock);
    return true;
  }

  private release(lock: string, nonce: string): void {
    try {
      fs.unlinkSync(path.join(lock, `owner.${nonce}`));
    } catch {
      // ENOENT: our lock was broken; whatever is at `lock` now belongs to someone else.
    }
    rmdirIfEmpty(lock);
  }

  private timedOut(lock: string, holder: Holder | undefined): EgiAuthError {
    const owner = holder?.owner;
    const where = owner && !sameHost(owner) ? ` on ${owner.host ?? "another host"}${owner.host === thisProcess().host ? " (another pid namespace)" : ""}` : "";
    const who = owner?.pid !== undefined ? `pid ${owner.pid}${where}` : "an unknown owner";
    const since = holder ? ` for ${Math.round(holder.ageMs / 1000)} s` : "";
    return new EgiAuthError("CACHE_ERROR", `timed out waiting for the token cache lock ${lock}, held by ${who}${since}; wait for it or stop it (delete the lock only if that pid is not egi-cdktf)`);
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return { pid: value }; // older egi-cdktf
    if (typeof value !== "object" || value === null) return undefined;
    const v = value as Record<string, unknown>;
    if (!Number.isSafeInteger(v.pid) || (v.pid as number) <= 0) return undefined;
    return {
      pid: v.pid as number,
      host: typeof v.host === "string" ? v.host : undefined,
      start: typeof v.start === "string" ? v.start : undefined,
      pidns: typeof v.pidns === "string" ? v.pidns : undefined,
      nonce: typeof v.nonce === "string" ? v.nonce : undefined,
      since: typeof v.since === "number" ? v.since : undefined,
    };
  } catch {
    return undefined; // torn: judged by age
  }
}

/** rmdir that only ever removes an empty dir: ENOTEMPTY/EEXIST (taken again) and ENOENT are fine. */
function rmdirIfEmpty(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    // taken again by someone else, or already removed
  }
}
