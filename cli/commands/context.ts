import * as path from "node:path";
import { ContextFile, contextFilePath } from "../../constructs/lookups/context-file";
import { type Command, parseFlags, UsageError } from "../command";
import { pathState } from "../path-checks";

/** Show or forget synth-time lookup answers, like `cdk context` / `cdk context --reset`. */
export const contextCommand: Command = {
  name: "context",
  summary: "list or reset the lookups pinned in egi-cdktf.context.json",
  usage: `Usage: egi-cdktf context [list]
       egi-cdktf context reset [FILTER]

Synth-time lookups (Flavor.bestFit, MachineImage.latestAppDbAppliance, MachineImage.fromRegistryRef)
are answered once through the site's API and pinned in egi-cdktf.context.json, so synth stays
stable and works offline. Commit that file with the app. (The check of Flavor.exact runs at every
synth with a Check-in credential and pins nothing; entries "flavor-exact:..." left by older
versions are unused: reset flavor-exact removes them.)
  list            print each pinned key and its value
  reset [FILTER]  forget the entries whose key contains FILTER (all without one); the next synth
                  with a Check-in credential looks them up again (e.g. reset appdb-appliance to
                  follow a new appliance release)
File: ./egi-cdktf.context.json, or EGI_CDKTF_CONTEXT_FILE.`,
  async run(argv, io) {
    const { positionals } = parseFlags(argv, {}, true);
    const [action = "list", filter, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const file = new ContextFile(contextFilePath(io.env));
    // A folder or an unreachable path here is the user's setting, said so, not a JSON or EISDIR error.
    const state = pathState(file.file);
    const named = io.env.EGI_CDKTF_CONTEXT_FILE ? `EGI_CDKTF_CONTEXT_FILE=${io.env.EGI_CDKTF_CONTEXT_FILE}` : file.file;
    if (state.kind === "folder") throw new UsageError(`${named} is a folder; name the context file, e.g. ${path.join(file.file, ContextFile.FILE_NAME)}`);
    if (state.kind === "blocked") throw new UsageError(`${named}: ${state.why}`);
    if (action === "list") {
      if (filter !== undefined) throw new UsageError("list takes no argument");
      const keys = file.keys();
      for (const key of keys) io.stdout(`${key} = ${JSON.stringify(file.get(key))}\n`);
      if (keys.length === 0) io.stderr(`${file.file}: no pinned lookups\n`);
      return 0;
    }
    if (action === "reset") {
      if (!file.exists()) {
        io.stderr(`${file.file}: no context file; nothing to reset\n`);
        return 0;
      }
      const removed = file.reset(filter);
      io.stderr(`${file.file}: removed ${removed.length} entr${removed.length === 1 ? "y" : "ies"}${removed.length ? `: ${removed.join(", ")}` : ""}\n`);
      return 0;
    }
    throw new UsageError(`unknown action "${action}"; use list or reset`);
  },
};
