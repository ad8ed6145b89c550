import { NANNY_PORTS, schedulerCommand, schedulerDnsName, sizeWorkers, WORKER_PORTS, workerCommand } from "../../../modules/compute/dask";
import { clientRequirements, DASK_IMAGES, daskImage, DEFAULT_DASK_IMAGE } from "../../../modules/compute/images";
import { INSTANCE_TYPES } from "../../../modules/compute/instance-types";

describe("worker sizing", () => {
  test("one task per m6i.xlarge: all four vCPUs, the memory the ECS agent registers", () => {
    // 16384 MiB - 673 MiB the kernel keeps - 512 MiB ECS_RESERVED_MEMORY - 164 MiB margin (1 %).
    expect(sizeWorkers({ instanceType: "m6i.xlarge" })).toEqual({
      instanceType: "m6i.xlarge",
      tasksPerInstance: 1,
      taskCpu: 4096,
      taskMemoryMiB: 15035,
      processesPerTask: 1,
      threadsPerProcess: 4,
      memoryLimitBytes: Math.floor(15035 * 0.9 * 1024 * 1024),
      agentReservedMemoryMiB: 512,
      registeredMemoryMiB: 15035,
    });
  });

  /**
   * EC2 memory minus MemTotal, bytes, measured on launched 6th-generation instances (AWS's
   * Karpenter project, zz_generated.memory_overhead.go): what the ECS agent can register at most.
   */
  const MEASURED_KERNEL_BYTES: Record<string, number> = {
    "m6i.large": 424_321_024, "m6i.xlarge": 703_729_664, "m6i.2xlarge": 1_262_546_944, "m6i.4xlarge": 2_380_177_408, "m6i.8xlarge": 4_514_795_520,
    "r6i.large": 703_246_336, "r6i.xlarge": 1_261_580_288, "r6i.2xlarge": 2_378_240_000, "r6i.4xlarge": 4_510_916_608, "r6i.8xlarge": 8_876_937_216,
    "c6i.large": 285_917_184, "c6i.xlarge": 424_804_352, "c6i.2xlarge": 704_696_320, "c6i.4xlarge": 1_264_484_352, "c6i.8xlarge": 2_384_064_512,
  };

  test.each(Object.keys(INSTANCE_TYPES))("%s: every allowed split fits in what the agent registers (MemTotal - ECS_RESERVED_MEMORY)", (name) => {
    const type = INSTANCE_TYPES[name];
    // 7th-generation types: the 6th-generation measurement of the same memory size.
    const twin = Object.keys(MEASURED_KERNEL_BYTES).find((t) => t.replace(/^([mrc])6i/, (_, family: string) => `${family}7i`) === name || t === name) ?? "";
    const memTotalMiB = type.memoryMiB - MEASURED_KERNEL_BYTES[twin] / (1024 * 1024);
    for (let tasks = 1; tasks <= Math.min(type.vcpus, type.maxNetworkInterfaces - 1); tasks++) {
      const sizing = sizeWorkers({ instanceType: name, tasksPerInstance: tasks });
      expect(sizing.taskMemoryMiB * tasks).toBeLessThanOrEqual(memTotalMiB - sizing.agentReservedMemoryMiB);
      expect(sizing.taskMemoryMiB).toBeGreaterThan(1024);
    }
  });

  test("the memory the agent does not see grows with the size: a fixed reserve would not fit the larger types", () => {
    const small = INSTANCE_TYPES["m6i.large"];
    const large = INSTANCE_TYPES["m6i.8xlarge"];
    expect(large.kernelReservedMiB).toBeGreaterThan(4 * 1024);
    expect(small.kernelReservedMiB).toBeLessThan(1024);
  });

  test.each([
    [{ instanceType: "m6i.2xlarge", tasksPerInstance: 2 }, 4096, 4, 1],
    [{ instanceType: "m6i.4xlarge", processesPerTask: 4 }, 16384, 4, 4],
    [{ instanceType: "c6i.large", threadsPerProcess: 3 }, 2048, 3, 1],
  ])("%p gives %i CPU units, %i threads x %i processes", (input, cpu, threads, processes) => {
    const sizing = sizeWorkers(input);
    expect(sizing.taskCpu).toBe(cpu);
    expect(sizing.threadsPerProcess).toBe(threads);
    expect(sizing.processesPerTask).toBe(processes);
  });

  test("fails when an instance would be split into tasks of less than one vCPU", () => {
    expect(() => sizeWorkers({ instanceType: "m6i.large", tasksPerInstance: 3 })).toThrow(/tasksPerInstance: got 3; allowed: 1 to 2 on m6i.large/);
  });

  test("fails when a host would need more awsvpc task interfaces than it attaches besides its own", () => {
    expect(() => sizeWorkers({ instanceType: "m6i.xlarge", tasksPerInstance: 4 })).toThrow(/tasksPerInstance: got 4; allowed: 1 to 3 on m6i.xlarge \(4 vCPUs, 4 network interfaces\)/);
    expect(() => sizeWorkers({ instanceType: "c7i.8xlarge", tasksPerInstance: 8 })).toThrow(/allowed: 1 to 7 on c7i.8xlarge/);
  });

  test("fails when the instance type is not offered", () => {
    expect(() => sizeWorkers({ instanceType: "x1.mega" })).toThrow(/instanceType: "x1.mega" is not offered/);
  });
});

