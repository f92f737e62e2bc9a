import * as fs from "node:fs";
import { Testing } from "cdktf";
import { ComputeKeypairV2 } from "../../.gen/providers/openstack/compute-keypair-v2";
import { SshKeyStack } from "../../stacks/ssh-key";

test("GIVEN SSH_PUBLIC_KEY_FILE WHEN the SSH key example is synthesized THEN keypair egi-key carries that public key", () => {
  const publicKey = fs.readFileSync(process.env.SSH_PUBLIC_KEY_FILE!, "utf8").trim();
  expect(Testing.synth(new SshKeyStack(Testing.app(), "k"))).toHaveResourceWithProperties(ComputeKeypairV2, { name: "egi-key", public_key: publicKey });
});

test("GIVEN a missing key file WHEN the SSH key example is synthesized THEN the error names publicKeyFile", () => {
  expect(() => new SshKeyStack(Testing.app(), "k", { publicKeyFile: "/nonexistent/id.pub" })).toThrow(/publicKeyFile/);
});
