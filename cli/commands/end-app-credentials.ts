import { cachedApplicationCredentials, type CredentialInfo, endApplicationCredentials } from "../../auth/application-credential";
import { TokenCache } from "../../auth/cache";
import { createHttpClient } from "../../auth/http";
import { scopedToken } from "../../auth/session";
import { cacheDirFrom, settingsFromEnv } from "../../auth/settings";
import { type Command, parseFlags, SETTINGS_HELP } from "../command";

/** A token is needed for one DELETE: a cached one that is valid this long more will do. */
const DELETE_VALIDITY_SECONDS = 60;

const named = (c: CredentialInfo) => `${c.name} (${c.id})`;

/**
 * Equivalent to `openstack application credential delete` for each application credential the hook
 * made (EGI_CDKTF_AUTH=application-credential) and keeps in the token cache: the step a CI job runs
 * when its deploy is over, whatever the outcome, so that no credential outlives the job.
 */
export const endAppCredentialsCommand: Command = {
  name: "end-app-credentials",
  summary: "end the hook's application credentials when a deploy is over (openstack application credential delete)",
  usage: `Usage: egi-cdktf end-app-credentials [settings]

Ends each application credential that the hook made (EGI_CDKTF_AUTH=application-credential) and
keeps in this token cache, with those it replaced while they were still valid: deletes them in
Keystone, equivalent to \`openstack application credential delete ID\`, so that neither they nor a
token they got work any more, then removes them from the cache with the cached clouds.yaml files
holding their secret.

Run it when a deploy is over, in a CI step that runs even when the deploy failed (GitHub Actions:
\`if: always()\`; GitLab CI: after_script): a CI runner starts with an empty cache, so these are the
credentials that job made. On your machine it ends the ones your earlier deploys left; the next
deploy makes a new one.

Nothing to end (token mode, or ended already) is no error: it says so and exits 0 without logging
in. Otherwise it logs in with the Check-in credential of the environment, as the hook did (Keystone
does not let a restricted application credential delete itself). Each credential is named by its
name and id, never its secret. Exit 1 when one could not be ended: it stays in the cache, so a
rerun tries again.

Each credential records its site and project; --auth-url / OS_AUTH_URL only matters for one cached
by an older egi-cdktf, which did not record its site.

${SETTINGS_HELP}`,
  async run(argv, io) {
    const { overrides } = parseFlags(argv);
    const cache = new TokenCache(cacheDirFrom(io.env));
    if (cachedApplicationCredentials(cache).length === 0) {
      io.stdout(`no application credential to end: the token cache ${cache.dir} holds none (the hook makes them with EGI_CDKTF_AUTH=application-credential)\n`);
      return 0;
    }
    const outcomes = await endApplicationCredentials({
      cache,
      fallbackAuthUrl: overrides.authUrl ?? io.env.OS_AUTH_URL,
      sessionFor: async (site) => {
        const settings = { ...settingsFromEnv({ ...overrides, ...site }, io.env), minValiditySeconds: DELETE_VALIDITY_SECONDS };
        const { fetch } = createHttpClient({ caFile: settings.caFile, timeoutMs: settings.httpTimeoutMs });
        return { session: await scopedToken(settings, { fetch }), fetch };
      },
    });
    for (const o of outcomes) {
      if (o.outcome === "failed") io.stderr(`egi-cdktf: application credential ${named(o.credential)} not ended: ${o.reason}\n`);
      else {
        const also = o.alsoEnded.length ? `; ended too: ${o.alsoEnded.join(", ")}, which it had replaced` : "";
        if (o.outcome === "ended") io.stdout(`ended application credential ${named(o.credential)} of project ${o.projectName} at ${o.authUrl}${also}\n`);
        else io.stdout(`application credential ${named(o.credential)} at ${o.authUrl} was already gone from Keystone; removed from the cache${also}\n`);
      }
    }
    return outcomes.some((o) => o.outcome === "failed") ? 1 : 0;
  },
};
