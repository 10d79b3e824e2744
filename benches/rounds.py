#!/usr/bin/env python3
"""Times several commands in rounds: each round runs every command once, in an order that
rotates from round to round (and runs backwards every other round), so a slow stretch of a
noisy machine is shared by all of them instead of landing on whichever tool a back-to-back
runner (hyperfine) was timing then.

    rounds.py --runs 5 [--warmup 1] [--warmup-of NAME=K ...] [--sync] [--settle S] [--blocks]
              --json OUT NAME 'COMMAND' [NAME 'COMMAND' ...]

Each build's wall time is taken around the process (perf_counter, from spawn to exit).
(Peak memory is measured apart, with GNU time: a child forked from Python starts with
Python's memory, which the kernel counts in its peak.)

--warmup-of gives one command its own number of warm-ups (a slow peer whose second build is
already like every later one needs one); in rounds, a command with fewer warm-ups joins in
later rounds, so that every command's timed builds share the same rounds.
--sync flushes the page cache's dirty data before every build, so a build on disk does not
start by waiting for the write-back of the one before it.
--settle waits S seconds before every build (after --sync): on a virtual machine, the memory
a peer's 10 GiB build frees is handed back to the host as it ends, and a build started at
once pays for that while it faults in its own.
--blocks gives up the rounds: each command's warm-ups and timed builds run back to back, as a
user's rebuilds do (on disk, another tool's build between two of them empties the page cache
of their files; see compare.sh).

OUT gets {"NAME": {"command": ..., "times": [s, ...], "read_kib": [KiB, ...]}} with every
timed run; read_kib is what the whole machine read from its disks during the build (Linux's
pgpgin, in /proc/vmstat; absent elsewhere): a build on disk that reads while it writes found
the files it writes over gone from the page cache."""

import argparse
import json
import os
import shlex
import subprocess
import sys
import time


def kib_read_from_disk():
    """What this machine has read from its disks since it started, in KiB (None off Linux)."""
    try:
        with open("/proc/vmstat") as vmstat:
            for line in vmstat:
                name, _, value = line.partition(" ")
                if name == "pgpgin":
                    return int(value)
    except OSError:
        pass
    return None


def run_once(argv):
    with open(os.devnull, "wb") as null:
        read_before = kib_read_from_disk()
        start = time.perf_counter()
        finished = subprocess.run(argv, stdout=null, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
        read_after = kib_read_from_disk()
    if finished.returncode != 0:
        sys.exit(f"{shlex.join(argv)} failed ({finished.returncode}):\n{finished.stderr.decode(errors='replace')}")
    read = None if read_before is None or read_after is None else read_after - read_before
    return elapsed, read


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, required=True)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--warmup-of", action="append", default=[], metavar="NAME=K")
    parser.add_argument("--sync", action="store_true")
    parser.add_argument("--settle", type=float, default=0.0, metavar="S")
    parser.add_argument("--blocks", action="store_true")
    parser.add_argument("--json", required=True)
    parser.add_argument("pairs", nargs="+", help="NAME COMMAND ...")
    args = parser.parse_args()
    if len(args.pairs) % 2:
        parser.error("commands come as NAME 'COMMAND' pairs")
    names = args.pairs[0::2]
    commands = {name: shlex.split(command) for name, command in zip(names, args.pairs[1::2])}
    results = {name: {"command": shlex.join(commands[name]), "times": [], "read_kib": []} for name in names}
    warmup = {name: args.warmup for name in names}
    for given in args.warmup_of:
        name, _, count = given.partition("=")
        if name not in warmup or not count.isdigit():
            parser.error(f"--warmup-of {given}: want NAME=K with NAME one of {', '.join(names)}")
        warmup[name] = int(count)
    builds = {name: warmup[name] + args.runs for name in names}
    if args.blocks:
        order = [(name, n) for name in names for n in range(builds[name])]
    else:
        order = []
        rounds = max(builds.values())
        for n in range(rounds):
            rotated = names[n % len(names):] + names[:n % len(names)]
            # Every other round runs backwards: in rotations alone a tool always follows the
            # same one, and pays for whatever that one leaves behind (the memory a 10 GiB build
            # frees is handed back to a virtual machine's host, and faulted in again).
            in_round = rotated if n % 2 == 0 else rotated[::-1]
            # A command with fewer warm-ups joins late: its timed builds share the rounds,
            # and so the machine's moments, of everyone else's.
            order += [(name, n - (rounds - builds[name])) for name in in_round if n >= rounds - builds[name]]
    for name, build_number in order:
        if args.sync:
            os.sync()
        time.sleep(args.settle)
        elapsed, read = run_once(commands[name])
        if build_number >= warmup[name]:
            results[name]["times"].append(elapsed)
            if read is not None:
                results[name]["read_kib"].append(read)
    with open(args.json, "w") as out:
        json.dump(results, out, indent=1)


if __name__ == "__main__":
    main()
