#!/usr/bin/python3
"""mongo_dump.py: checks a `sacred-run export --mongo-dump` dump against the file storage it
came from, document by document, with Debian's python3-bson (pymongo's bson). The expected
shapes are written here from Sacred's sacred/observers/mongo.py (MongoObserver 0.7.0) and
pymongo 3's gridfs/grid_file.py, not from sacred-run's output; values are compared with what
pymongo itself encodes from the run's JSON files (so ints are int32 or Int64 as pymongo
picks, floats doubles, NaN too).
Usage: mongo_dump.py STORAGE OUTDIR [--db NAME] [--ids 1,2]
Exits non-zero with the first difference."""
import datetime
import glob
import hashlib
import json
import math
import os
import sys

import bson
from bson.int64 import Int64
from bson.objectid import ObjectId

# started_event's run_entry (mongo.py), with _id from insert(); heartbeat None until a beat.
STARTED = {"_id": int, "experiment": dict, "format": str, "command": str, "host": dict,
           "start_time": datetime.datetime, "config": dict, "meta": dict, "status": str,
           "resources": list, "artifacts": list, "captured_out": str, "info": dict,
           "heartbeat": (datetime.datetime, type(None))}
# Added later: heartbeat_event's result, completed/failed/interrupted_event's stop_time,
# failed_event's fail_trace, Omniboard's omniboard (tags, notes).
LATER = {"result": object, "stop_time": datetime.datetime, "fail_trace": list, "omniboard": dict}
# queued_event's run_entry.
QUEUED = {"_id": int, "experiment": dict, "command": str, "host": dict, "config": dict, "meta": dict,
          "status": str}
# log_metrics: the upsert's query (run_id, name) and the $push lists.
METRIC = {"_id": ObjectId, "run_id": int, "name": str, "steps": list, "values": list, "timestamps": list}
# pymongo 3 GridFS.put(f, filename=...): md5 kept (disable_md5 False), length an Int64.
FILE = {"_id": ObjectId, "filename": str, "md5": str, "chunkSize": int, "length": Int64,
        "uploadDate": datetime.datetime}
# artifact_event's put adds metadata=None and content_type (detected, or None).
ARTIFACT_FILE = dict(FILE, metadata=type(None), contentType=(str, type(None)))
CHUNK = {"_id": ObjectId, "files_id": ObjectId, "n": int, "data": bytes}
CHUNK_SIZE = 255 * 1024
SACRED_RUN_KEYS = set(STARTED) | set(LATER)


def fail(msg):
    raise SystemExit("mongo dump: " + msg)


def shape(doc, want, what, optional=()):
    keys = set(doc)
    missing = set(want) - keys - set(optional)
    extra = keys - set(want) - set(optional)
    if missing or extra:
        fail("%s: keys %s missing, %s unexpected" % (what, sorted(missing), sorted(extra)))
    for k, t in list(want.items()) + [(k, optional[k]) for k in optional if k in doc]:
        if k in doc and t is not object and not (type(doc[k]) is t if isinstance(t, type) else isinstance(doc[k], t)):
            fail("%s: %s is %s, MongoObserver's is %s" % (what, k, type(doc[k]).__name__, t))


def valid_keys(obj):
    """Sacred's force_valid_bson_key applied throughout; ints past int64 as str."""
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            k = str(k)
            if k.startswith("$"):
                k = "@" + k[1:]
            out[k.replace(".", ",")] = valid_keys(v)
        return out
    if isinstance(obj, list):
        return [valid_keys(v) for v in obj]
    if isinstance(obj, int) and not isinstance(obj, bool) and not -2**63 <= obj < 2**63:
        return str(obj)
    return obj


def pymongo(obj):
    """obj as pymongo stores it and reads it back."""
    return bson.decode(bson.encode({"v": valid_keys(obj)}))["v"]


