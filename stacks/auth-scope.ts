import { Construct } from "constructs";
import { Fn, TerraformIterator, TerraformOutput, TerraformStack, Token } from "cdktf";
import { DataOpenstackIdentityAuthScopeV3 } from "../.gen/providers/openstack/data-openstack-identity-auth-scope-v3";
import { EgiSite, type EgiSiteProps } from "../constructs/egi-site";

/**
 * Which project, user and roles the deploy token is scoped to: the docs page's token check
 * (`openstack token issue` after get-token.py), as a stack. Creates nothing; `cdktf deploy auth-scope`
 * prints the outputs. The token itself is not kept in state (`set_token_id` stays false).
 */
export class AuthScopeStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: EgiSiteProps = {}) {
    super(scope, id);
    new EgiSite(this, "site", props);
    const scopeInfo = new DataOpenstackIdentityAuthScopeV3(this, "current", { name: "current" });
    new TerraformOutput(this, "project_id", { value: scopeInfo.projectId });
    new TerraformOutput(this, "project_name", { value: scopeInfo.projectName });
    new TerraformOutput(this, "user_name", { value: scopeInfo.userName });
    const roleNames = TerraformIterator.fromList(scopeInfo.roles).forExpressionForList("val.role_name");
    new TerraformOutput(this, "roles", { value: Fn.sort(Fn.distinct(Token.asList(roleNames))) });
  }
}
