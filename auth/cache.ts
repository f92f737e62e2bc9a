/**
 * On-disk token cache under the XDG cache dir (`$XDG_CACHE_HOME/egi-cdktf`, or EGI_CDKTF_CACHE_DIR).
 * The only place a token or a rotated refresh token is ever written. Directory 0700, files 0600,
 * written to a temporary file then renamed (atomic), and a lock so that N processes starting at once
 * make one IdP call: the first takes the lock, the others wait, then find its result in the cache.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { EgiAuthError } from "./errors";

export interface LockOptions {
  /** Give up waiting after this long. @default 60000 */
  readonly timeoutMs?: number;
  /** A lock older than this is from a dead process and is broken. @default 120000 */
  readonly staleMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
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
      throw new EgiAuthError("CACHE_ERROR", `cannot create the token cache dir ${dir} (${(err as NodeJS.ErrnoException).code}); set EGI_CDKTF_CACHE_DIR to a writable directory`, { cause: err });
    }
  }

  read<T>(kind: string, key: string): T | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.file(kind, key), "utf8")) as T;
    } catch {
      return undefined; // missing or torn by a crash before rename: treat as a miss
    }
  }

  write(kind: string, key: string, value: unknown): void {
    const file = this.file(kind, key);
    this.ensureDir(this.dir);
    this.ensureDir(path.dirname(file));
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    try {
      fs.writeFileSync(tmp, JSON.stringify(value), { mode: 0o600, flag: "wx" });
      fs.renameSync(tmp, file);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw new EgiAuthError("CACHE_ERROR", `cannot write the token cache ${file} (${(err as NodeJS.ErrnoException).code}); set EGI_CDKTF_CACHE_DIR to a writable directory`, { cause: err });
    }
  }

  remove(kind: string, key: string): void {
    fs.rmSync(this.file(kind, key), { force: true });
  }

  /** Run `fn` holding the lock `key` (a directory: mkdir is atomic on every local filesystem). */
  async withLock<T>(key: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
    const locks = path.join(this.dir, "locks");
    this.ensureDir(this.dir);
    this.ensureDir(locks);
    const lock = path.join(locks, `${key}.lock`);
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    const staleMs = options.staleMs ?? 120_000;
    for (let wait = 10; ; wait = Math.min(wait * 2, 200)) {
      try {
        fs.mkdirSync(lock, { mode: 0o700 });
        fs.writeFileSync(path.join(lock, "owner"), String(process.pid));
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") {
          throw new EgiAuthError("CACHE_ERROR", `cannot take the token cache lock ${lock} (${(err as NodeJS.ErrnoException).code}); set EGI_CDKTF_CACHE_DIR to a writable directory`, { cause: err });
        }
        if (this.isStale(lock, staleMs)) {
          fs.rmSync(lock, { recursive: true, force: true });
          continue;
        }
        if (Date.now() > deadline) {
          throw new EgiAuthError("CACHE_ERROR", `timed out waiting for the token cache lock ${lock}; if no other egi-cdktf process runs, delete it`);
        }
        await sleep(wait);
      }
    }
    try {
      return await fn();
    } finally {
      fs.rmSync(lock, { recursive: true, force: true });
    }
  }

  private isStale(lock: string, staleMs: number): boolean {
    try {
      const owner = Number(fs.readFileSync(path.join(lock, "owner"), "utf8"));
      if (owner && !pidAlive(owner)) return true;
      return Date.now() - fs.statSync(lock).mtimeMs > staleMs;
    } catch {
      // Owner file not written yet (the holder is between mkdir and write) or lock just removed.
      try {
        return Date.now() - fs.statSync(lock).mtimeMs > staleMs;
      } catch {
        return false;
      }
    }
  }
}
