/** What the construct tests share: a valid public key, a server's image and flavor by id, a private context file. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Flavor } from "../../constructs/flavor";
import { MachineImage } from "../../constructs/machine-image";
import type { VirtualMachineProps } from "../../constructs/virtual-machine";

/** A well-formed OpenSSH ed25519 public key (no one holds its private key). */
export const ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINxZdfIbluyB7SidIOFWXApIZ+4FqmUKiZCYMztVdMU4 me@laptop";

/** Image and flavor by id: no data source, no lookup, no site needed. */
export const fixed = (): Pick<VirtualMachineProps, "image" | "flavor"> => ({ image: MachineImage.fromId("img-1"), flavor: Flavor.fromId("flavor-1") });

/**
 * Points EGI_CDKTF_CONTEXT_FILE at a fresh temp file for each test of the file that calls it, so
 * synth-time checks (Flavor.exact, lookups) never read or write the working tree's context file.
 */
export function useTempContextFile(): void {
  beforeEach(() => {
    process.env.EGI_CDKTF_CONTEXT_FILE = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ctx-")), "egi-cdktf.context.json");
  });
  afterEach(() => {
    delete process.env.EGI_CDKTF_CONTEXT_FILE;
  });
}
