/**
 * egi-fedcloud-cdktf as a user installs it, deployed on the local site by a cdktf app made with
 * `egi-cdktf init`, through the app's own cdktf-cli under the Node this suite runs on. On Node 24
 * and 26, cdktf-cli 0.21 starts only once its terminal library is built for that Node, which the
 * app's postinstall does (`egi-cdktf doctor --fix`): `npm install` then `cdktf deploy`, nothing
 * else, proves it. The tests are the shared init-app suite (support/init-app-site.ts).
 */
import * as path from "node:path";
import { REPO } from "../support/identity-site";
import { initAppOnSite } from "../support/init-app-site";

jest.setTimeout(600_000);

initAppOnSite({
  framework: "cdktf",
  packageDir: REPO, // lib/, built by npm run test:site
  nodeBin: path.dirname(process.execPath),
});
