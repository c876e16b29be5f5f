"""The aggregation of `perimeter ingest`, on Spark, for an organization's trail.

    spark-submit Spark/perimeter_aggregate.py --perimeter PATH/TO/perimeter --out AGG LOGS...
    perimeter ingest --aggregates AGG --db perimeter.sqlite
    perimeter synthesize --db perimeter.sqlite --inventory inventory --out Output

LOGS are local paths, or URIs Hadoop reads (s3:// with the cluster's S3 connector), searched recursively.
The event -> action rules are not rewritten here, and no row of the logs passes through Python: each task
runs the Perimeter binary over its files (`perimeter normalize --out DIR`), which writes the store's groups
already summed over the task's files, and the per-file rows to de-duplicate with, as JSON lines that Spark
reads itself. Spark sums the tasks' groups by key, keeps one file of each content (the least path) and
one copy of each event (same time, id and content digest: only the (time, id) seen more than once are
shuffled to find which), and takes the copies out again by running
`perimeter normalize --subtract` over the files that hold them (none, usually). Two records with one
(time, id) and different content are both kept and listed as conflicts, as the native ingest does.
Network activity events are not requests of their own: their rows (`network`, one per event and action)
are passed on once per event (the first record of it in its least path), and each event's request digest
with it (`events`), for the store to join them to their calls when it is read, as it does natively.

The grouped tables describe themselves (AggregateExchange.swift): a text or array column is part of the
key (but `sample`, the least non-empty), `first` is a minimum, `last` a maximum, any other number is
summed. The job knows no table's columns, so a column the binary adds needs no change here. The tasks'
`format` row (the exchange's version) is passed on as it is: tasks that wrote none, or different ones,
stop the job (a binary older than the job, or two binaries).

Local paths are passed to the binary as they are (it lists them too, with `ingest`'s rules). Remote logs
are read with Spark's binaryFile source, each written to a temporary file on the executor. Either way the
tasks' tables are written under --work, which the driver and every executor must see at the same path (the
local disk in local mode; a shared mount on a cluster).

Ship the binary with `--files` (it then sits in each executor's working folder; pass `--perimeter
./perimeter`) and its `perimeter_*.resources` folders (`--archives`), built with `swift build -c release
--static-swift-stdlib`; the fast build (`--traits Fast`) also needs `libjemalloc.so.2` beside it.

A task reads at most --task-mb megabytes and --task-files files: its memory follows those figures, not the
window. Spark holds no row in its heap: the JSON lines are read from disk, shuffles spill.
"""
import argparse
import json
import os
import shutil
import subprocess
import tempfile

from pyspark import StorageLevel
from pyspark.sql import SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T


