import { type ChildProcess, spawn } from "node:child_process";
import * as os from "node:os";
import { scopedToken } from "../../auth/session";
import { commandSettings } from "../../auth/site-settings";
import { CHECKIN_SECRET_VARS, clientVariables, CONFLICTING_VARS, shellQuote } from "../client-env";
import { type Command, parseFlags, plainArg, SETTING_FLAGS, SETTINGS_HELP, SITE_FLAGS, SITE_HELP, UsageError } from "../command";

/** Signals egi-cdktf passes on to the command, each exactly once. */
const RELAYED = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"] as const;
type Relayed = (typeof RELAYED)[number];
/** A signal to egi-cdktf this soon after the same one reached the group is that one, not another. */
const SAME_SIGNAL_MS = 1000;
/** Pass a signal on if the sentinel has not answered by then (it should answer within milliseconds). */
const ANSWER_TIMEOUT_MS = 5000;

/** Run one client with the token in its environment: `egi-cdktf exec -- terraform plan`. */
export const execCommand: Command = {
  name: "exec",
  summary: "run a command (terraform, tofu, openstack, ...) with OS_TOKEN and friends set",
  usage: `Usage: egi-cdktf exec [--site NAME --vo VO] [settings] -- COMMAND [ARGS...]

Runs COMMAND with OS_AUTH_URL, OS_PROJECT_ID, OS_TOKEN, OS_AUTH_TYPE=v3token and
OS_IDENTITY_API_VERSION=3 set, competing credentials unset, and the Check-in secrets removed
(the command gets the Keystone token only). Exits with the command's exit code, or 128+N when
signal N ended it.
  e.g. egi-cdktf exec -- openstack server list
       egi-cdktf exec -- terraform -chdir=cdktf.out/stacks/terraform-example plan

Signals: COMMAND runs in egi-cdktf's process group, in the terminal's foreground (it can read
terraform's approval prompt), and gets each interrupt exactly once, as if run directly:
  - Ctrl-C (SIGINT), Ctrl-\\ (SIGQUIT), a terminal hangup (SIGHUP), or any signal sent to the whole
    process group (timeout(1), kill -- -PGID) reach COMMAND from the kernel; egi-cdktf does not
    pass on another copy (terraform would take a second Ctrl-C as "stop now, skip the cleanup")
    and waits for COMMAND to finish.
  - SIGINT, SIGTERM, SIGHUP or SIGQUIT sent to egi-cdktf alone (kill PID, docker stop, a CI runner)
    is passed on to COMMAND, once. (To tell the two cases apart, egi-cdktf keeps a small helper
    process in the group, which tells it whether it got the signal as well.)
  Press Ctrl-C twice to make terraform stop at once, as without egi-cdktf.

${SITE_HELP}

${SETTINGS_HELP}`,
  async run(argv, io) {
    const { own, command, misplaced } = splitArgs(argv);
    const { overrides, site } = parseFlags(own, SITE_FLAGS, false, execCommand.usage);
    if (misplaced) throw new UsageError(`put -- before the command: ${suggestion(own, command)}`);
    if (command.length === 0 || !command[0].trim()) throw new UsageError("exec needs a command after --, e.g. egi-cdktf exec -- openstack server list");

    const { settings, siteVo } = await commandSettings(site, overrides, io.env);
    const env: Record<string, string | undefined> = { ...io.env, ...clientVariables(await scopedToken(settings), settings, siteVo?.site.region) };
    for (const name of [...CONFLICTING_VARS, ...CHECKIN_SECRET_VARS]) delete env[name];
    return runRelayingSignals(command, env);
  },
};

/**
 * egi-cdktf's own arguments (settings flags) and the command. The command starts after `--`, or,
 * a mistake (`misplaced`), at the first argument before `--` that is neither a flag nor a flag's value.
 */
function splitArgs(argv: string[]): { own: string[]; command: string[]; misplaced: boolean } {
  const dash = argv.indexOf("--");
  const before = dash >= 0 ? argv.slice(0, dash) : argv;
  const after = dash >= 0 ? argv.slice(dash + 1) : [];
  let i = 0;
  while (i < before.length && before[i].startsWith("-") && before[i] !== "-") {
    const flag = before[i].replace(/^--?/, "");
    i += Object.hasOwn(SETTING_FLAGS, flag) || Object.hasOwn(SITE_FLAGS, flag) ? 2 : 1; // `--auth-url URL`: URL is the flag's
  }
  if (i >= before.length) return { own: before, command: after, misplaced: false };
  return { own: before.slice(0, i), command: [...before.slice(i), ...after], misplaced: true };
}

/** The command line with `--` in place, cut short at the first argument that could be a secret. */
function suggestion(own: string[], command: string[]): string {
  const cut = command.findIndex((arg) => !plainArg(arg));
  const shown = cut < 0 ? command : [...command.slice(0, cut), "..."];
  const flags = own.map((arg) => (/^[\w.,:/@+=-]+$/.test(arg) ? arg : shellQuote(arg)));
  return ["egi-cdktf exec", ...flags, "--", ...shown].join(" ");
}

function runRelayingSignals(command: string[], env: Record<string, string | undefined>): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    // Listening before the command exists: from then on no signal may end egi-cdktf and orphan it.
    const relay = new SignalRelay();
    // Same process group as egi-cdktf (no `detached`): the terminal's foreground group.
    const child = spawn(command[0], command.slice(1), { stdio: "inherit", env });
    relay.relayTo(child);
    child.on("error", (err: NodeJS.ErrnoException) => {
      relay.stop();
      reject(new UsageError(err.code === "ENOENT" ? `${command[0]}: command not found` : `${command[0]}: ${err.message}`));
    });
    child.on("exit", (code, signal) => {
      relay.stop();
      resolve(code ?? 128 + (signal ? os.constants.signals[signal] : 0));
    });
  });
}