def same(a, b, where):
    """Equal values of the same BSON types (int32 int, Int64, float; NaN equals NaN)."""
    if type(a) is not type(b):
        fail("%s: %r (%s) where pymongo stores %r (%s)" % (where, a, type(a).__name__, b, type(b).__name__))
    if isinstance(a, dict):
        if list(a) != list(b):
            fail("%s: keys %s, expected %s" % (where, list(a), list(b)))
        for k in a:
            same(a[k], b[k], where + "." + k)
    elif isinstance(a, list):
        if len(a) != len(b):
            fail("%s: %d elements, expected %d" % (where, len(a), len(b)))
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, "%s[%d]" % (where, i))
    elif isinstance(a, float) and math.isnan(a) and math.isnan(b):
        pass
    elif a != b:
        fail("%s: %r, expected %r" % (where, a, b))


def when(iso):
    """A Sacred timestamp as pymongo stores a datetime: milliseconds, naive UTC."""
    t = datetime.datetime.fromisoformat(iso)
    return t.replace(microsecond=t.microsecond // 1000 * 1000)


def load(path, default=None):
    if not os.path.exists(path):
        return default
    return json.load(open(path))


def decode(dump, coll):
    data = open(os.path.join(dump, coll + ".bson"), "rb").read()
    meta = json.load(open(os.path.join(dump, coll + ".metadata.json")))
    if meta.get("collectionName") != coll or "_id_" not in [ix["name"] for ix in meta["indexes"]]:
        fail("%s.metadata.json: %s" % (coll, meta))
    return bson.decode_all(data)


def check_files(files, chunks):
    """Every file's chunks reassemble to its length and md5; no chunk without its file."""
    by_file = {}
    for c in chunks:
        shape(c, CHUNK, "fs.chunks document")
        by_file.setdefault(c["files_id"], []).append(c)
    content = {}
    for f in files:
        cs = sorted(by_file.pop(f["_id"], []), key=lambda c: c["n"])
        if [c["n"] for c in cs] != list(range(len(cs))):
            fail("file %s: chunks %s" % (f["filename"], [c["n"] for c in cs]))
        if any(len(c["data"]) != CHUNK_SIZE for c in cs[:-1]) or (cs and not cs[-1]["data"]):
            fail("file %s: a chunk but the last is not chunkSize long" % f["filename"])
        data = b"".join(c["data"] for c in cs)
        if f["chunkSize"] != CHUNK_SIZE or f["length"] != len(data) or f["md5"] != hashlib.md5(data).hexdigest():
            fail("file %s: chunkSize %s, length %s, md5 %s for %d bytes" % (f["filename"], f["chunkSize"],
                 f["length"], f["md5"], len(data)))
        content[f["_id"]] = data
    if by_file:
        fail("chunks of no file: %s" % list(by_file))
    return content


def stored_copy(storage, stored):
    """Where the file storage keeps a copy it names (relative, or an absolute path since moved)."""
    for p in (stored if stored.startswith("/") else os.path.join(storage, stored),
              os.path.join(storage, os.path.basename(os.path.dirname(stored)), os.path.basename(stored))):
        if os.path.isfile(p):
            return open(p, "rb").read()
    fail("no copy of %s in %s" % (stored, storage))


def check_sources(run, doc, storage, files, content, rid):
    want = run["experiment"].get("sources", [])
    got = doc["experiment"]["sources"]
    if len(got) != len(want):
        fail("run %s: %d sources, run.json has %d" % (rid, len(got), len(want)))
    for (name, fid), entry in zip(got, want):
        if isinstance(entry, dict):  # a queued run: {"py/tuple": [name, md5]}, the copy in the run
            entry = entry["py/tuple"]
            data = open(os.path.join(storage, rid, os.path.basename(name)), "rb").read()
        else:
            data = stored_copy(storage, entry[1])
        f = files[fid]
        if name != entry[0] or f["filename"] != os.path.join(run["experiment"]["base_dir"], name) or content[fid] != data:
            fail("run %s: source %s: %s in GridFS as %s" % (rid, entry, name, f["filename"]))
        shape(f, FILE, "source file")


def check_resources(run, doc, storage, files, content, rid):
    want, seen = [], set()
    for path, stored in run.get("resources", []):
        md5 = hashlib.md5(stored_copy(storage, stored)).hexdigest()
        if (path, md5) not in seen:  # resource_event adds a resource once
            seen.add((path, md5))
            want.append([path, md5])
    if doc["resources"] != want:
        fail("run %s: resources %s, expected %s" % (rid, doc["resources"], want))
    for path, md5 in want:
        hits = [f for f in files.values() if f["filename"] == path and f["md5"] == md5]
        if len(hits) != 1:
            fail("run %s: resource %s: %d GridFS files" % (rid, path, len(hits)))
        shape(hits[0], FILE, "resource file")


def check_artifacts(run, doc, storage, files, content, rid):
    names = [a["name"] for a in doc["artifacts"]]
    if names != run.get("artifacts", []):
        fail("run %s: artifacts %s, run.json has %s" % (rid, names, run.get("artifacts")))
    for a in doc["artifacts"]:
        shape(a, {"name": str, "file_id": ObjectId}, "artifacts entry")
        f = files[a["file_id"]]
        shape(f, ARTIFACT_FILE, "artifact file")
        if f["filename"] != "artifact://runs/%s/%s" % (rid, a["name"]):
            fail("run %s: artifact file named %s" % (rid, f["filename"]))
        if content[a["file_id"]] != open(os.path.join(storage, rid, a["name"]), "rb").read():
            fail("run %s: artifact %s differs from the run's copy" % (rid, a["name"]))


def check_metrics(run_dir, doc, metrics, rid):
    series = load(os.path.join(run_dir, "metrics.json"), {})
    mine = {m["name"]: m for m in metrics if m["run_id"] == doc["_id"]}
    if sorted(mine) != sorted(series):
        fail("run %s: metrics %s, metrics.json has %s" % (rid, sorted(mine), sorted(series)))
    listed = doc["info"].get("metrics", [])
    if series and sorted((e["name"], e["id"]) for e in listed) != sorted((n, str(m["_id"])) for n, m in mine.items()):
        fail("run %s: info.metrics %s does not name the metrics documents" % (rid, listed))
    for name, m in mine.items():
        shape(m, METRIC, "metrics document")
        s = series[name]
        same(m["steps"], pymongo(s["steps"]), "run %s metric %s steps" % (rid, name))
        same(m["values"], pymongo(s["values"]), "run %s metric %s values" % (rid, name))
        same(m["timestamps"], [when(t) for t in s["timestamps"]], "run %s metric %s timestamps" % (rid, name))


def check_run(doc, storage, rid, files, content, metrics):
    run_dir = os.path.join(storage, rid)
    run = json.load(open(os.path.join(run_dir, "run.json")))
    if doc["_id"] != int(rid):
        fail("run %s has _id %r" % (rid, doc["_id"]))
    if run["status"] == "QUEUED":
        shape(doc, QUEUED, "queued run %s" % rid)
    else:
        shape(doc, STARTED, "run %s" % rid, optional=LATER)
        status = run["status"]
        if status != "RUNNING" and "stop_time" not in doc:
            fail("run %s: %s without stop_time" % (rid, status))
        if ("fail_trace" in doc) != (status == "FAILED") or ("result" in doc) != ("result" in run):
            fail("run %s: fail_trace or result where MongoObserver has none (or the reverse)" % rid)
        if doc["format"] != "MongoObserver-0.7.0":
            fail("run %s: format %s" % (rid, doc["format"]))
        cout = open(os.path.join(run_dir, "cout.txt"), "rb").read().decode("utf-8", "replace")
        if doc["captured_out"] != cout:
            fail("run %s: captured_out is not cout.txt" % rid)
        info = load(os.path.join(run_dir, "info.json"), {})
        info.pop("metrics", None)
        got_info = dict(doc["info"])
        got_info.pop("metrics", None)
        same(got_info, pymongo(info), "run %s info" % rid)
        for k in ("start_time", "heartbeat", "stop_time"):
            if run.get(k) is not None and doc[k] != when(run[k]):
                fail("run %s: %s %s, run.json %s" % (rid, k, doc[k], run[k]))
        for k in ("result", "fail_trace", "omniboard"):
            if k in run:
                same(doc[k], pymongo(run[k]), "run %s %s" % (rid, k))
        check_resources(run, doc, storage, files, content, rid)
        check_artifacts(run, doc, storage, files, content, rid)
        check_metrics(run_dir, doc, metrics, rid)
    same(doc["config"], pymongo(load(os.path.join(run_dir, "config.json"), {})), "run %s config" % rid)
    for k in ("command", "host", "status"):
        same(doc[k], pymongo(run[k]), "run %s %s" % (rid, k))
    exp = dict(doc["experiment"])
    exp.pop("sources")
    want = dict(run["experiment"])
    want.pop("sources", None)
    same(exp, pymongo(want), "run %s experiment" % rid)
    meta = dict(doc["meta"])
    extras = meta.pop("sacred_run", None)
    same(meta, pymongo(run["meta"]), "run %s meta" % rid)
    own = {k: v for k, v in run.items() if k not in SACRED_RUN_KEYS}
    if own or extras is not None:
        same(extras, pymongo(own), "run %s meta.sacred_run" % rid)
    check_sources(run, doc, storage, files, content, rid)


def main():
    args = sys.argv[1:]
    storage, out = args[0], args[1]
    db = args[args.index("--db") + 1] if "--db" in args else "sacred"
    dump = os.path.join(out, db)
    if sorted(os.listdir(out)) != [db]:
        fail("%s holds %s, not just %s" % (out, os.listdir(out), db))
    colls = ["runs", "metrics", "fs.files", "fs.chunks"]
    if sorted(os.listdir(dump)) != sorted([c + ".bson" for c in colls] + [c + ".metadata.json" for c in colls]):
        fail("%s holds %s" % (dump, sorted(os.listdir(dump))))
    runs, metrics, files, chunks = (decode(dump, c) for c in colls)
    content = check_files(files, chunks)
    for f in files:
        shape(f, ARTIFACT_FILE if f["filename"].startswith("artifact://") else FILE, "fs.files document")
    plain = [(f["filename"], f["md5"]) for f in files if not f["filename"].startswith("artifact://")]
    if len(plain) != len(set(plain)):
        fail("a source or resource stored twice under one file name and MD5")
    files = {f["_id"]: f for f in files}
    if "--ids" in args:
        ids = args[args.index("--ids") + 1].split(",")
    else:
        ids = sorted((d for d in os.listdir(storage) if d.isdigit()), key=int)
    if [str(r["_id"]) for r in runs] != ids:
        fail("runs %s, expected %s" % ([r["_id"] for r in runs], ids))
    for doc in runs:
        check_run(doc, storage, str(doc["_id"]), files, content, metrics)
    used = {s[1] for r in runs for s in r["experiment"]["sources"]} | {a["file_id"] for r in runs for a in r.get("artifacts", [])}
    used |= {f["_id"] for f in files.values() for r in runs for p, m in r.get("resources", []) if (f["filename"], f["md5"]) == (p, m)}
    if set(files) != used:
        fail("GridFS files no run names: %s" % [files[i]["filename"] for i in set(files) - used])
    if len(metrics) != sum(len(load(os.path.join(storage, str(r["_id"]), "metrics.json"), {})) for r in runs):
        fail("metrics documents of no run")
    print("mongo dump: %d runs, %d metrics, %d files checked" % (len(runs), len(metrics), len(files)))


if __name__ == "__main__":
    main()
