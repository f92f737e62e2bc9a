/**
 * What `egi-cdktf init` writes for each framework: the package of ours the app uses and the versions
 * it pins, which are the versions this project builds and tests that package with (the root
 * package.json for cdktf, frameworks/cdktn/package.json for cdktn; __tests__/cli/init-frameworks.test.ts
 * fails when they drift apart).
 */
import type { FrameworkName } from "../../auth/framework";

export interface AppFramework {
  /** The module the app imports (`cdktf` or `cdktn`), which is also the name of its CLI. */
  readonly name: FrameworkName;
  /** Our construct library built for this framework. */
  readonly ourPackage: string;
  /** How the docs name it. */
  readonly title: string;
  readonly docsUrl: string;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly devDependencies: Readonly<Record<string, string>>;
  /** The Node.js lines the app's CLI is tested on here. */
  readonly nodeEngines: string;
  /** The same, as the app's README says it. */
  readonly nodeVersions: string;
}

export const APP_FRAMEWORKS: Readonly<Record<FrameworkName, AppFramework>> = {
  cdktf: {
    name: "cdktf",
    ourPackage: "egi-fedcloud-cdktf",
    title: "CDK for Terraform",
    docsUrl: "https://developer.hashicorp.com/terraform/cdktf",
    dependencies: { cdktf: "0.21.0", constructs: "10.4.2" },
    devDependencies: { "@types/node": "22.20.1", "cdktf-cli": "0.21.0", typescript: "5.9.3" },
    nodeEngines: "^22.19.0 || ^24.0.0 || ^26.0.0",
    nodeVersions: "22, 24 or 26 (on 24 and 26 `npm install` builds cdktf-cli's terminal library with `egi-cdktf doctor --fix`: g++, make and python3 needed)",
  },
  cdktn: {
    name: "cdktn",
    ourPackage: "egi-fedcloud-cdktn",
    title: "CDK Terrain",
    docsUrl: "https://github.com/open-constructs/cdk-terrain",
    dependencies: { cdktn: "0.24.0", constructs: "10.7.2" },
    devDependencies: { "@types/node": "22.20.1", "cdktn-cli": "0.24.0", typescript: "5.9.3" },
    nodeEngines: "^22.19.0 || ^24.0.0 || ^26.0.0",
    nodeVersions: "22 (22.19 or later), 24 or 26",
  },
};

export function appFramework(name: string, option: string): AppFramework {
  const found = (APP_FRAMEWORKS as Record<string, AppFramework | undefined>)[name];
  if (!found) throw new Error(`${option} ${name} is not a framework egi-cdktf knows; use cdktf (CDK for Terraform 0.21) or cdktn (CDK Terrain 0.24)`);
  return found;
}
