/**
 * The local site's state database (site/state/up.sh) as the tests see it: its description, psql as
 * the state user, a stack's state rows and lock holders, and processes left in a folder.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO } from "./identity-site";

export interface PgSite {
  readonly connStr: string;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string;
}

export function pgSite(): PgSite {
  const file = path.join(process.env.SITE_DIR ?? path.join(REPO, ".site"), "state", "site.json");
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: start the state database with site/state/up.sh (site/up.sh does)`);
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

/** psql as the state user over TCP; the password goes through the environment, never the arguments. */
export function sql(query: string): string {
  const { host, port, user, database, password } = pgSite();
  const r = spawnSync("psql", ["-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", String(port), "-U", user, "-d", database, "-c", query], {
    env: { PATH: process.env.PATH, PGPASSWORD: password, PGSSLMODE: "disable", PGCONNECT_TIMEOUT: "5" },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** The state in `schema` as stored in PostgreSQL: the ids of its servers, by name. */
export function stateServers(schema: string): Record<string, string> {
  const exists = sql(`SELECT count(*) FROM information_schema.tables WHERE table_schema = '${schema}' AND table_name = 'states'`);
  if (exists !== "1") return {};
  const data = sql(`SELECT data FROM ${schema}.states WHERE name = 'default'`);
  if (!data) return {};
  const state = JSON.parse(data);
  return Object.fromEntries(
    state.resources
      .filter((r: any) => r.type === "openstack_compute_instance_v2")
      .flatMap((r: any) => r.instances.map((i: any) => [i.attributes.name, i.attributes.id])),
  );
}

/**
 * Sessions holding this stack's state lock: the pg backend's advisory lock on the id of the
 * stack's row (other stacks in the database have their own rows and locks).
 */
export const HOLDERS = (schema: string) =>
  `FROM pg_locks l WHERE l.locktype = 'advisory' AND l.classid = 0 AND l.objsubid = 1 ` +
  `AND l.objid = (SELECT id FROM ${schema}.states WHERE name = 'default') ` +
  `AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`;
/** How many sessions hold the state lock of the stack whose state is in `schema`. */
export const stackLocked = (schema: string): number => Number(sql(`SELECT count(*) ${HOLDERS(schema)}`));

export /** Processes whose working directory is inside `dir` (a cdktf or terraform left running). */
function processesIn(dir: string): number[] {
  return fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p)).flatMap((p) => {
    try {
      const cwd = fs.readlinkSync(`/proc/${p}/cwd`);
      return cwd === dir || cwd.startsWith(dir + path.sep) ? [Number(p)] : [];
    } catch {
      return [];
    }
  });
}
