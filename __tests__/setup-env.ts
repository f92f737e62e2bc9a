// Tests run terraform (directly, and through cdktf's own `terraform version` probe) with the offline
// mirror's CLI config, never with whatever TF_CLI_CONFIG_FILE the developer's shell points at.
import * as path from "node:path";

process.env.TF_CLI_CONFIG_FILE = path.resolve(__dirname, "..", process.env.TERRAFORM_MIRROR_DIR ?? ".terraform-mirror", "terraformrc");
process.env.CHECKPOINT_DISABLE = "1";
// Example stacks register the user's SSH key (~/.ssh/id_rsa.pub by default): tests use a fixture
// public key, whose private half was thrown away.
process.env.SSH_PUBLIC_KEY_FILE = path.resolve(__dirname, "fixtures", "id_ed25519.pub");
// The suites behave the same when they run on GitHub Actions themselves: egi-cdktf writes
// `::add-mask::` lines when GITHUB_ACTIONS=true, which would enter exact-output assertions. Tests of
// that behaviour set it in the child's environment.
delete process.env.GITHUB_ACTIONS;
