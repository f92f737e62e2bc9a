/** VirtualMachine.addOutputs: opt-in stack outputs, their names, and clashes between them. */
import { Construct } from "constructs";
import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { VirtualMachine } from "../../constructs/virtual-machine";
import { fixed } from "../support/construct-fixtures";

const newStack = () => new TerraformStack(Testing.app(), "s");

function synthJson(build: (stack: TerraformStack) => void): any {
  const stack = newStack();
  build(stack);
  return JSON.parse(Testing.synth(stack));
}

describe("VirtualMachine outputs", () => {
  test("GIVEN floatingIpPool and addOutputs WHEN synthesized THEN the output <construct path>_floating_ip gives the address", () => {
    const json = synthJson((s) => new VirtualMachine(s, "vm", { ...fixed(), name: "web", floatingIpPool: "public" }).addOutputs());
    expect(json.output.vm_floating_ip).toEqual({ value: "${openstack_networking_floatingip_v2.vm_floating-ip_8619DA5C.address}" });
  });

  test("GIVEN addFloatingIp after addOutputs WHEN synthesized THEN the floating IP output is there too", () => {
    const json = synthJson((s) => {
      const vm = new VirtualMachine(s, "vm", fixed());
      vm.addOutputs();
      vm.addFloatingIp("public");
    });
    expect(Object.keys(json.output).sort()).toEqual(["vm_addresses", "vm_floating_ip", "vm_id"]);
  });

  test("GIVEN a VM without addOutputs WHEN synthesized THEN the stack has no outputs (they are opt-in)", () => {
    const json = synthJson((s) => new VirtualMachine(s, "vm", { ...fixed(), floatingIpPool: "public" }));
    expect(json.output).toBeUndefined();
  });

  test("GIVEN construct vm with server name web WHEN synthesized THEN the output vm_id gives the server's id", () => {
    const json = synthJson((s) => new VirtualMachine(s, "vm", { ...fixed(), name: "web" }).addOutputs());
    expect(json.output.vm_id).toEqual({ value: "${openstack_compute_instance_v2.vm_server_A6B9FEC7.id}" });
  });

  test("GIVEN construct vm WHEN synthesized THEN the output vm_addresses gives the server's network blocks", () => {
    const json = synthJson((s) => new VirtualMachine(s, "vm", { ...fixed(), name: "web" }).addOutputs());
    expect(json.output.vm_addresses).toEqual({ value: "${openstack_compute_instance_v2.vm_server_A6B9FEC7.network}" });
  });

  test("GIVEN a construct id with '.' and '-' WHEN synthesized THEN the output names keep '-' and replace '.' with _", () => {
    const json = synthJson((s) => new VirtualMachine(s, "web-01.test", { ...fixed(), floatingIpPool: "public" }).addOutputs());
    expect(Object.keys(json.output).sort()).toEqual(["web-01_test_addresses", "web-01_test_floating_ip", "web-01_test_id"]);
  });
});

describe("VirtualMachine output names", () => {
  test("GIVEN the valid server name 1vm WHEN synthesized THEN every output name is a valid Terraform identifier", () => {
    // Terraform refuses `output "1vm_id"` at init: "A name must start with a letter or underscore".
    const json = synthJson((s) => new VirtualMachine(s, "1vm", fixed()).addOutputs());
    expect(Object.keys(json.output).sort()).toEqual(["_1vm_addresses", "_1vm_id"]);
  });

  test("GIVEN two VMs named web in different scopes WHEN synthesized THEN both servers' ids are output", () => {
    const json = synthJson((s) => {
      new VirtualMachine(new Construct(s, "a"), "web", fixed()).addOutputs();
      new VirtualMachine(new Construct(s, "b"), "web", fixed()).addOutputs();
    });
    expect(json.output.a_web_id.value).toBe("${openstack_compute_instance_v2.a_web_server_7CA36B31.id}");
    expect(json.output.b_web_id.value).toBe("${openstack_compute_instance_v2.b_web_server_F8224E07.id}");
  });

  test("GIVEN VMs web-1 and web_1 WHEN synthesized THEN both servers' ids are output under their own names", () => {
    const json = synthJson((s) => {
      new VirtualMachine(s, "web-1", fixed()).addOutputs();
      new VirtualMachine(s, "web_1", fixed()).addOutputs();
    });
    expect(Object.keys(json.output).filter((k) => k.endsWith("_id")).sort()).toEqual(["web-1_id", "web_1_id"]);
  });

  test("GIVEN VMs whose paths sanitise alike WHEN synthesized THEN synth fails naming both outputs", () => {
    expect(() =>
      synthJson((s) => {
        new VirtualMachine(s, "web.1", fixed()).addOutputs();
        new VirtualMachine(s, "web_1", fixed()).addOutputs();
      }),
    ).toThrow("s/web.1/id and s/web_1/id are both output web_1_id of stack s; give addOutputs another prefix");
  });

  test("GIVEN addOutputs WHEN the construct tree is read THEN the outputs are below the server, so cdktf's --outputs-file nests them (vm.id, vm.floating_ip)", () => {
    const stack = newStack();
    new VirtualMachine(stack, "vm", { ...fixed(), floatingIpPool: "public" }).addOutputs();
    const paths = stack.node.findAll().filter((c) => c instanceof TerraformOutput).map((c) => c.node.path).sort();
    expect(paths).toEqual(["s/vm/addresses", "s/vm/floating_ip", "s/vm/id"]);
  });

  test("GIVEN an output of the app's own named like a server's WHEN synthesized THEN synth fails naming both", () => {
    expect(() =>
      synthJson((s) => {
        new TerraformOutput(s, "vm_id", { value: "mine" });
        new VirtualMachine(s, "vm", fixed()).addOutputs();
      }),
    ).toThrow("s/vm_id and s/vm/id are both output vm_id of stack s; give addOutputs another prefix");
  });

  test("GIVEN a prefix WHEN addOutputs is called THEN the outputs carry that prefix", () => {
    const json = synthJson((s) => new VirtualMachine(s, "vm", fixed()).addOutputs("head"));
    expect(Object.keys(json.output).sort()).toEqual(["head_addresses", "head_id"]);
  });

  test("GIVEN a prefix that is not a Terraform name WHEN addOutputs is called THEN the error names the prefix and the rule", () => {
    expect(() => new VirtualMachine(newStack(), "vm", fixed()).addOutputs("1st")).toThrow(
      'VirtualMachine s/vm: addOutputs prefix "1st" is not a Terraform name; use letters, digits, "_" and "-", starting with a letter or "_"',
    );
  });

  test("GIVEN addOutputs called once WHEN called again THEN the error says once per server", () => {
    const vm = new VirtualMachine(newStack(), "vm", fixed());
    vm.addOutputs();
    expect(() => vm.addOutputs("other")).toThrow("VirtualMachine s/vm: addOutputs is called once per server");
  });
});
