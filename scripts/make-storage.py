#!/usr/bin/env python3
"""make-storage.py: writes a file storage of N runs in Sacred's run format, for benchmarks
and the dashboard's tests (no sacred-run needed).

  make-storage.py DIR N [--metrics M] [--points P]
Each run has run.json, config.json (lr, layers, seed), info.json, cout.txt, and a
metrics.json with M metrics of P points each (default 2 x 20).
"""
import argparse
import json
import math
import os
import random


def run_doc(i, start):
    status = ["COMPLETED", "FAILED", "INTERRUPTED", "COMPLETED"][i % 4]
    return {
        "artifacts": [], "command": "main", "resources": [], "result": round(1.0 / (i + 1), 6),
        "experiment": {"base_dir": "/work", "dependencies": [], "mainfile": "train.py",
                       "name": "train", "repositories": [], "sources": []},
        "heartbeat": start, "host": {"hostname": "bench", "os": ["Linux", "Linux"],
                                     "cpu": "bench cpu", "python_version": "3.11"},
        "meta": {"command": "main", "options": {}, "comment": "run %d" % i},
        "start_time": start, "stop_time": start, "status": status,
    }


def metrics_doc(metrics, points, start):
    out = {}
    for m in range(metrics):
        steps = list(range(points))
        out["metric%d" % m] = {
            "steps": steps, "timestamps": [start] * points,
            "values": [math.exp(-s / (points / 4.0)) + 0.01 * m for s in steps]}
    return out


def dump(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, sort_keys=True, indent=2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("n", type=int)
    ap.add_argument("--metrics", type=int, default=2)
    ap.add_argument("--points", type=int, default=20)
    a = ap.parse_args()
    rnd = random.Random(7)
    for i in range(1, a.n + 1):
        d = os.path.join(a.dir, str(i))
        os.makedirs(d, exist_ok=True)
        start = "2026-12-01T%02d:%02d:%02d.000000" % (i // 3600 % 24, i // 60 % 60, i % 60)
        dump(os.path.join(d, "run.json"), run_doc(i, start))
        dump(os.path.join(d, "config.json"), {"lr": rnd.choice([0.1, 0.01, 0.001]),
                                              "layers": rnd.randint(1, 4), "seed": rnd.randint(0, 2**31)})
        dump(os.path.join(d, "info.json"), {})
        dump(os.path.join(d, "metrics.json"), metrics_doc(a.metrics, a.points, start))
        with open(os.path.join(d, "cout.txt"), "w") as f:
            f.write("epoch %d\n" % i)


if __name__ == "__main__":
    main()