describe("Dask commands", () => {
  test("the scheduler listens on 8786 with the dashboard on 8787", () => {
    expect(schedulerCommand()).toEqual(["dask", "scheduler", "--port", "8786", "--dashboard-address", ":8787"]);
  });

  test("a worker joins the scheduler by DNS name with a pool resource equal to its threads and pinned ports", () => {
    const sizing = sizeWorkers({ instanceType: "m6i.2xlarge", processesPerTask: 2 });
    const [shell, flag, script] = workerCommand("us-east-1", schedulerDnsName("proximate.internal"), sizing);
    expect([shell, flag]).toEqual(["sh", "-c"]);
    expect(script).toMatch(/^exec dask worker tcp:\/\/scheduler\.proximate\.internal:8786 /);
    expect(script).toContain("--nworkers 2 --nthreads 4 ");
    expect(script).toContain("--resources pool-us-east-1=4 ");
    expect(script).toContain(`--worker-port ${WORKER_PORTS.from}:${WORKER_PORTS.to} --nanny-port ${NANNY_PORTS.from}:${NANNY_PORTS.to}`);
    expect(script).toContain("--name us-east-1-$(hostname)");
    expect(script).toContain(`--memory-limit ${sizing.memoryLimitBytes} `);
  });

  test("with demand scaling, scheduler and workers write their preload from the task's environment and run it", () => {
    const [, , scheduler] = schedulerCommand({ scalingPreload: true });
    expect(scheduler).toBe(`printf '%s' "$PROXIMATE_SCALING_PY" > /tmp/proximate_scaling.py && exec dask scheduler --port 8786 --dashboard-address :8787 --preload /tmp/proximate_scaling.py`);
    const [, , worker] = workerCommand("us-east-1", "scheduler.p.internal", sizeWorkers({ instanceType: "m6i.xlarge" }), { protectionPreload: true });
    expect(worker).toMatch(/^printf '%s' "\$PROXIMATE_PROTECTION_PY" > \/tmp\/proximate_protection\.py && exec dask worker .* --preload \/tmp\/proximate_protection\.py$/);
  });
});

describe("Dask images", () => {
  test("the default image pins one Dask/distributed version for cluster and notebook", () => {
    const image = daskImage(DEFAULT_DASK_IMAGE);
    expect(image.clientPackages.dask).toBe(image.clientPackages.distributed);
    expect(clientRequirements(image)).toContain(`distributed==${image.clientPackages.distributed}`);
    for (const pkg of ["xarray", "zarr", "netCDF4", "h5netcdf", "fsspec", "s3fs"]) {
      expect(image.clientPackages[pkg]).toMatch(/^\d+\.\d+/);
    }
  });

  test("every known image names a credential-free upstream", () => {
    for (const image of Object.values(DASK_IMAGES)) {
      expect(["quay.io", "public.ecr.aws"]).toContain(image.upstream);
    }
  });

  test("fails when the image is unknown, listing the known ones", () => {
    expect(() => daskImage("dask:latest")).toThrow(/"dask:latest" is not a known image; allowed: pangeo-notebook:2024.06.21/);
  });
});
