import { serviceLinkedRoleClass, SERVICE_LINKED_ROLES, serviceLinkedRolesFor } from "../../../modules/aws/service-linked-roles";
import { generateConfig } from "../../../modules/config/generate";
import { defaultConfig, synthApp } from "../../helpers/synth";

describe("service-linked roles", () => {
  test("every resource type of the default and a four-worker topology is classified (needs a role, or why not)", () => {
    const types = new Set<string>();
    for (const config of [defaultConfig(), generateConfig(4)]) {
      const app = synthApp(config);
      for (const name of app.stackNames()) {
        Object.keys(app.stack(name).json.resource ?? {}).forEach((type) => types.add(type));
      }
    }
    const unclassified = [...types].filter((type) => serviceLinkedRoleClass(type).kind === "unclassified");
    expect(unclassified).toEqual([]);
    expect(serviceLinkedRolesFor(types).map((role) => role.roleName)).toEqual(SERVICE_LINKED_ROLES.map((role) => role.roleName));
  });

  test("each role names its service principal and cites the AWS page", () => {
    for (const role of SERVICE_LINKED_ROLES) {
      expect(role.roleName).toMatch(/^AWSServiceRoleFor/);
      expect(role.serviceName).toMatch(/\.amazonaws\.com$/);
      expect(role.doc).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    }
  });
});
