import { Testing } from "cdktf";
import { ComputeInstanceV2 } from "../../.gen/providers/openstack/compute-instance-v2";
import { CloudInitShellStack } from "../../stacks/cloud-init-shell";

test("GIVEN a script WHEN the shell cloud-init example is synthesized THEN user_data is the script behind a bash shebang", () => {
  const out = Testing.synth(new CloudInitShellStack(Testing.app(), "sh", { script: "echo hello\n" }));
  expect(out).toHaveResourceWithProperties(ComputeInstanceV2, { user_data: "#!/bin/bash\necho hello\n" });
});
