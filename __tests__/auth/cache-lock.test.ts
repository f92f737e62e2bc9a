/**
 * The token cache lock across real processes: N node processes (__tests__/fixtures/lock-worker.js)
 * take one lock at once and do a read-sleep-write increment, so any overlap shows as a lost update.
 * The workers load auth/cache.ts compiled once here (typescript.transpileModule) into a temp dir.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ts from "typescript";
import { TokenCache } from "../../auth/cache";
import { EgiAuthError } from "../../auth/errors";

const KEY = "0123456789abcdef0123456789abcdef";
const ROOT = path.resolve(__dirname, "..", "..");
const WORKER = path.join(ROOT, "__tests__", "fixtures", "lock-worker.js");
const PROCESSES = 20;

interface WorkerConfig {
  readonly mode: "count" | "hold";
  readonly cacheDir: string;
  readonly key: string;
  /** mode "count": the counter file. */
  readonly counter?: string;
  /** mode "count": time spent inside the critical section. */
  readonly holdMs?: number;
  readonly timeoutMs?: number;
  readonly staleMs?: number;
}

interface WorkerEvent {
  readonly pid: number;
  readonly event: "ready" | "section" | "held" | "released" | "broke" | "error";
  readonly enter?: number;
  readonly exit?: number;
  readonly owner?: number;
  readonly code?: string;
  readonly message?: string;
}

interface Worker {
  readonly child: ChildProcess;
  readonly events: WorkerEvent[];
  readonly stderr: string[];
  readonly exited: Promise<number | null>;
  until(event: WorkerEvent["event"]): Promise<WorkerEvent>;
}

const tempDirs: string[] = [];
const children = new Set<ChildProcess>();

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cache-lock-"));
  tempDirs.push(dir);
  return dir;
}

/** auth/*.ts as CommonJS in a temp dir, for the workers to require (cache.js and what it imports). */
let compiledRoot: string;
let compiledCache: string;
beforeAll(() => {
  compiledRoot = fs.mkdtempSync(path.join(os.tmpdir(), "cache-lock-compiled-"));
  const out = path.join(compiledRoot, "auth");
  fs.mkdirSync(out);
  const auth = path.join(ROOT, "auth");
  for (const file of fs.readdirSync(auth).filter((f) => f.endsWith(".ts"))) {
    const source = fs.readFileSync(path.join(auth, file), "utf8");
    const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true }, fileName: file });
    fs.writeFileSync(path.join(out, file.replace(/\.ts$/, ".js")), outputText);
  }
  compiledCache = path.join(out, "cache.js");
});

function startWorker(cfg: WorkerConfig): Worker {
  const env = { ...process.env, NODE_PATH: path.join(ROOT, "node_modules") };
  const child = spawn(process.execPath, [WORKER, JSON.stringify({ ...cfg, module: compiledCache })], { cwd: ROOT, env, stdio: ["pipe", "pipe", "pipe"] });
  children.add(child);
  const events: WorkerEvent[] = [];
  const stderr: string[] = [];
  const listeners: Array<() => void> = [];
  let buffered = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    const lines = buffered.split("\n");
    buffered = lines.pop()!;
    for (const line of lines) if (line.trim()) events.push(JSON.parse(line));
    listeners.splice(0).forEach((wake) => wake());
  });
  child.stderr!.on("data", (chunk: Buffer) => stderr.push(chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      children.delete(child);
      listeners.splice(0).forEach((wake) => wake());
      resolve(code);
    }),
  );
  const until = async (event: WorkerEvent["event"]): Promise<WorkerEvent> => {
    for (;;) {
      const found = events.find((e) => e.event === event);
      if (found) return found;
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`worker ${child.pid} exited without "${event}": ${JSON.stringify(events)} ${stderr.join("")}`);
      }
      await new Promise<void>((wake) => listeners.push(wake));
    }
  };
  return { child, events, stderr, exited, until };
}

/** Start `n` counting workers, wait until all are loaded, then let them contend at once. */
async function contend(n: number, cfg: Omit<WorkerConfig, "mode">): Promise<Worker[]> {
  const workers = Array.from({ length: n }, () => startWorker({ mode: "count", ...cfg }));
  await Promise.all(workers.map((w) => w.until("ready")));
  for (const w of workers) w.child.stdin!.write("go\n");
  await Promise.all(workers.map((w) => w.exited));
  return workers;
}

