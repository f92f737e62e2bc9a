/**
 * The parts of `terraform show -json <planfile>` (format 1.x) that plan-summary reads, and the
 * change summary made from them: what a pull request reviewer wants to see per stack.
 *
 * Actions, as terraform writes them in `resource_changes[].change.actions`:
 * ["create"] -> add, ["update"] -> change, ["delete"] -> destroy, ["delete","create"] and
 * ["create","delete"] -> replace (destroy first, or create first with create_before_destroy).
 * ["read"] (data sources read during apply), ["no-op"] and ["forget"] (a `removed` block: out of
 * the state, nothing destroyed) change nothing on the site and are left out.
 */

export interface PlanJson {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly variables?: Readonly<Record<string, { readonly value?: unknown }>>;
  readonly resource_changes?: readonly ResourceChange[];
  /** What a refresh found changed outside terraform (refresh-only plans: the whole point). */
  readonly resource_drift?: readonly ResourceChange[];
  readonly output_changes?: Readonly<Record<string, OutputChange>>;
  readonly configuration?: PlanConfiguration;
}

export interface ResourceChange {
  readonly address: string;
  readonly module_address?: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly index?: unknown;
  readonly deposed?: string;
  readonly provider_name?: string;
  readonly action_reason?: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly before: any;
    readonly after: any;
    readonly after_unknown?: any;
    readonly replace_paths?: ReadonlyArray<ReadonlyArray<string | number>>;
  };
}

export interface OutputChange {
  readonly actions: readonly string[];
  readonly before_sensitive?: boolean;
  readonly after_sensitive?: boolean;
}

export interface ProviderConfig {
  readonly name: string;
  readonly alias?: string;
  readonly expressions?: Readonly<Record<string, Expression>>;
}

export interface Expression {
  readonly constant_value?: unknown;
  readonly references?: readonly string[];
}

export interface ConfigModule {
  readonly resources?: ReadonlyArray<{ readonly address: string; readonly provider_config_key?: string }>;
  readonly module_calls?: Readonly<Record<string, { readonly module?: ConfigModule }>>;
}

export interface PlanConfiguration {
  readonly provider_config?: Readonly<Record<string, ProviderConfig>>;
  readonly root_module?: ConfigModule;
}

export type ChangeAction = "add" | "change" | "replace" | "destroy";
export const CHANGE_ACTIONS: readonly ChangeAction[] = ["add", "change", "replace", "destroy"];

export interface ChangedResource {
  readonly address: string;
  readonly type: string;
  readonly action: ChangeAction;
  /** For replacements: the order terraform uses. */
  readonly replaceOrder?: "destroy-before-create" | "create-before-destroy";
  /** For replacements: the attributes whose change forces it (terraform's replace_paths). */
  readonly forcedBy?: readonly string[];
  /** terraform's action_reason when it gives one (replace_because_tainted, delete_because_no_resource_config, ...). */
  readonly reason?: string;
}

export interface ChangedOutput {
  readonly name: string;
  readonly action: "add" | "change" | "destroy";
  /** Its value is never shown anyway; this says a reviewer cannot see it in terraform's output either. */
  readonly sensitive: boolean;
}

export interface StackChanges {
  readonly counts: Readonly<Record<ChangeAction, number>>;
  readonly resources: readonly ChangedResource[];
  readonly outputs: readonly ChangedOutput[];
}

/** What terraform's action list means for the site, or undefined when nothing changes there. */
export function changeAction(actions: readonly string[]): ChangeAction | undefined {
  const key = actions.join(",");
  switch (key) {
    case "create":
      return "add";
    case "update":
      return "change";
    case "delete":
      return "destroy";
    case "delete,create":
    case "create,delete":
      return "replace";
    default:
      return undefined; // read, no-op, forget
  }
}

const pathText = (p: ReadonlyArray<string | number>): string => p.map((s, i) => (typeof s === "number" ? `[${s}]` : i ? `.${s}` : s)).join("");

/** The summary of one stack's plan: managed resources by action (data sources are reads), outputs that change. */
export function summarizePlan(plan: PlanJson): StackChanges {
  const resources: ChangedResource[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== "managed") continue;
    const action = changeAction(rc.change.actions);
    if (!action) continue;
    const address = rc.deposed ? `${rc.address} (deposed object ${rc.deposed})` : rc.address;
    const reason = rc.action_reason ? { reason: rc.action_reason } : {};
    if (action !== "replace") {
      resources.push({ address, type: rc.type, action, ...reason });
      continue;
    }
    const forcedBy = (rc.change.replace_paths ?? []).map(pathText);
    resources.push({
      address,
      type: rc.type,
      action,
      replaceOrder: rc.change.actions[0] === "create" ? "create-before-destroy" : "destroy-before-create",
      ...(forcedBy.length ? { forcedBy } : {}),
      ...reason,
    });
  }
  resources.sort((a, b) => CHANGE_ACTIONS.indexOf(a.action) - CHANGE_ACTIONS.indexOf(b.action) || a.address.localeCompare(b.address));

  const outputs: ChangedOutput[] = [];
  for (const [name, oc] of Object.entries(plan.output_changes ?? {})) {
    const action = changeAction(oc.actions);
    if (action === "add" || action === "change" || action === "destroy") {
      outputs.push({ name, action, sensitive: Boolean(oc.after_sensitive || oc.before_sensitive) });
    } else if (action === "replace") {
      outputs.push({ name, action: "change", sensitive: Boolean(oc.after_sensitive || oc.before_sensitive) });
    }
  }
  outputs.sort((a, b) => a.name.localeCompare(b.name));

  const counts = { add: 0, change: 0, replace: 0, destroy: 0 };
  for (const r of resources) counts[r.action]++;
  return { counts, resources, outputs };
}

/** The provider configuration key (`openstack`, `openstack.second`) of each resource address. */
export function providerKeys(plan: PlanJson): Map<string, string> {
  const keys = new Map<string, string>();
  const walk = (module: ConfigModule | undefined, prefix: string): void => {
    for (const r of module?.resources ?? []) if (r.provider_config_key) keys.set(`${prefix}${r.address}`, r.provider_config_key);
    for (const [name, call] of Object.entries(module?.module_calls ?? {})) walk(call.module, `${prefix}module.${name}.`);
  };
  walk(plan.configuration?.root_module, "");
  return keys;
}

/** A resource's configuration address: without instance keys (`[0]`, `["a"]`) and deposed suffix. */
export function configAddress(rc: ResourceChange): string {
  return rc.address.replace(/\[[^\]]*\]/g, "");
}

/**
 * The value of a provider argument: a constant, or a variable's value from the plan (cdktf writes
 * `"${var.x}"`, which terraform reports as a constant with a reference). Undefined when unset, null
 * or computed from anything else.
 */
export function providerArgument(plan: PlanJson, providerKey: string, name: string): string | undefined {
  const expr = plan.configuration?.provider_config?.[providerKey]?.expressions?.[name];
  if (!expr) return undefined;
  const refs = expr.references ?? [];
  const variable = refs.find((r) => r.startsWith("var."))?.slice(4);
  if (variable !== undefined) {
    const value = plan.variables?.[variable]?.value;
    return typeof value === "string" && value !== "" ? value : undefined;
  }
  if (refs.length > 0) return undefined;
  return typeof expr.constant_value === "string" && expr.constant_value !== "" ? expr.constant_value : undefined;
}
