/**
 * `egi-cdktf exec` passes each interrupt to the command exactly once, for real: no mocks, real
 * process groups and signals. egi-cdktf runs in its own process group (as a shell's foreground job
 * is) with a fixture command that counts the signals it gets. A terminal's Ctrl-C, Ctrl-\ or hangup
 * is a signal to the whole group; a supervisor (docker stop, a CI runner, kill PID) signals
 * egi-cdktf alone; timeout(1) and systemd do both. The command needs a token: hence the site.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { identitySite, mintRefreshToken, REPO, userEnv } from "../support/identity-site";
import { until } from "../support/poll";
import { signalGroup } from "../support/process-group";

const site = identitySite();
const BIN = path.join(REPO, "bin", "egi-cdktf");
const FIXTURE = path.join(REPO, "__tests__", "fixtures", "signal-child.js");

type Counts = Record<"SIGINT" | "SIGTERM" | "SIGHUP" | "SIGQUIT", number>;
const NONE: Counts = { SIGINT: 0, SIGTERM: 0, SIGHUP: 0, SIGQUIT: 0 };

let egi: ChildProcess | undefined;
let dirs: string[] = [];

afterEach(() => {
  signalGroup(egi?.pid, "SIGKILL");
  egi = undefined;
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/** Polls often: these waits are for signals between processes, which take milliseconds. */
const waitFor = <T>(what: string, probe: () => T | undefined, ms = 20_000): Promise<T> => until(what, probe, ms, 20);

const groupGone = (pgid: number): true | undefined => {
  try {
    process.kill(-pgid, 0);
    return undefined;
  } catch {
    return true;
  }
};

/** egi-cdktf exec -- node signal-child.js, leader of its own process group, its command ready. */
async function startExec() {
  const env = userEnv(site, site.clients.basic, { CHECKIN_REFRESH_TOKEN: await mintRefreshToken(site, site.clients.basic) });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "exec-signals-"));
  dirs.push(env.HOME, tmp);
  const countsFile = path.join(tmp, "counts.json");
  const readyFile = path.join(tmp, "ready");

  const proc = spawn(process.execPath, [BIN, "exec", "--", process.execPath, FIXTURE, countsFile, readyFile], {
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  egi = proc;
  let stderr = "";
  proc.stderr?.on("data", (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on("exit", (code, signal) => resolve({ code, signal })),
  );
  let done = false;
  void exited.then(() => (done = true));
  await waitFor("the command's ready file", () => {
    if (done) throw new Error(`egi-cdktf exited before its command was ready: ${stderr}`);
    return fs.existsSync(readyFile) ? true : undefined;
  });
  const pid = proc.pid as number;

  return {
    pid,
    /** Exit status of egi-cdktf, the signals its command counted, and whether the group is empty. */
    async result() {
      const exit = await Promise.race([exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`egi-cdktf did not exit: ${stderr}`)), 20_000))]);
      await waitFor("the process group to be empty", () => groupGone(pid), 5_000);
      return { ...exit, stderr, counts: JSON.parse(fs.readFileSync(countsFile, "utf8")) as Counts };
    },
  };
}

describe("egi-cdktf exec: each interrupt reaches the command once", () => {
  test.each`
    signal       | to            | like
    ${"SIGINT"}  | ${"group"}    | ${"Ctrl-C at a terminal"}
    ${"SIGQUIT"} | ${"group"}    | ${"Ctrl-\\ at a terminal"}
    ${"SIGHUP"}  | ${"group"}    | ${"the terminal hanging up"}
    ${"SIGTERM"} | ${"group"}    | ${"timeout(1) or systemd stopping the service"}
    ${"SIGTERM"} | ${"egi-cdktf"} | ${"docker stop or kill PID"}
    ${"SIGINT"}  | ${"egi-cdktf"} | ${"a CI runner cancelling the job"}
    ${"SIGHUP"}  | ${"egi-cdktf"} | ${"kill -HUP PID"}
  `(
    "GIVEN exec runs a command WHEN $signal is sent to the $to ($like) THEN the command gets exactly one $signal and exec exits with its code",
    async ({ signal, to }: { signal: keyof Counts; to: "group" | "egi-cdktf" }) => {
      const run = await startExec();

      process.kill(to === "group" ? -run.pid : run.pid, signal);
      const r = await run.result();

      expect(r.counts).toEqual({ ...NONE, [signal]: 1 });
      expect({ code: r.code, signal: r.signal }).toEqual({ code: 128 + os.constants.signals[signal], signal: null });
      expect(r.stderr).toBe("");
    },
  );

  test("GIVEN exec runs a command WHEN Ctrl-C is pressed twice THEN the command gets two SIGINTs, not four", async () => {
    const run = await startExec();

    process.kill(-run.pid, "SIGINT");
    await new Promise((r) => setTimeout(r, 200));
    process.kill(-run.pid, "SIGINT");
    const r = await run.result();

    expect(r.counts).toEqual({ ...NONE, SIGINT: 2 });
    expect(r.code).toBe(130);
  });
});