/** The critical sections in order of entry, and the pairs of consecutive ones that overlap. */
function overlaps(workers: Worker[]): string[] {
  const sections = workers.flatMap((w) => w.events.filter((e) => e.event === "section")).sort((a, b) => a.enter! - b.enter!);
  const found: string[] = [];
  for (let i = 1; i < sections.length; i++) {
    if (sections[i].enter! < sections[i - 1].exit!) found.push(`pid ${sections[i].pid} entered ${sections[i - 1].exit! - sections[i].enter!}us before pid ${sections[i - 1].pid} left`);
  }
  return found;
}

function failures(workers: Worker[]): string[] {
  return workers.filter((w) => w.child.exitCode !== 0).map((w) => `${w.child.pid}: exit ${w.child.exitCode} ${JSON.stringify(w.events)} ${w.stderr.join("")}`);
}

afterEach(async () => {
  const running = [...children];
  for (const child of running) child.kill("SIGKILL");
  await Promise.all(running.map((child) => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once("exit", resolve)))));
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

afterAll(() => {
  if (compiledRoot) fs.rmSync(compiledRoot, { recursive: true, force: true });
});

describe("TokenCache lock across processes", () => {
  jest.setTimeout(60_000);

  test(`GIVEN ${PROCESSES} processes whose critical section outlasts staleMs WHEN they take one lock at once THEN every increment lands and no two sections overlap`, async () => {
    const dir = tempDir();
    const counter = path.join(dir, "counter");

    const workers = await contend(PROCESSES, { cacheDir: path.join(dir, "cache"), key: KEY, counter, holdMs: 30, staleMs: 5, timeoutMs: 30_000 });

    expect(failures(workers)).toEqual([]);
    expect(Number(fs.readFileSync(counter, "utf8"))).toBe(PROCESSES);
    expect(overlaps(workers)).toEqual([]);
    expect(fs.readdirSync(path.join(dir, "cache", "locks"))).toEqual([]);
  });

  test(`GIVEN a lock left by a killed holder WHEN ${PROCESSES} processes contend THEN it is broken exactly once and the sections stay exclusive`, async () => {
    const dir = tempDir();
    const cacheDir = path.join(dir, "cache");
    const counter = path.join(dir, "counter");
    const holder = startWorker({ mode: "hold", cacheDir, key: KEY });
    await holder.until("held");
    holder.child.kill("SIGKILL");
    await holder.exited;

    const workers = await contend(PROCESSES, { cacheDir, key: KEY, counter, holdMs: 10, timeoutMs: 30_000 });

    expect(failures(workers)).toEqual([]);
    const breaks = workers.flatMap((w) => w.events.filter((e) => e.event === "broke"));
    expect(breaks.map((e) => e.owner)).toEqual([holder.child.pid]);
    expect(Number(fs.readFileSync(counter, "utf8"))).toBe(PROCESSES);
    expect(overlaps(workers)).toEqual([]);
    expect(fs.readdirSync(path.join(cacheDir, "locks"))).toEqual([]);
  });

  test("GIVEN a live holder past every age threshold WHEN another process waits THEN it times out naming the lock and the holder pid, and the holder keeps its lock", async () => {
    const dir = tempDir();
    const cacheDir = path.join(dir, "cache");
    const lock = path.join(cacheDir, "locks", `${KEY}.lock`);
    const holder = startWorker({ mode: "hold", cacheDir, key: KEY });
    await holder.until("held");
    await new Promise((r) => setTimeout(r, 100));
    let ran = false;

    const waiting = new TokenCache(cacheDir).withLock(KEY, async () => void (ran = true), { timeoutMs: 600, staleMs: 10 });

    const err = await waiting.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(EgiAuthError);
    expect(err).toMatchObject({ code: "CACHE_ERROR" });
    const message = (err as Error).message;
    expect(message).toContain(lock);
    expect(message).toContain(`pid ${holder.child.pid}`);
    expect(message).not.toContain("\n");
    expect(ran).toBe(false);
    expect(fs.readdirSync(lock)).toHaveLength(1); // the holder's owner record is still there
    holder.child.stdin!.write("release\n");
    await holder.until("released");
    expect(await holder.exited).toBe(0);
    expect(fs.existsSync(lock)).toBe(false);
  });
});
