/**
 * egi-fedcloud-cdktn (the same source built for CDK Terrain) as a user installs it, deployed on the
 * local site by a cdktn app made with `egi-cdktf init --framework cdktn`, through the app's own
 * cdktn-cli on Node 24: the hook gets the token, the server runs, no secret leaks, destroy leaves
 * nothing. The tests are the shared init-app suite (support/init-app-site.ts).
 */
import * as path from "node:path";
import { REPO } from "../support/identity-site";
import { initAppOnSite } from "../support/init-app-site";
import { pinnedNodeBin } from "../support/pinned-node";

jest.setTimeout(600_000);

initAppOnSite({
  framework: "cdktn",
  packageDir: path.join(REPO, "frameworks", "cdktn", "pkg"), // built by npm run test:site
  nodeBin: pinnedNodeBin(24),
});
