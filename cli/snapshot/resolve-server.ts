/**
 * SERVER as `openstack server image create` takes it: a server id, or a name that exactly one
 * server of the project has. Nova's `name` filter is a regular expression, matched case-insensitively
 * on MySQL-backed sites, so the name is anchored and escaped, and the answers are compared exactly
 * here: "web" never picks "web-2" or "Web".
 */
import { showArg } from "../command";
import { call, saying, type SiteClient } from "./site-client";

export interface ServerRef {
  readonly id: string;
  readonly name: string;
  /** Nova's status, e.g. ACTIVE, SHUTOFF. */
  readonly status: string;
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** `^name$` with every regular-expression character of the name escaped. */
export function exactNameFilter(name: string): string {
  return `^${name.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&")}$`;
}

function toRef(s: { id: string; name: string; status?: string }): ServerRef {
  return { id: String(s.id), name: String(s.name), status: String(s.status ?? "UNKNOWN") };
}

/** The server `ref` names: by id first when it looks like one (a 404 falls back to the name), else by exact name. */
export async function resolveServer(client: SiteClient, ref: string): Promise<ServerRef> {
  if (UUID.test(ref)) {
    const res = await call(client, "Nova", `${client.compute}/servers/${encodeURIComponent(ref)}`);
    if (res.status === 200) return toRef(((await res.json()) as { server: ServerRef }).server);
    if (res.status !== 404) throw new Error(`Nova answered HTTP ${res.status} to GET /servers/{id} at ${client.where}${await saying(res, "Nova")}`);
    await res.body?.cancel();
  }
  const url = `${client.compute}/servers/detail?name=${encodeURIComponent(exactNameFilter(ref))}`;
  const res = await call(client, "Nova", url);
  if (res.status !== 200) throw new Error(`Nova answered HTTP ${res.status} to GET /servers/detail?name=... at ${client.where}${await saying(res, "Nova")}`);
  const servers = (((await res.json()) as { servers?: Array<{ id: string; name: string; status?: string }> }).servers ?? []).filter((s) => s.name === ref);
  if (servers.length === 1) return toRef(servers[0]);
  if (servers.length === 0) {
    throw new Error(`no server ${UUID.test(ref) ? "with id or name" : "named"} ${showArg(ref)} in ${client.where}; list them with openstack server list (egi-cdktf exec -- openstack server list) and give the id or exact name`);
  }
  const listed = servers.map((s) => `${s.id} (${s.status ?? "UNKNOWN"})`).join(", ");
  throw new Error(`${servers.length} servers are named ${showArg(ref)} in ${client.where}: ${listed}; give the id of the one to snapshot`);
}
