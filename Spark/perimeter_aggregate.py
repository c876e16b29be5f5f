"""The aggregation of `perimeter ingest`, on Spark, for an organization's trail.

    spark-submit Spark/perimeter_aggregate.py --perimeter PATH/TO/perimeter --out AGG LOGS...
    perimeter ingest --aggregates AGG --db perimeter.sqlite
    perimeter synthesize --db perimeter.sqlite --inventory inventory --out Output

LOGS are local paths or URIs Hadoop reads (s3:// with the cluster's S3 connector), searched
recursively. The event -> action rules are not rewritten here: each executor pipes its files through
the Perimeter binary (`perimeter normalize`), which prints the store's own rows as JSON lines. Spark
does the distribution, drops files whose content it has seen (by content hash) and events whose
(time, id) it has seen, and groups what remains by the store's keys. The tables are written to AGG
as JSON lines, partitioned by day where they have one.

Ship the binary with `--files` (it then sits in each executor's working folder; pass
`--perimeter ./perimeter`) and its `perimeter_*.resources` folders (`--archives`), built with
`swift build -c release --static-swift-stdlib`; the fast build (`--traits Fast`) also needs `libjemalloc.so.2`
beside it (`--files` too: the binary looks for it there where the image has no jemalloc).

A task reads at most --task-mb megabytes and --task-files files, streams what `perimeter normalize` prints,
and the rows are kept on disk between the job's two passes: a task's memory follows those figures, not the
window.
"""
import argparse
import json
import os
import subprocess
import tempfile

from pyspark import StorageLevel
from pyspark.sql import SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T


