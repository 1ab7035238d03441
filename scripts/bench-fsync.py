#!/usr/bin/python3
"""The disk's own commit latency: what a group commit's fsync costs on this machine (issue 14).

Usage: scripts/bench-fsync.py [--seconds S=10] [--batch-kib K=1400] [--dir DIR=build/bench/fsync]

Appends K KiB (one batch's log frames: about 12 creates of 27 pages each at 32 connections) to a
log file and fdatasyncs it, over and over for S seconds, in two phases:
  alone       nothing else writes;
  checkpoint  a second thread copies 8,192 random 4 KiB pages into a 600 MiB file and fsyncs it,
              over and over (what the server's checkpointer does every 8,192 pages of log).
Prints, per phase, the commits a second and the fdatasync latency's percentiles.  No database,
no server: the floor under any p99 a durable write can reach here."""
import argparse
import os
import random
import threading
import time

PAGE = 4096


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p / 100))]


def commits(path, batch, seconds):
    """[fdatasync seconds] of appending batch bytes and syncing, for seconds."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    data, off, out = os.urandom(batch), 0, []
    end = time.monotonic() + seconds
    try:
        while time.monotonic() < end:
            os.pwrite(fd, data, off)
            off = (off + batch) % (128 << 20)  # a log that restarts, like the server's past 32,768 pages
            t = time.monotonic()
            os.fdatasync(fd)
            out.append(time.monotonic() - t)
    finally:
        os.close(fd)
    return out


def checkpoints(path, stop):
    """Copy 8,192 random pages into a 600 MiB file and fsync it, until stop is set."""
    size = 600 << 20
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.ftruncate(fd, size)
    page = os.urandom(PAGE)
    try:
        while not stop.is_set():
            for _ in range(8192):
                os.pwrite(fd, page, random.randrange(size // PAGE) * PAGE)
            os.fsync(fd)
    finally:
        os.close(fd)


def report(name, syncs, seconds):
    ms = [s * 1000 for s in syncs]
    print("| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f |" % (
        name, len(ms) / seconds, percentile(ms, 50), percentile(ms, 90), percentile(ms, 99), percentile(ms, 99.9), max(ms)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--batch-kib", type=int, default=1400)
    ap.add_argument("--dir", default=os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "build", "bench", "fsync"))
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    log, db = os.path.join(a.dir, "log"), os.path.join(a.dir, "db")
    print("append %d KiB + fdatasync, %g s a phase, in %s (load %.1f)" % (a.batch_kib, a.seconds, a.dir, os.getloadavg()[0]))
    print("| phase | commits/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    report("alone", commits(log, a.batch_kib << 10, a.seconds), a.seconds)
    stop = threading.Event()
    t = threading.Thread(target=checkpoints, args=(db, stop))
    t.start()
    try:
        report("checkpoint", commits(log, a.batch_kib << 10, a.seconds), a.seconds)
    finally:
        stop.set()
        t.join()
    for p in (log, db):
        os.unlink(p)


if __name__ == "__main__":
    main()
