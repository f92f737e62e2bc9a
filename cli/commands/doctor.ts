import * as fs from "node:fs";
import * as path from "node:path";
import { type Command, type Io, parseFlags } from "../command";
import { checkTempFolder } from "../path-checks";
import { buildPty, currentNode, findCdktfPty, type NodeTarget, PtyBuildError, ptyBinary, ptyLoads } from "../node-pty";

/** The Node lines this package is tested on. */
export const SUPPORTED_NODE_MAJORS = [22, 24, 26] as const;

const FIX = "npx egi-cdktf doctor --fix";
const CDKTN = "egi-cdktf init --framework cdktn";

export interface DoctorOptions {
  /** The app folder [the current folder]. */
  readonly dir: string;
  readonly fix: boolean;
  /** The Node to check [the running one]. */
  readonly node?: NodeTarget;
}

/**
 * The checks, their one-line findings on io (problems on stderr, fixes and the all-clear on stdout),
 * and the exit code: 0 all fine (after --fix too), 1 a problem left.
 */
export async function runDoctor(options: DoctorOptions, io: Io): Promise<number> {
  const node = options.node ?? currentNode();
  let problems = 0;
  const problem = (line: string) => {
    problems++;
    io.stderr(`egi-cdktf: ${line}\n`);
  };

  const major = Number(node.version.split(".")[0]);
  if (!(SUPPORTED_NODE_MAJORS as readonly number[]).includes(major)) {
    const lines = SUPPORTED_NODE_MAJORS.join(", ").replace(/, (\d+)$/, " or $1");
    problem(
      major < SUPPORTED_NODE_MAJORS[0]
        ? `Node ${node.version} is end-of-life: install Node ${lines} and run this again`
        : `Node ${node.version} is not a line egi-fedcloud-cdktf is tested on: use Node ${lines}`,
    );
  }

  const cdktf = findCdktfPty(options.dir);
  const declared = declaresCdktfCli(options.dir);
  let ready = "";
  if (!cdktf && declared) {
    problem(`cdktf-cli is in package.json but not installed in ${options.dir}: run npm install`);
  } else if (cdktf?.ptyDir) {
    const who = `cdktf-cli ${cdktf.cliVersion}`;
    const loads = ptyBinary(cdktf.ptyDir, node).kind !== "missing" ? ptyLoads(cdktf.ptyDir, node) : { ok: false as const, reason: "" };
    if (loads.ok) {
      ready = ` and ${who}`;
    } else if (!options.fix) {
      const why = loads.reason ? `node-pty does not load: ${loads.reason}` : `no node-pty binary for Node ABI ${node.abi}`;
      problem(`${who} cannot start on Node ${node.version} (${why}): run ${FIX}, or use the cdktn target: ${CDKTN}`);
    } else {
      try {
        const built = buildPty({ ptyDir: cdktf.ptyDir, target: node, appDir: options.dir, env: io.env });
        io.stdout(`built node-pty for Node ${node.version} (ABI ${node.abi}) in ${built.seconds.toFixed(1)} s: ${path.relative(options.dir, built.file) || built.file}; ${who} can start now\n`);
        ready = ` and ${who}`;
      } catch (err) {
        if (!(err instanceof PtyBuildError)) throw err;
        problem(`cannot build node-pty for Node ${node.version} (${who} needs it): ${err.message}; install what is missing and run ${FIX} again, or use the cdktn target: ${CDKTN}`);
      }
    }
  } else if (cdktf) {
    ready = ` and cdktf-cli ${cdktf.cliVersion}`;
  }

  if (problems > 0) return 1;
  io.stdout(`egi-cdktf doctor: Node ${node.version}${ready} ready in ${options.dir}\n`);
  return 0;
}

/** Whether the app's package.json lists cdktf-cli (it may not be installed yet). */
function declaresCdktfCli(dir: string): boolean {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as Record<string, Record<string, string> | undefined>;
    return ["dependencies", "devDependencies", "optionalDependencies"].some((k) => Boolean(pkg[k]?.["cdktf-cli"]));
  } catch {
    return false;
  }
}

/** Check that this Node and the app's cdktf-cli work together; --fix builds what is missing. */
export const doctorCommand: Command = {
  name: "doctor",
  summary: "check that this Node.js (22, 24, 26) and the app's cdktf-cli work together; --fix builds node-pty",
  usage: `Usage: egi-cdktf doctor [--fix]

Checks, in the current folder:
  - the running Node.js is a supported line (22, 24 or 26);
  - when the app uses cdktf-cli: that cdktf-cli can start on this Node. cdktf-cli 0.21 ships its
    node-pty binaries up to Node 22 only; on Node 24 and 26 every cdktf command fails at start
    with "Cannot find module '../build/Release/pty.node'".
One line per problem, with what to run; exit 0 when all is fine, 1 otherwise.
  --fix   build node-pty for this Node offline (npm's node-gyp, the Node install's headers, needs
          a C++ compiler, make and python3; about 5 s) and put it where cdktf-cli loads it, beside
          the binaries of other Node versions. Or use the cdktn target, which has no native part:
          ${CDKTN}`,
  async run(argv, io) {
    const { values } = parseFlags(argv, { fix: { type: "boolean" } });
    if (values.fix) checkTempFolder(); // node-pty is built in a temp folder
    return runDoctor({ dir: process.cwd(), fix: Boolean(values.fix) }, io);
  },
};
