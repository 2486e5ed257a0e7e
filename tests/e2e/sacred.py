#!/usr/bin/env python3
"""Test helper: Sacred's reference output filter, and checks of a run directory.

  sacred.py filter RAW OUT        OUT = apply_backspaces_and_linefeeds(RAW) (surrogateescape)
  sacred.py check RUNDIR EXPR...  each EXPR must be true; names: r (run.json), cfg, info,
                                  metrics, cout (bytes of cout.txt), rd (the run dir path)
The check also asserts that every JSON file is laid out exactly as Python's
json.dump(obj, f, sort_keys=True, indent=2) would write it.
"""
import json
import os
import re
import sys


def apply_backspaces_and_linefeeds(text):
    """Sacred's sacred.utils.apply_backspaces_and_linefeeds, as specified."""
    orig_lines = text.split("\n")
    orig_lines_len = len(orig_lines)
    new_lines = []
    for orig_line_idx, orig_line in enumerate(orig_lines):
        chars, cursor = [], 0
        orig_line_len = len(orig_line)
        for orig_char_idx, orig_char in enumerate(orig_line):
            last = orig_char_idx == orig_line_len - 1 and orig_line_idx == orig_lines_len - 1
            if orig_char == "\r" and not last:
                cursor = 0
            elif orig_char == "\b":
                cursor = max(0, cursor - 1)
            else:
                if orig_char == "\r" and last:
                    cursor = len(chars)
                if cursor == len(chars):
                    chars.append(orig_char)
                else:
                    chars[cursor] = orig_char
                cursor += 1
        new_lines.append("".join(chars))
    return "\n".join(new_lines)


def load_exact(path):
    with open(path, "rb") as f:
        raw = f.read()
    obj = json.loads(raw.decode("ascii"))
    again = json.dumps(obj, sort_keys=True, indent=2).encode("ascii")
    if again != raw:
        raise AssertionError("%s is not laid out as json.dump(sort_keys=True, indent=2)" % path)
    return obj


ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$")


def check(rd, exprs):
    names = {"rd": rd, "ISO": ISO, "re": re, "os": os, "json": json}
    for key, name in (("r", "run.json"), ("cfg", "config.json"), ("info", "info.json"),
                      ("metrics", "metrics.json")):
        names[key] = load_exact(os.path.join(rd, name))
    with open(os.path.join(rd, "cout.txt"), "rb") as f:
        names["cout"] = f.read()
    r = names["r"]
    for key in ("start_time", "heartbeat", "stop_time"):
        if r.get(key) is not None and not ISO.match(r[key]):
            raise AssertionError("%s=%r is not Sacred's timestamp format" % (key, r[key]))
    bad = [e for e in exprs if not eval(e, names)]
    for e in bad:
        print("failed: " + e)
    if bad:
        print("run.json status=%r program=%r" % (r.get("status"), r.get("program")))
        print("cout.txt=%r" % names["cout"][:2000])
    return 1 if bad else 0


def main():
    if sys.argv[1] == "filter":
        with open(sys.argv[2], "rb") as f:
            text = f.read().decode("utf-8", "surrogateescape")
        out = apply_backspaces_and_linefeeds(text).encode("utf-8", "surrogateescape")
        with open(sys.argv[3], "wb") as f:
            f.write(out)
        return 0
    if sys.argv[1] == "check":
        return check(sys.argv[2], sys.argv[3:])
    raise SystemExit("unknown command " + sys.argv[1])


if __name__ == "__main__":
    sys.exit(main())