/**
 * Passes to the command the signals sent to egi-cdktf alone, and not those sent to the whole process
 * group, which the command (in the same group) gets from the kernel anyway.
 *
 * Node does not say who sent a signal (no siginfo), so a helper process, the sentinel, sits in the
 * group and reports each signal it gets. On a signal, egi-cdktf asks the sentinel "?"; the sentinel
 * answers only after reporting any signal it had already been sent. A group signal reached it
 * before egi-cdktf asked, so its report comes first: the command has the signal. An answer with no
 * report means the signal was for egi-cdktf alone: it is passed on. Ordering, not timing, decides.
 * Without a sentinel (it cannot start), SIGTERM is passed on and the others, mostly from the
 * terminal, are not.
 */
class SignalRelay {
  private child?: ChildProcess;
  private sentinel?: ChildProcess;
  private sentinelStarts = 0;
  private stopped = false;
  /** When the sentinel last got each signal. */
  private readonly groupGot = new Map<Relayed, number>();
  /** Signals to egi-cdktf whose question the sentinel has not answered yet, oldest first. */
  private receipts: Receipt[] = [];
  private readonly listeners = RELAYED.map((signal) => [signal, () => this.received(signal)] as const);

  constructor() {
    for (const [signal, listener] of this.listeners) process.on(signal, listener);
    this.startSentinel();
  }

  relayTo(child: ChildProcess): void {
    this.child = child;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const [signal, listener] of this.listeners) process.off(signal, listener);
    for (const receipt of this.receipts) this.settle(receipt, false);
    this.receipts = [];
    this.sentinel?.kill("SIGKILL");
  }

  private received(signal: Relayed): void {
    if (this.stopped) return;
    // The same group signal, seen twice by egi-cdktf (timeout(1) signals it, then the group).
    const got = this.groupGot.get(signal);
    if (got !== undefined && Date.now() - got <= SAME_SIGNAL_MS) return;
    const ask = this.sentinel?.stdin;
    if (!ask?.writable) {
      if (signal === "SIGTERM") this.child?.kill(signal);
      return;
    }
    const receipt: Receipt = { signal, settled: false, timer: setTimeout(() => this.settle(receipt, true), ANSWER_TIMEOUT_MS) };
    this.receipts.push(receipt);
    ask.write("?\n");
  }

  /** Done with one signal to egi-cdktf: pass it on, or not (the group got it). */
  private settle(receipt: Receipt, pass: boolean): void {
    if (receipt.settled) return;
    receipt.settled = true;
    clearTimeout(receipt.timer);
    if (pass && !this.stopped) this.child?.kill(receipt.signal);
  }

  private reachedGroup(signal: Relayed): void {
    this.groupGot.set(signal, Date.now());
    for (const receipt of this.receipts) if (receipt.signal === signal) this.settle(receipt, false);
  }

  private startSentinel(): void {
    if (this.stopped || this.sentinelStarts >= 5 || process.platform === "win32") {
      this.sentinel = undefined;
      return;
    }
    this.sentinelStarts += 1;
    const sentinel = spawn(process.execPath, ["-e", SENTINEL], { stdio: ["pipe", "pipe", "ignore"], env: {}, cwd: "/" });
    this.sentinel = sentinel;
    let buffered = "";
    sentinel.stdout?.on("data", (chunk: Buffer) => {
      const lines = (buffered + chunk.toString()).split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        if (line === ".") {
          const receipt = this.receipts.shift();
          if (receipt) this.settle(receipt, true);
        } else if ((RELAYED as readonly string[]).includes(line)) {
          this.reachedGroup(line as Relayed);
        }
      }
    });
    // A write to a sentinel that just died fails (EPIPE); its exit says the rest.
    sentinel.stdin?.on("error", () => undefined);
    sentinel.on("error", () => this.sentinelGone(sentinel, null));
    sentinel.on("exit", (_code, signal) => this.sentinelGone(sentinel, signal));
    // Neither it nor its pipes keep egi-cdktf running once the command has exited.
    sentinel.unref();
    for (const stream of [sentinel.stdin, sentinel.stdout]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
  }

  private sentinelGone(sentinel: ChildProcess, signal: NodeJS.Signals | null): void {
    if (this.sentinel !== sentinel) return;
    // Killed by a group signal before its listeners were in place: that is a report too.
    if (signal && (RELAYED as readonly string[]).includes(signal)) this.reachedGroup(signal as Relayed);
    // Its answers will not come: what it did not report is passed on.
    for (const receipt of this.receipts) this.settle(receipt, true);
    this.receipts = [];
    this.startSentinel();
  }
}

interface Receipt {
  readonly signal: Relayed;
  settled: boolean;
  readonly timer: NodeJS.Timeout;
}

/**
 * The sentinel: reports each signal on stdout; answers each "?" on stdin with "." two event-loop
 * turns later, after the listener of any signal already sent to it has run (libuv sees a signal on
 * its next poll); exits when egi-cdktf does (stdin closes). It never reads the terminal.
 */
const SENTINEL = `for (const s of ${JSON.stringify(RELAYED)}) process.on(s, () => process.stdout.write(s + "\\n"));
process.stdin.on("data", (d) => { for (const c of String(d)) if (c === "?") setImmediate(() => setImmediate(() => process.stdout.write(".\\n"))); });
process.stdin.on("end", () => process.exit()).on("error", () => process.exit());
process.stdout.on("error", () => process.exit());`;
