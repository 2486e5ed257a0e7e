#!/usr/bin/env python3
"""check-includes.py: fails when a launcher file includes a header from a group above its
own (ARCHITECTURE.md, "Folders, and the include rule"), or a header by any path but its
path from launcher/. Reads only the #include "..." lines; prints one line per offence.
Usage: check-includes.py [LAUNCHER_DIR] (default: this checkout's launcher/)."""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAUNCHER = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "launcher")
PROTOCOL = "preload/sr_protocol.h"

# Each group and the groups its files may include besides its own. "app" is the top of
# launcher/ (the phases of a run); the protocol header may be included from anywhere.
MAY_INCLUDE = {
    "app": {"sweep", "dashboard", "inspect", "report", "capture", "observe", "prov", "config", "store",
            "record", "json", "util"},
    "sweep": {"inspect", "config", "store", "record", "json", "util"},
    "dashboard": {"inspect", "config", "store", "record", "json", "util"},
    "inspect": {"config", "store", "record", "json", "util"},
    "report": {"capture", "observe", "prov", "config", "record", "json", "util"},
    "capture": {"record", "json", "util"},
    "observe": {"record", "json", "util"},
    "prov": {"observe", "record", "json", "util"},  # provenance decides on what observe collected
    "config": {"record", "json", "util"},
    "store": {"record", "json", "util"},  # databases: written from a run's record, read into one
    "record": {"json", "util"},
    "json": {"util"},
    "util": set(),
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def group_of(rel):
    """The group of a path relative to launcher/ ("util/io.c" -> util, "cli.h" -> app)."""
    head, _, rest = rel.partition("/")
    return head if rest else "app"


def shown(rel):
    """How a file is named in messages: its path from the current directory."""
    return os.path.relpath(os.path.join(LAUNCHER, rel))


def offences(rel):
    """Yields one message per forbidden #include of launcher/rel."""
    own = group_of(rel)
    with open(os.path.join(LAUNCHER, rel), encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if not m or m.group(1) == PROTOCOL:
                continue
            inc = m.group(1)
            where = "%s:%d: \"%s\"" % (shown(rel), no, inc)
            if not os.path.isfile(os.path.join(LAUNCHER, inc)):
                yield "%s: not a path from launcher/ (write \"GROUP/NAME.h\", or \"%s\")" % (where, PROTOCOL)
                continue
            theirs = group_of(inc)
            if theirs != own and theirs not in MAY_INCLUDE[own]:
                yield "%s: %s may not include %s (includes point down: %s may include %s)" % (
                    where, own, theirs, own, ", ".join(sorted(MAY_INCLUDE[own])) or "nothing else")


def main():
    bad = 0
    for dirpath, _, names in sorted(os.walk(LAUNCHER)):
        for name in sorted(names):
            if not name.endswith((".c", ".h")):
                continue
            rel = os.path.relpath(os.path.join(dirpath, name), LAUNCHER)
            if group_of(rel) not in MAY_INCLUDE:
                print("%s: in no known group (add the folder to scripts/check-includes.py)" % shown(rel))
                bad += 1
                continue
            for msg in offences(rel):
                print(msg)
                bad += 1
    if bad:
        print("check-includes: %d include(s) break the include rule (see ARCHITECTURE.md)" % bad)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
