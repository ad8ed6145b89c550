import { INDEXER_ESBUILD_TARGET, INDEXER_LAMBDA_RUNTIME, NOTEBOOK_PLATFORM } from "../../../modules/aws/runtimes";
import { indexerBuildOptions } from "../../../scripts/lib/indexer-bundle";

/** The day these runtimes were chosen; each must be supported well past it. */
const CHOSEN_ON = "2026-11-30";

describe("runtimes and platforms", () => {
  test("the indexer runs a Node.js runtime Lambda still supports, and the bundle targets that Node.js", () => {
    expect(INDEXER_LAMBDA_RUNTIME.identifier).toBe("nodejs22.x");
    expect(INDEXER_LAMBDA_RUNTIME.supportEnds > CHOSEN_ON).toBe(true);
    expect(INDEXER_ESBUILD_TARGET).toBe("node22");
    expect(indexerBuildOptions("in.ts", "out.js").target).toBe("node22");
  });

  test("the notebook platform is Amazon Linux 2023", () => {
    expect(NOTEBOOK_PLATFORM.identifier).toBe("notebook-al2023-v1");
    expect(NOTEBOOK_PLATFORM.supportEnds > CHOSEN_ON).toBe(true);
  });
});
