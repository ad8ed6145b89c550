import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DATA_CHECK_SCRIPT, DATA_WAIT_SECONDS, dataHostUserData, ecsInstanceUserData, LustreMount } from "../../../modules/compute/user-data";

/**
 * Runs a boot script on this machine with its absolute system paths moved under a scratch root
 * and the system commands it calls (dnf, mount, findmnt, systemctl, sleep) replaced by stubs that
 * log their calls, polling twice instead of forty times. `mounted` says whether `findmnt` finds the Lustre mount.
 */
function boot(script: string, root: string, mounted: boolean): { status: number | null; calls: string; console: string } {
  const stubs = join(root, "stubs");
  mkdirSync(stubs, { recursive: true });
  for (const dir of ["etc/ecs", "etc/systemd/system", "usr/local/sbin"]) {
    mkdirSync(join(root, dir), { recursive: true });
  }
  const log = join(root, "calls.log");
  for (const command of ["dnf", "mount", "systemctl", "sleep"]) {
    writeFileSync(join(stubs, command), `#!/bin/bash\necho ${command} "$@" >> ${log}\n`);
  }
  writeFileSync(join(stubs, "findmnt"), `#!/bin/bash\necho findmnt "$@" >> ${log}\nexit ${mounted ? 0 : 1}\n`);
  for (const command of ["dnf", "mount", "systemctl", "sleep", "findmnt"]) {
    chmodSync(join(stubs, command), 0o755);
  }
  const relocated = script
    .replaceAll("/etc/", `${root}/etc/`)
    .replaceAll("/usr/local/sbin/", `${root}/usr/local/sbin/`)
    .replaceAll("/dev/console", `${root}/console`)
    // Two polls instead of the boot's forty keep the test fast; the give-up path is the same.
    .replaceAll(`seq 1 ${DATA_WAIT_SECONDS / 15}`, "seq 1 2")
    .replaceAll(`-lt ${DATA_WAIT_SECONDS / 15} ]`, "-lt 2 ]");
  const result = spawnSync("bash", ["-c", relocated], { env: { PATH: `${stubs}:/usr/bin:/bin` }, encoding: "utf8" });
  const read = (file: string) => (existsSync(file) ? readFileSync(file, "utf8") : "");
  return { status: result.status, calls: read(log), console: read(join(root, "console")) };
}

describe("worker host user data", () => {
  let root: string;
  let lustre: LustreMount;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "user-data-"));
    lustre = { dnsName: "fs-1.fsx.us-east-1.amazonaws.com", mountName: "abcdef", mountPoint: join(root, "fsx"), datasetPaths: ["/era5", "/cmip6"] };
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test("gates every start of the ECS agent on the data check, before the cluster name is written", () => {
    const text = ecsInstanceUserData("proximate-us-east-1-workers", lustre);
    const dropIn = text.indexOf(`ExecStartPre=${DATA_CHECK_SCRIPT}`);
    expect(dropIn).toBeGreaterThan(0);
    expect(text).toContain("/etc/systemd/system/ecs.service.d/");
    expect(dropIn).toBeLessThan(text.indexOf("ECS_CLUSTER=proximate-us-east-1-workers"));
    expect(text).not.toMatch(/"/);
  });

  test("joins when the file system is mounted and every dataset path exists", () => {
    mkdirSync(join(root, "fsx", "era5"), { recursive: true });
    mkdirSync(join(root, "fsx", "cmip6"), { recursive: true });
    const run = boot(ecsInstanceUserData("workers", lustre), root, true);
    expect(run.status).toBe(0);
    expect(readFileSync(join(root, "etc/ecs/ecs.config"), "utf8")).toContain("ECS_CLUSTER=workers");
    expect(readFileSync(join(root, "etc/systemd/system/ecs.service.d/50-proximate-data.conf"), "utf8")).toContain(`ExecStartPre=${root}${DATA_CHECK_SCRIPT}`);
    expect(run.calls).not.toContain("poweroff");
    expect(run.console).toContain("data ready");
  });

  test("fails when the file system does not mount: the host powers off (its Auto Scaling group replaces it) and the agent stays gated", () => {
    mkdirSync(join(root, "fsx", "era5"), { recursive: true });
    mkdirSync(join(root, "fsx", "cmip6"), { recursive: true });
    const run = boot(ecsInstanceUserData("workers", lustre), root, false);
    expect(run.status).toBe(1);
    expect(run.calls).toContain("systemctl --no-block poweroff");
    expect(run.console).toMatch(/boot failed: the file system or a dataset path is still missing after 600 s/);
    const check = spawnSync("bash", [join(root, DATA_CHECK_SCRIPT.slice(1))], { env: { PATH: `${join(root, "stubs")}:/usr/bin:/bin` }, encoding: "utf8" });
    expect(check.status).toBe(1);
    expect(check.stderr).toContain("is not a mounted Lustre file system");
  });

  test("fails when a dataset path is missing under a mounted file system", () => {
    mkdirSync(join(root, "fsx", "era5"), { recursive: true });
    const run = boot(ecsInstanceUserData("workers", lustre), root, true);
    expect(run.status).toBe(1);
    expect(run.calls).toContain("poweroff");
    const check = spawnSync("bash", [join(root, DATA_CHECK_SCRIPT.slice(1))], { env: { PATH: `${join(root, "stubs")}:/usr/bin:/bin` }, encoding: "utf8" });
    expect(check.stderr).toContain(`dataset path ${join(root, "fsx", "cmip6")} is missing`);
  });

  test("a host without a file system passes the gate and joins", () => {
    const run = boot(ecsInstanceUserData("workers"), root, false);
    expect(run.status).toBe(0);
    expect(readFileSync(join(root, "etc/ecs/ecs.config"), "utf8")).toContain("ECS_CLUSTER=workers");
  });
});

describe("data host user data", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "user-data-"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test("fails (does not report success) when the mount is not up, without powering off", () => {
    const lustre = { dnsName: "fs-1", mountName: "abc", mountPoint: join(root, "fsx"), datasetPaths: ["/era5"] };
    mkdirSync(join(root, "fsx", "era5"), { recursive: true });
    const run = boot(dataHostUserData(lustre), root, false);
    expect(run.status).toBe(1);
    expect(run.console).toContain("boot failed");
    expect(run.calls).not.toContain("poweroff");
  });

  test("succeeds when the mount is up and every dataset path exists", () => {
    const lustre = { dnsName: "fs-1", mountName: "abc", mountPoint: join(root, "fsx"), datasetPaths: ["/era5"] };
    mkdirSync(join(root, "fsx", "era5"), { recursive: true });
    expect(boot(dataHostUserData(lustre), root, true).status).toBe(0);
  });
});
