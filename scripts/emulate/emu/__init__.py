"""Run the synthesized Proximate topology for real on one Linux machine (root).

Modules (each small and typed; stdlib unless noted):

* :mod:`emu.topology`  - read the synth output (``cdktf.out``) into a typed topology
* :mod:`emu.synth`     - find the synth output, synthesize it when missing or stale
* :mod:`emu.plan`      - namespaces, addresses, routes and links derived from it (pure)
* :mod:`emu.sh`        - run commands; failures name the step, the object and the output
* :mod:`emu.state`     - the state directory (namespaces, mounts, PIDs) that ``down`` undoes
* :mod:`emu.network`   - network namespaces, veths, routes, nftables (the Transit Gateways)
* :mod:`emu.mounts`    - per-Region mount namespaces: the "Lustre" tmpfs and /etc/hosts
* :mod:`emu.procs`     - supervised services (scheduler, worker tasks, S3 servers)
* :mod:`emu.supervise` - the ECS-service stand-in process (restarts a task, stops it)
* :mod:`emu.container` - the container stand-in (hostname, /tmp, read-only /fsx, ulimits, env)
* :mod:`emu.datagen`   - ERA5-shaped NetCDF and CMIP6-shaped Zarr data (numpy, xarray, zarr)
* :mod:`emu.s3`        - the per-Region s3rver and its seeding
* :mod:`emu.client`    - the client Region's environment, helper shipping, readiness probes
* :mod:`emu.cluster`   - ``up`` / ``down`` / ``status`` / pools
* :mod:`emu.protocol`, :mod:`emu.measure` - client-Region workloads with counters around them
* :mod:`emu.bench`     - bench:proximity;  :mod:`emu.faults` - the fault tests
"""
