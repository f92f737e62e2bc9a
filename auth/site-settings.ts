/**
 * A site and a VO by name instead of OS_AUTH_URL and OS_PROJECT_ID: `--site`/`--vo` or EGI_SITE /
 * EGI_VO (fedcloudclient's names), looked up in the pinned site list. Replaces the EGI tutorial's
 * `export EGI_SITE=... EGI_VO=...; eval $(fedcloud site env)`. A site with several endpoints
 * (clouds) needs nothing more when one endpoint serves the VO; when two do, EGI_SITE_ENDPOINT (or
 * an `endpoint` flag, where a command has one) chooses.
 */
import { EgiAuthError } from "./errors";
import { readSiteList, sitesFilePath, sitesFileSetting } from "./site-list-file";
import { projectForVo, type SiteVo } from "./site-list";
import { availableProjects, type SessionOptions } from "./session";
import { type AuthSettings, type SettingOverrides, settingsFromEnv } from "./settings";

type Env = Readonly<Record<string, string | undefined>>;

export interface SiteChoice {
  /** GOCDB name, e.g. `IFCA-LCG2`. */
  readonly site: string;
  readonly vo: string;
  /**
   * The site's endpoint, when two of its endpoints serve the VO (URL or host name).
   * @default the one endpoint of the site serving the VO
   */
  readonly endpoint?: string;
  /**
   * What named `endpoint` (or would), for messages.
   * @default "EGI_SITE_ENDPOINT"
   */
  readonly endpointSetting?: string;
}

/** Flags of a command that takes a site by name. */
export interface SiteFlags {
  readonly site?: string;
  readonly vo?: string;
  /** `--endpoint`, for commands that have it; else EGI_SITE_ENDPOINT alone chooses. */
  readonly endpoint?: string;
}

/**
 * The site and VO asked for: flags win over EGI_SITE / EGI_VO. Undefined when no site is named
 * (EGI_VO alone is fine: fedcloudclient users often keep it exported). A site without a VO, or
 * a site together with --auth-url or --project-id, is a one-line error.
 */
export function siteChoice(flags: SiteFlags, overrides: SettingOverrides, env: Env): SiteChoice | undefined {
  const site = flags.site?.trim() || (flags.site === undefined ? env.EGI_SITE?.trim() : undefined);
  const vo = flags.vo?.trim() || (flags.vo === undefined ? env.EGI_VO?.trim() : undefined);
  if (!site) {
    if (flags.vo !== undefined) throw new EgiAuthError("SETTING_MISSING", "--vo needs a site: add --site (or EGI_SITE); `egi-cdktf sites --vo VO` lists the sites of a VO");
    return undefined;
  }
  const from = flags.site !== undefined ? "--site" : "EGI_SITE";
  if (!vo) throw new EgiAuthError("SETTING_MISSING", `${from} ${site} needs a VO: add --vo (or EGI_VO); \`egi-cdktf sites\` lists each site's VOs`);
  if (overrides.authUrl !== undefined || overrides.projectId !== undefined) {
    throw new EgiAuthError("SETTING_INVALID", `${from} names the Keystone and project already: drop --auth-url / --project-id, or drop ${from}`);
  }
  const endpoint = flags.endpoint?.trim() || (flags.endpoint === undefined ? env.EGI_SITE_ENDPOINT?.trim() : undefined);
  return { site, vo, ...(endpoint ? { endpoint, endpointSetting: flags.endpoint !== undefined ? "--endpoint" : "EGI_SITE_ENDPOINT" } : {}) };
}

/** The site list entry for `choice`, from the pinned file (EGI_SITES_FILE). Throws one line. */
export function siteVoFor(choice: SiteChoice, env: Env, cwd = process.cwd()): SiteVo {
  return readSiteList(sitesFilePath(env, cwd), sitesFileSetting(env)).siteVo(choice.site, choice.vo, {
    endpoint: choice.endpoint,
    setting: choice.endpointSetting ?? "EGI_SITE_ENDPOINT",
  });
}

/** `env` without the OS_* variables a named site replaces (they may be another site's, from an earlier eval). */
const siteEnv = (env: Env): Env => ({ ...env, OS_AUTH_URL: undefined, OS_PROJECT_ID: undefined });

/** `overrides` with the site's Keystone URL, protocol and (when listed) the VO's project id. */
export function siteOverrides(siteVo: SiteVo, overrides: SettingOverrides): SettingOverrides {
  return {
    ...overrides,
    authUrl: siteVo.site.endpoint,
    projectId: siteVo.vo.projectId,
    protocol: overrides.protocol ?? siteVo.site.protocol,
  };
}

/**
 * Settings for the chosen site and VO; when the list has no project id for the VO, it is found
 * among the user's projects at the site (`GET /v3/auth/projects`) by the names sites use.
 */
export async function settingsForSite(siteVo: SiteVo, overrides: SettingOverrides, env: Env, options: SessionOptions = {}): Promise<AuthSettings> {
  const base = settingsFromEnv(siteOverrides(siteVo, overrides), siteEnv(env), false);
  if (base.keystone.projectId) return base;
  const projects = await availableProjects(base, options);
  const project = projectForVo(siteVo.vo.name, projects, `site ${siteVo.site.name}`);
  return { ...base, keystone: { ...base.keystone, projectId: project.id } };
}

/** The settings a command uses: by site and VO when one is named, else from the OS_* variables. */
export async function commandSettings(
  flags: SiteFlags,
  overrides: SettingOverrides,
  env: Env,
  requireProject = true,
): Promise<{ settings: AuthSettings; siteVo?: SiteVo }> {
  const choice = siteChoice(flags, overrides, env);
  if (!choice) return { settings: settingsFromEnv(overrides, env, requireProject) };
  const siteVo = siteVoFor(choice, env);
  const settings = requireProject ? await settingsForSite(siteVo, overrides, env) : settingsFromEnv(siteOverrides(siteVo, overrides), siteEnv(env), false);
  return { settings, siteVo };
}
