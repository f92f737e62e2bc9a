import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TokenCache } from "../../auth/cache";

const KEY = "0123456789abcdef0123456789abcdef";
const tmpCache = () => new TokenCache(path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cache-")), "egi-cdktf"));

describe("TokenCache", () => {
  test("GIVEN a value WHEN written THEN it reads back, in a 0600 file under 0700 dirs, with no temp file left", () => {
    const cache = tmpCache();

    cache.write("keystone", KEY, { token: "t", expiresAt: 1 });

    expect(cache.read("keystone", KEY)).toEqual({ token: "t", expiresAt: 1 });
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
    expect(cache.read("keystone", KEY)).toBeUndefined();
    expect(cache.read("identity", KEY)).toBeUndefined();
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
    const lock = path.join(cache.dir, "locks", `${KEY}.lock`);
    fs.mkdirSync(lock, { recursive: true });
    fs.writeFileSync(path.join(lock, "owner"), "2147483646"); // no such pid

    await expect(cache.withLock(KEY, async () => "ran", { timeoutMs: 2000 })).resolves.toBe("ran");
    expect(fs.existsSync(lock)).toBe(false);
  });

  test("GIVEN a lock held by a live process WHEN the wait times out THEN the error names the lock file", async () => {
    const cache = tmpCache();
    const lock = path.join(cache.dir, "locks", `${KEY}.lock`);
    fs.mkdirSync(lock, { recursive: true });
    fs.writeFileSync(path.join(lock, "owner"), String(process.pid));

    await expect(cache.withLock(KEY, async () => "ran", { timeoutMs: 100 })).rejects.toThrow(`timed out waiting for the token cache lock ${lock}`);
  });

  test("GIVEN a cache dir that cannot be created WHEN writing THEN the error names EGI_CDKTF_CACHE_DIR", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cache-")), "a-file");
    fs.writeFileSync(file, "");
    const cache = new TokenCache(path.join(file, "egi-cdktf")); // ENOTDIR, even for root
    expect(() => cache.write("keystone", KEY, {})).toThrow(/EGI_CDKTF_CACHE_DIR/);
  });
});
