import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TokenCache } from "../../auth/cache";
import { EgiAuthError } from "../../auth/errors";

const KEY = "0123456789abcdef0123456789abcdef";
const tempDirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cache-"));
  tempDirs.push(dir);
  return dir;
};
const tmpCache = () => new TokenCache(path.join(tempDir(), "egi-cdktf"));
const lockOf = (cache: TokenCache) => path.join(cache.dir, "locks", `${KEY}.lock`);
const isEntry = (v: unknown): v is { token: string; expiresAt: number } =>
  typeof v === "object" && v !== null && typeof (v as { token?: unknown }).token === "string" && typeof (v as { expiresAt?: unknown }).expiresAt === "number";

/** Plant an owner record as a holder would leave it (`locks/<key>.lock/owner.<nonce>`). */
function plantOwner(cache: TokenCache, owner: Record<string, unknown>, nonce = "00ff00ff00ff00ff"): string {
  fs.mkdirSync(lockOf(cache), { recursive: true });
  const file = path.join(lockOf(cache), `owner.${nonce}`);
  fs.writeFileSync(file, JSON.stringify({ nonce, since: Date.now(), ...owner }));
  return file;
}

afterEach(() => {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("TokenCache", () => {
  test("GIVEN a value WHEN written THEN it reads back, in a 0600 file under 0700 dirs, with no temp file left", () => {
    const cache = tmpCache();

    cache.write("keystone", KEY, { token: "t", expiresAt: 1 });

    expect(cache.read("keystone", KEY, isEntry)).toEqual({ token: "t", expiresAt: 1 });
    const file = path.join(cache.dir, "keystone", `${KEY}.json`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(cache.dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(fs.readdirSync(path.dirname(file))).toEqual([`${KEY}.json`]);
  });

  test("GIVEN a torn or missing entry WHEN read THEN it is a miss, not an error", () => {
    const cache = tmpCache();
    cache.write("keystone", KEY, {});
    fs.writeFileSync(path.join(cache.dir, "keystone", `${KEY}.json`), '{"tok');
    expect(cache.read("keystone", KEY, isEntry)).toBeUndefined();
    expect(cache.read("identity", KEY, isEntry)).toBeUndefined();
  });

  test("GIVEN an entry of the wrong shape WHEN read THEN it is a miss, and the next write replaces it", () => {
    const cache = tmpCache();
    cache.write("keystone", KEY, { token: 5, expiresAt: 1 });
    expect(cache.read("keystone", KEY, isEntry)).toBeUndefined();

    cache.write("keystone", KEY, { token: "t", expiresAt: 1 });
    expect(cache.read("keystone", KEY, isEntry)).toEqual({ token: "t", expiresAt: 1 });
  });

  test("GIVEN two holders of one lock WHEN they run at once THEN their critical sections do not overlap", async () => {
    const cache = tmpCache();
    const events: string[] = [];
    const hold = (name: string) =>
      cache.withLock(KEY, async () => {
        events.push(`${name} in`);
        await new Promise((r) => setTimeout(r, 50));
        events.push(`${name} out`);
      });

    await Promise.all([hold("a"), hold("b")]);

    expect(events).toHaveLength(4);
    expect(events[0].split(" ")[0]).toBe(events[1].split(" ")[0]);
    expect(events[2].split(" ")[0]).toBe(events[3].split(" ")[0]);
  });

  test("GIVEN a lock left by a dead process WHEN another takes it THEN the stale lock is broken", async () => {
    const cache = tmpCache();
    plantOwner(cache, { pid: 2147483646, host: os.hostname() }); // no such pid

    await expect(cache.withLock(KEY, async () => "ran", { timeoutMs: 2000 })).resolves.toBe("ran");
    expect(fs.existsSync(lockOf(cache))).toBe(false);
  });

  test("GIVEN a lock left by an older egi-cdktf (an `owner` file with a dead pid) WHEN another takes it THEN it is broken", async () => {
    const cache = tmpCache();
    fs.mkdirSync(lockOf(cache), { recursive: true });
    fs.writeFileSync(path.join(lockOf(cache), "owner"), "2147483646");

    await expect(cache.withLock(KEY, async () => "ran", { timeoutMs: 2000 })).resolves.toBe("ran");
    expect(fs.existsSync(lockOf(cache))).toBe(false);
  });

  test("GIVEN an empty lock dir (its owner record just released or broken) WHEN another takes the lock THEN it gets it at once", async () => {
    const cache = tmpCache();
    fs.mkdirSync(lockOf(cache), { recursive: true });

    await expect(cache.withLock(KEY, async () => "ran", { timeoutMs: 500 })).resolves.toBe("ran");
    expect(fs.existsSync(lockOf(cache))).toBe(false);
  });

  test("GIVEN a lock held by a live process WHEN the wait times out THEN a one-line CACHE_ERROR names the lock and the holder pid", async () => {
    const cache = tmpCache();
    const record = plantOwner(cache, { pid: process.pid, host: os.hostname() });
    fs.utimesSync(record, new Date(0), new Date(0)); // older than any staleMs: age alone never breaks it

    const err = await cache.withLock(KEY, async () => "ran", { timeoutMs: 200, staleMs: 10 }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(EgiAuthError);
    expect(err).toMatchObject({ code: "CACHE_ERROR", message: expect.stringContaining(`timed out waiting for the token cache lock ${lockOf(cache)}`) });
    expect((err as Error).message).toContain(`pid ${process.pid}`);
    expect((err as Error).message).not.toContain("\n");
    expect(fs.existsSync(record)).toBe(true);
  });

  test("GIVEN an owner record whose pid was reused by another process WHEN another takes the lock THEN the stale lock is broken", async () => {
    if (!fs.existsSync(`/proc/${process.pid}/stat`)) return; // the start-time guard needs Linux /proc
    const cache = tmpCache();
    plantOwner(cache, { pid: process.pid, host: os.hostname(), start: "1" }); // alive pid, other start time

    await expect(cache.withLock(KEY, async () => "ran", { timeoutMs: 500 })).resolves.toBe("ran");
  });

  test("GIVEN an owner record from another host WHEN it is younger than staleMs THEN it holds, and once older it is broken", async () => {
    const cache = tmpCache();
    const record = plantOwner(cache, { pid: 1, host: "another-host.invalid" });

    await expect(cache.withLock(KEY, async () => "ran", { timeoutMs: 200, staleMs: 60_000 })).rejects.toThrow(/pid 1 on another-host\.invalid/);
    fs.utimesSync(record, new Date(0), new Date(0));
    await expect(cache.withLock(KEY, async () => "ran", { timeoutMs: 500, staleMs: 60_000 })).resolves.toBe("ran");
  });

  test("GIVEN a holder whose lock was broken and taken by another WHEN the first releases THEN the other's lock stays", async () => {
    const cache = tmpCache();
    const lock = lockOf(cache);
    let releaseSecond!: () => void;
    let secondHolds!: () => void;
    const secondHeld = new Promise<void>((resolve) => (secondHolds = resolve));
    let second: Promise<string> | undefined;

    await cache.withLock(KEY, async () => {
      fs.rmSync(lock, { recursive: true }); // as if a breaker took our lock away
      second = cache.withLock(KEY, async () => {
        secondHolds();
        await new Promise<void>((resolve) => (releaseSecond = resolve));
        return "second";
      });
      await secondHeld;
    });

    expect(fs.existsSync(lock)).toBe(true);
    await expect(cache.withLock(KEY, async () => "third", { timeoutMs: 200 })).rejects.toThrow(/timed out/);
    releaseSecond();
    await expect(second).resolves.toBe("second");
    expect(fs.existsSync(lock)).toBe(false);
  });

  test("GIVEN a cache dir that cannot be created WHEN writing THEN the error names EGI_CDKTF_CACHE_DIR", () => {
    const file = path.join(tempDir(), "a-file");
    fs.writeFileSync(file, "");
    const cache = new TokenCache(path.join(file, "egi-cdktf")); // ENOTDIR, even for root
    expect(() => cache.write("keystone", KEY, {})).toThrow(/EGI_CDKTF_CACHE_DIR/);
  });
});