def normalize_partition(perimeter, rows):
    """Writes each (uri, bytes) of the partition to a temporary file (one file's bytes in memory at a time) and
    pipes them all through `perimeter normalize --from-stdin`; yields its JSON lines as it prints them, so the
    task never holds the partition's rows."""
    with tempfile.TemporaryDirectory() as work:
        listing = []
        for i, (uri, content) in enumerate(rows):
            path = os.path.join(work, str(i))
            with open(path, "wb") as f:
                f.write(content)
            # An S3 key is chosen by whoever writes to the bucket: a tab or line break in it would end the
            # `PATH<TAB>NAME` line early, so those are written as their percent-escapes.
            name = uri.replace("\t", "%09").replace("\n", "%0A").replace("\r", "%0D")
            listing.append(f"{path}\t{name}\n")
        if not listing:
            return
        with open(os.path.join(work, "listing"), "w") as f:
            f.writelines(listing)
        with open(os.path.join(work, "listing")) as stdin, open(os.path.join(work, "stderr"), "w+") as stderr:
            process = subprocess.Popen([perimeter, "normalize", "--from-stdin"], stdin=stdin, stdout=subprocess.PIPE,
                                       stderr=stderr, text=True)
            for line in process.stdout:
                if line != "\n":
                    yield line.rstrip("\n")
            if process.wait() != 0:
                stderr.seek(0)
                raise RuntimeError(f"perimeter normalize failed: {stderr.read().strip()}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--perimeter", required=True, help="the perimeter binary, on every executor")
    parser.add_argument("--out", required=True, help="where the aggregate tables are written (replaced)")
    parser.add_argument("--exclude", action="append", default=[], help="a folder or URI prefix that holds no logs (the inventory)")
    parser.add_argument("--task-mb", type=int, default=16,
                        help="megabytes of log files (as stored: gzip) a task reads at most (default 16, about 160 MB of JSON)")
    parser.add_argument("--task-files", type=int, default=400,
                        help="log files a task reads at most (default 400: a trail's small delivery files)")
    parser.add_argument("logs", nargs="+")
    args = parser.parse_args()

    spark = SparkSession.builder.appName("perimeter-aggregate").getOrCreate()
    # A task reads at most --task-mb of files and at most --task-files of them: Spark packs files into a task up to
    # maxPartitionBytes, each file counting its size plus openCostInBytes. (binaryFiles, used before, packed by bytes
    # alone: a million records in 13,000 small files made three tasks, each normalizing a third of the window, and
    # each file's stream carried its whole task's file list, quadratic in the files of a task.)
    task_bytes = args.task_mb << 20
    spark.conf.set("spark.sql.files.maxPartitionBytes", str(task_bytes))
    spark.conf.set("spark.sql.files.openCostInBytes", str(max(1, task_bytes // max(1, args.task_files))))
    perimeter = os.path.abspath(args.perimeter) if os.path.exists(args.perimeter) else args.perimeter
    excluded = [("file:" + os.path.abspath(p)) if "://" not in p else p for p in args.exclude]

    roots = [root if "://" in root else "file://" + os.path.abspath(root) for root in args.logs]
    listed = spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(roots)
    # Notes (`*.md`) and excluded folders are left out before their content is read (LogFileDiscovery's rules).
    wanted = ~F.col("path").endswith(".md")
    for prefix in excluded:
        wanted = wanted & ~F.col("path").startswith(prefix)
    files = listed.where(wanted).select("path", "content").rdd.map(lambda row: (row.path, row.content))
    # Names as the native ingest writes them: the local path without `file:`.
    files = files.map(lambda f: (f[0][len("file:"):] if f[0].startswith("file:") else f[0], f[1]))
    lines = files.mapPartitions(lambda rows: normalize_partition(perimeter, rows))
    # The rows are read twice (the files' identities, then everything kept): kept on disk, not in the heap, so that
    # no step holds a partition's rows in memory.
    rows = spark.read.json(lines, schema=row_schema()).persist(StorageLevel.DISK_ONLY)

    # One copy of each file content: the first path in order, as a re-ingest would skip the others.
    file_rows = rows.where("t = 'file'")
    chosen = file_rows.groupBy("file").agg(F.min("path").alias("path"))
    # One row per distinct content: small enough to send to every executor instead of shuffling the rows.
    kept = rows.join(F.broadcast(chosen), ["file", "path"], "inner")

    # Events: the first of each (time, id), by path; events without an id all count.
    events = kept.where("t = 'event'")
    order = Window.partitionBy("time", "id").orderBy("path")
    with_id = events.where("id IS NOT NULL").withColumn("n", F.row_number().over(order))
    stored = with_id.where("n = 1").drop("n").unionByName(events.where("id IS NULL"))
    per_file = stored.groupBy("file", "path").agg(F.count("*").alias("stored"))

    access = (stored.select(F.explode("access").alias("k"), "time", "id")
              .groupBy("k").agg(F.count("*").alias("count"), F.min("time").alias("first"), F.max("time").alias("last"),
                                F.min(F.coalesce("id", F.lit(""))).alias("sample")))
    # The store keeps no empty sample: the smallest non-empty id, else none.
    access = access.withColumn("sample", F.when(F.col("sample") == "", F.lit(None)).otherwise(F.col("sample")))
    sources = (stored.where("source IS NOT NULL").groupBy(F.col("source").alias("k"))
               .agg(F.count("*").alias("count"), F.min("time").alias("first"), F.max("time").alias("last"),
                    F.sum(F.coalesce("in", F.lit(0))).alias("in"), F.sum(F.coalesce("out", F.lit(0))).alias("out")))
    categories = stored.groupBy("category").agg(F.count("*").alias("count"))
    flows = (kept.where("t = 'flow'").groupBy("k")
             .agg(F.sum("records").alias("records"), F.sum("packets").alias("packets"), F.sum("bytes").alias("bytes"),
                  F.min("first").alias("first"), F.max("last").alias("last")))
    files_out = (kept.where("t = 'file'").join(per_file, ["file", "path"], "left")
                 .select("path", F.col("file").alias("hash"), "size", "kind", "note", F.coalesce("stored", F.lit(0)).alias("events"),
                         (F.col("events") - F.coalesce("stored", F.lit(0))).alias("duplicates"), "flowRecords", "rejects", "skipped", "bytes"))
    rejects = kept.where("t = 'reject'").select("path", "code", "line", "offset", "reason", "excerpt")
    skipped = kept.where("t = 'skipped'").select("path", "reason", F.col("count").cast("long").alias("count"))

    day = F.element_at("k", 1)
    write(files_out, args.out, "files")
    write(access.repartition(day), args.out, "access")
    write(sources.repartition(day), args.out, "sources")
    write(categories, args.out, "categories")
    write(flows.repartition(day), args.out, "flows")
    write(rejects, args.out, "rejects")
    write(skipped, args.out, "skipped")
    spark.stop()


def write(frame, out, table):
    frame.write.mode("overwrite").json(os.path.join(out, table))


def row_schema():
    """The lines of `perimeter normalize`: one schema for every kind (`t`), absent fields null."""
    strings = T.ArrayType(T.StringType())
    return T.StructType([
        T.StructField("t", T.StringType()), T.StructField("file", T.StringType()), T.StructField("path", T.StringType()),
        T.StructField("size", T.LongType()), T.StructField("kind", T.StringType()), T.StructField("note", T.StringType()),
        T.StructField("events", T.LongType()), T.StructField("flowRecords", T.LongType()), T.StructField("rejects", T.LongType()),
        T.StructField("skipped", T.LongType()), T.StructField("bytes", T.LongType()),
        T.StructField("time", T.LongType()), T.StructField("id", T.StringType()),
        T.StructField("access", T.ArrayType(strings)), T.StructField("source", strings), T.StructField("category", T.StringType()),
        T.StructField("k", T.ArrayType(T.StringType())),
        T.StructField("records", T.LongType()), T.StructField("packets", T.LongType()),
        T.StructField("first", T.LongType()), T.StructField("last", T.LongType()),
        T.StructField("code", T.StringType()), T.StructField("line", T.LongType()), T.StructField("offset", T.LongType()),
        T.StructField("reason", T.StringType()), T.StructField("excerpt", T.StringType()), T.StructField("count", T.LongType()),
        T.StructField("in", T.LongType()), T.StructField("out", T.LongType()),
    ])


if __name__ == "__main__":
    main()
