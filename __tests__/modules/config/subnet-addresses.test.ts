import { SUBNET_ADDRESSES } from "../../../modules/config/rules";
import { COMMON_ENDPOINTS, WORKER_ENDPOINTS } from "../../../stacks/network-stack";

describe("the subnet-capacity rule's interface counts", () => {
  test("match the interface endpoints the network stacks create", () => {
    expect(SUBNET_ADDRESSES.clientEndpoints).toBe(COMMON_ENDPOINTS.length);
    expect(SUBNET_ADDRESSES.workerEndpoints).toBe(COMMON_ENDPOINTS.length + WORKER_ENDPOINTS.length);
  });
});
