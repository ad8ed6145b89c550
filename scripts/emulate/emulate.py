#!/usr/bin/python3
"""npm run emulate -- up|down|status|run|cut|restore|stop-pool|start-pool

  up           synthesize if needed, then bring the topology to life (namespaces, router,
               Lustre mounts, S3 servers, catalog, scheduler, workers)
  down         stop everything up started (workers first), delete namespaces and mounts,
               verify nothing is left (exit 1 if something is)
  status       JSON: services, routes, links, cut links, byte counters
  run [--region R] -- CMD...
               run CMD in a Region's namespaces (default: the client Region) with the
               notebook's environment (PROXIMATE_SCHEDULER, PROXIMATE_CATALOG, ...)
  cut R / restore R
               drop / forward again every packet of Region R in the router
  stop-pool R / start-pool R
               Region R's worker service places no task / places tasks again
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from emu import cluster, network  # noqa: E402
from emu.client import client_env  # noqa: E402
from emu.sh import EmulationError  # noqa: E402
from emu.state import DEFAULT_STATE_DIR  # noqa: E402


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="npm run emulate --", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--state", type=Path, default=DEFAULT_STATE_DIR,
                        help=f"state directory (default {DEFAULT_STATE_DIR}, env PROXIMATE_EMULATE_STATE)")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="bring the emulation up")
    up.add_argument("--synth", help="synth output to read (default cdktf.out, synthesized when "
                                    "missing or stale; an explicit dir is used as it is)")
    up.add_argument("--prefix", default=cluster.DEFAULT_PREFIX, help="namespace name prefix")
    up.add_argument("--tasks", type=int, default=2, help="worker tasks per worker Region")
    up.add_argument("--scaling", action="store_true",
                    help="play the synthesized alarms and step scaling policies (default: pools "
                         "stay at --tasks)")
    up.add_argument("--alarm-period", type=float, default=2.0,
                    help="seconds standing for the alarms' 60 s period (default 2)")
    up.add_argument("--network-only", action="store_true",
                    help="namespaces, routes, router and hosts files only")
    up.add_argument("--bandwidth-mbit", type=float,
                    help="cap each Region's traffic through the router (tc tbf; no latency)")
    sub.add_parser("down", help="bring everything down and verify")
    sub.add_parser("status", help="print the state as JSON")
    run = sub.add_parser("run", help="run a command in a Region")
    run.add_argument("--region", help="Region (default: the client Region)")
    run.add_argument("cmd", nargs=argparse.REMAINDER)
    for name in ("cut", "restore", "stop-pool", "start-pool"):
        sub.add_parser(name).add_argument("region")
    args = parser.parse_args(argv)
    state_dir: Path = args.state.resolve()

    try:
        if args.command == "up":
            options = cluster.UpOptions(synth_dir=args.synth, state_dir=state_dir,
                                        prefix=args.prefix, tasks_per_pool=args.tasks,
                                        network_only=args.network_only,
                                        bandwidth_mbit=args.bandwidth_mbit,
                                        scaling=args.scaling, alarm_period=args.alarm_period)
            try:
                summary = cluster.up(options)
            except BaseException:
                print(f"[emulate] up failed; state kept in {state_dir} for "
                      "`npm run emulate -- down` (logs in its logs/)", file=sys.stderr)
                raise
            print(json.dumps(summary, sort_keys=True))
            return 0
        if args.command == "down":
            return 1 if cluster.down(state_dir) else 0
        if args.command == "status":
            print(json.dumps(cluster.status(state_dir), indent=1, sort_keys=True))
            return 0
        if args.command == "run":
            store, _, topology, plan = cluster.load(state_dir)
            region = plan.regions.get(args.region or topology.client)
            if region is None:
                raise EmulationError(f"unknown Region {args.region}; known: {sorted(plan.regions)}")
            cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
            if not cmd:
                raise EmulationError("run: give a command after --")
            argv_ = [*network.ns_exec(region)[:-1], f"--wd={os.getcwd()}", "--", *cmd]
            os.execvpe(argv_[0], argv_, {**client_env(plan, store)})
        _, _, _, plan = cluster.load(state_dir)
        if args.region not in plan.regions:
            raise EmulationError(f"unknown Region {args.region}; known: {sorted(plan.regions)}")
        if args.command == "cut":
            network.cut(plan, args.region)
        elif args.command == "restore":
            network.restore(plan, args.region)
        elif args.command == "stop-pool":
            for problem in cluster.stop_pool(args.region, state_dir):
                print(f"[emulate] {problem}", file=sys.stderr)
        elif args.command == "start-pool":
            print(json.dumps(cluster.start_pool(args.region, state_dir)))
        return 0
    except EmulationError as exc:
        print(f"emulate {args.command}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