def run_normalize(perimeter, out, items, subtract=False):
    """Runs `perimeter normalize` writing its tables to `out`, over `items`: (name, local path or None, bytes or
    None, what to subtract). Remote files are written to temporary files one at a time."""
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.TemporaryDirectory() as work:
        listing = []
        for i, (name, path, content, what) in enumerate(items):
            if path is None or any(c in path for c in "\t\n\r"):
                copy = os.path.join(work, str(i))
                if content is None:   # a relative path would be read from the temporary folder
                    os.symlink(os.path.abspath(path), copy)
                else:
                    with open(copy, "wb") as f:
                        f.write(content)
                path = copy
            # A name is chosen by whoever writes the logs: a tab or line break in it would end the line early.
            name = name.replace("\t", "%09").replace("\n", "%0A").replace("\r", "%0D")
            listing.append(f"{path}\t{name}" + (f"\t{what}" if subtract else "") + "\n")
        command = [perimeter, "normalize", "--out", out, "--from-stdin"] + (["--subtract"] if subtract else [])
        done = subprocess.run(command, input="".join(listing).encode(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if done.returncode != 0:
            raise RuntimeError(f"perimeter normalize failed: {done.stderr.decode(errors='replace').strip()}")
    return out


def pack(files, task_bytes, task_files):
    """Files (path, size) in path order, in tasks of at most task_bytes (a larger file alone) and task_files."""
    tasks, current, size = [], [], 0
    for path, length in files:
        if current and (size + length > task_bytes or len(current) >= task_files):
            tasks.append(current)
            current, size = [], 0
        current.append(path)
        size += length
    return tasks + ([current] if current else [])


def normalize_local(spark, args, perimeter, work):
    """Local paths: the binary lists them (ingest's rules), tasks get paths, nothing is copied."""
    listed = subprocess.run([perimeter, "normalize", "--list"] + [f"--exclude={e}" for e in args.exclude] + args.logs,
                            check=True, stdout=subprocess.PIPE).stdout.decode()
    files = [(row["path"], row["size"]) for row in map(json.loads, listed.splitlines())]
    tasks = pack(files, args.task_mb << 20, args.task_files)
    if not tasks:
        return
    work_of = lambda index: os.path.join(work, f"task-{index:06d}")
    spark.sparkContext.parallelize(list(enumerate(tasks)), len(tasks)) \
        .foreach(lambda task: run_normalize(perimeter, work_of(task[0]), [(p, p, None, None) for p in task[1]]))


def remote_files(spark, args):
    """(path, content) of the remote logs, in tasks of at most --task-mb and --task-files: Spark packs files into a
    task up to maxPartitionBytes, each file counting its size plus openCostInBytes."""
    task_bytes = args.task_mb << 20
    spark.conf.set("spark.sql.files.maxPartitionBytes", str(task_bytes))
    spark.conf.set("spark.sql.files.openCostInBytes", str(max(1, task_bytes // max(1, args.task_files))))
    listed = spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(args.logs)
    # Notes (`*.md`) and excluded prefixes are left out before their content is read (LogFileDiscovery's rules).
    wanted = ~F.col("path").endswith(".md")
    for prefix in args.exclude:
        wanted = wanted & ~F.col("path").startswith(prefix)
    return listed.where(wanted).select("path", "content")


def normalize_remote(spark, args, perimeter, work):
    def task(index, rows):
        run_normalize(perimeter, os.path.join(work, f"task-{index:06d}"), ((r.path, None, r.content, None) for r in rows))
        return []
    remote_files(spark, args).rdd.mapPartitionsWithIndex(task).count()


def subtract(spark, args, perimeter, work, removals, remote):
    """Runs `normalize --subtract` over the files holding copies to take out (`removals`: path, what)."""
    count = removals.count()
    if count == 0:
        return
    parts = max(1, -(-count // args.task_files))
    if remote:
        rows = remote_files(spark, args).join(removals, "path").repartition(parts, "path").rdd
        items = lambda rows: ((r.path, None, r.content, r.what) for r in rows)
    else:
        rows = removals.repartition(parts, "path").rdd
        items = lambda rows: ((r.path, r.path, None, r.what) for r in rows)

    def task(index, rows):
        run_normalize(perimeter, os.path.join(work, f"subtract-{index:06d}"), items(rows), subtract=True)
        return []
    rows.mapPartitionsWithIndex(task).count()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--perimeter", required=True, help="the perimeter binary, on every executor")
    parser.add_argument("--out", required=True, help="where the aggregate tables are written (replaced)")
    parser.add_argument("--work", help="where the tasks write their tables (default: OUT.partials; removed at the end): "
                                       "a path the driver and every executor see")
    parser.add_argument("--exclude", action="append", default=[], help="a folder or URI prefix that holds no logs (the inventory)")
    parser.add_argument("--task-mb", type=int, default=16,
                        help="megabytes of log files (as stored: gzip) a task reads at most (default 16, about 160 MB of JSON)")
    parser.add_argument("--task-files", type=int, default=4000,
                        help="log files a task reads at most (default 4000: 16 MB of a trail's small delivery files; each task "
                             "costs a process, a Python worker's turn and its own rows of partial groups)")
    parser.add_argument("logs", nargs="+")
    args = parser.parse_args()

    spark = SparkSession.builder.appName("perimeter-aggregate").getOrCreate()
    perimeter = os.path.abspath(args.perimeter) if os.path.exists(args.perimeter) else args.perimeter
    work = os.path.abspath(args.work or args.out.rstrip("/") + ".partials")
    remote = any("://" in root and not root.startswith("file:") for root in args.logs)
    if not remote:
        args.logs = [root[len("file://"):] if root.startswith("file://") else root for root in args.logs]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    try:
        (normalize_remote if remote else normalize_local)(spark, args, perimeter, work)
        aggregate(spark, args, perimeter, work, remote)
    finally:   # the tasks' tables are removed whether the job ends or fails
        shutil.rmtree(work, ignore_errors=True)
        spark.stop()


def aggregate(spark, args, perimeter, work, remote):
    if not os.listdir(work):   # no log file: the binary still says the format of its (empty) tables
        run_normalize(perimeter, os.path.join(work, "task-000000"), [])
    size_shuffles(spark, work)
    files = table(spark, work, "task", "files", FILES).persist(StorageLevel.DISK_ONLY)
    # One copy of each file content: the least path, as a re-ingest would skip the others. One row per distinct
    # content: small enough to send to every executor. Kept on disk: every table is joined with it (not read and
    # grouped again for each).
    least = files.groupBy("hash").agg(F.min("path").alias("path")).persist(StorageLevel.DISK_ONLY)
    chosen = F.broadcast(least)
    kept = files.join(chosen, ["hash", "path"])
    chosen_paths = chosen.select("path")

    # An event's copies. Most (time, id) are seen once: each is its own content, in its only path. Only the
    # (time, id) seen more than once (copies, or conflicting contents) go through the occurrence windows. (Only
    # events with an id have rows here.)
    events = table(spark, work, "task", "events", EVENTS).join(chosen_paths, "path")
    repeated = (table(spark, work, "task", "events", EVENT_KEYS).join(chosen_paths, "path").groupBy("time", "id").count()
                .where("count > 1").select("time", "id").persist(StorageLevel.DISK_ONLY))
    small = broadcast_if_small(spark, repeated.count())
    occurrences = (events.join(small(repeated), ["time", "id"], "left_semi").repartition("time", "id")
                   .groupBy("time", "id", "digest", "path")
                   .agg(F.count("*").alias("n"), F.min("request").alias("request"))
                   .withColumn("least", F.min("path").over(Window.partitionBy("time", "id", "digest")))
                   .withColumn("drop", F.col("n") - (F.col("path") == F.col("least")).cast("long"))
                   .persist(StorageLevel.DISK_ONLY))
    copies = occurrences.where("drop > 0")
    # Each content of an event, by its least path: two of one (time, id) are both kept (counted) and the store
    # lists them as conflicts. The contents of one (time, id) are in one part file, in order.
    repeated_contents = occurrences.where("path = least").select("time", "id", "digest", "path", "request")
    single = events.join(small(repeated), ["time", "id"], "left_anti")

    removals = (copies.groupBy("path").agg(F.concat_ws(",", F.flatten(F.collect_list(F.array_repeat("digest", F.col("drop").cast("int")))))
                                           .alias("what"))
                .unionByName(files.join(chosen, ["hash", "path"], "left_anti").select("path", F.lit("*").alias("what"))))
    subtract(spark, args, perimeter, work, removals, remote)

    duplicates = copies.groupBy("path").agg(F.sum("drop").alias("duplicates"))
    files_out = (kept.join(duplicates, "path", "left").withColumn("duplicates", F.coalesce("duplicates", F.lit(0)))
                 .withColumn("events", F.col("events") - F.col("duplicates")))
    write(files_out, args.out, "files")
    write(table(spark, work, "task", "rejects", REJECTS).join(chosen_paths, "path"), args.out, "rejects")
    write(table(spark, work, "task", "skipped", SKIPPED).join(chosen_paths, "path"), args.out, "skipped")
    write(single.unionByName(repeated_contents.sortWithinPartitions("time", "id", "path", "digest")), args.out, "events")
    write(network(spark, work, chosen_paths, repeated, small, repeated_contents), args.out, "network")
    write(passed_format(spark, work), args.out, "format")
    for name in ["access", "sources", "categories", "flows"]:
        write(reduce(table(spark, work, None, name)), args.out, name)
    for frame in (occurrences, repeated, least, files):
        frame.unpersist()


def broadcast_if_small(spark, rows):
    """How to join with the repeated (time, id): usually none or few, sent to every executor so that the event rows
    are never shuffled, within Spark's spark.sql.autoBroadcastJoinThreshold (-1: never). A window where many events
    repeat (a trail delivered twice under other names) is joined by a shuffle instead."""
    limit = spark._jsparkSession.sessionState().conf().autoBroadcastJoinThreshold()
    return F.broadcast if 0 <= rows * KEY_ROW_BYTES <= limit else (lambda frame: frame)


def size_shuffles(spark, work):
    """Unless spark.sql.shuffle.partitions is set, a shuffle's partitions follow the tasks' tables: about 128 MB of
    JSON lines each, and at least two per core (Spark's default of 200 costs a task each on a small window)."""
    if spark.sparkContext.getConf().contains("spark.sql.shuffle.partitions"):
        return
    size = sum(entry.stat().st_size for folder in os.scandir(work) for entry in os.scandir(folder.path))
    parts = max(2 * spark.sparkContext.defaultParallelism, -(-size // (128 << 20)))
    spark.conf.set("spark.sql.shuffle.partitions", str(parts))


def network(spark, work, chosen_paths, repeated, small, repeated_contents):
    """The network activity events' rows of the kept files, an event's once: those of its first record (n 0) in
    the least path of its content (its only path, unless its (time, id) is `repeated`). An event without an id is
    never a copy: all its rows are kept."""
    rows = table(spark, work, "task", "network", NETWORK).join(chosen_paths, "path")
    first = rows.where("id IS NOT NULL AND n = 0")
    kept = repeated_contents.select("time", "id", "digest", "path")
    repeated_first = first.join(small(repeated), ["time", "id"], "left_semi")
    once = (first.join(small(repeated), ["time", "id"], "left_anti")
            .unionByName(repeated_first.join(kept, ["time", "id", "digest", "path"], "left_semi")))
    return once.unionByName(rows.where("id IS NULL")).select("time", "id", "path", "request", "k")


def passed_format(spark, work):
    """The tasks' `format` row, the same in every task folder (AggregateExchange.swift), else the job stops."""
    rows = set()
    for folder in os.listdir(work):
        path = os.path.join(work, folder, "format.jsonl")
        if not os.path.exists(path):
            rows.add("")
            continue
        with open(path) as f:
            rows.add(f.read().strip())
    if len(rows) != 1 or "" in rows:
        raise RuntimeError(f"the tasks' partial aggregates are of no format or of several ({sorted(rows)}): "
                           "run the job with the perimeter binary of this Spark/perimeter_aggregate.py")
    return table(spark, work, "task", "format").limit(1)


def reduce(frame):
    """The tasks' rows of a grouped table summed by key, by the exchange's rule (module doc)."""
    if not frame.columns:
        return frame
    numbers = [f.name for f in frame.schema.fields if isinstance(f.dataType, (T.LongType, T.IntegerType, T.DoubleType))]
    keys = [c for c in frame.columns if c not in numbers and c != "sample"]
    summed = [c for c in numbers if c not in ("first", "last")]
    sums = [F.min(c).alias(c) if c == "first" else F.max(c).alias(c) if c == "last" else F.sum(c).alias(c) for c in numbers]
    if "sample" in frame.columns:
        sums.append(F.min(F.when(F.col("sample") != "", F.col("sample"))).alias("sample"))
    grouped = frame.groupBy(*keys).agg(*sums)
    return grouped.where(" OR ".join(f"`{c}` != 0" for c in summed)) if summed else grouped


def table(spark, work, prefix, name, schema=None):
    """A table's JSON lines from every task folder (`prefix`-*, or every folder), read by Spark itself."""
    folders = sorted(d for d in os.listdir(work) if prefix is None or d.startswith(prefix + "-"))
    paths = [os.path.join(work, d, name + ".jsonl") for d in folders if os.path.exists(os.path.join(work, d, name + ".jsonl"))]
    uris = ["file://" + p for p in paths]
    if schema is None:
        # Every row of a table carries every column (null where it has none): one file's rows tell the schema,
        # without a pass over them all.
        written = [uri for uri, p in zip(uris, paths) if os.path.getsize(p) > 0]
        schema = spark.read.json(written[0]).schema if written else T.StructType([])
    if not paths or not schema.fields:
        return spark.createDataFrame([], schema)
    return spark.read.schema(schema).json(uris)


def write(frame, out, table_name):
    if not frame.columns:   # no task wrote a row of this table (no flow logs, say): an empty table
        frame = frame.sparkSession.createDataFrame([], schema([("k", T.ArrayType(S))]))
    # Part files of at most 100,000 rows: the store loads one part file at a time.
    frame.write.mode("overwrite").option("maxRecordsPerFile", 100_000).json(os.path.join(out, table_name))


def schema(fields):
    return T.StructType([T.StructField(name, kind) for name, kind in fields])


S, L = T.StringType(), T.LongType()
FILES = schema([("path", S), ("hash", S), ("size", L), ("kind", S), ("note", S), ("events", L), ("flowRecords", L), ("rejects", L),
                ("skipped", L), ("bytes", L)])
EVENT_KEYS = schema([("time", L), ("id", S), ("path", S)])
KEY_ROW_BYTES = 80   # a (time, id) row in the JVM: a long and a 36-character id
EVENTS = schema([("time", L), ("id", S), ("digest", S), ("path", S), ("request", L)])
NETWORK = schema([("time", L), ("id", S), ("digest", S), ("path", S), ("n", L), ("request", L), ("k", T.ArrayType(S))])
REJECTS = schema([("path", S), ("code", S), ("line", L), ("offset", L), ("reason", S), ("excerpt", S)])
SKIPPED = schema([("path", S), ("reason", S), ("count", L)])


if __name__ == "__main__":
    main()
