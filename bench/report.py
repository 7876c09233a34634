"""Print bench/results.json as a table with the targets (``make bench`` and
``make load`` call it at the end) and store ``targets_met`` in it.

Usage: report.py <results.json>

A target whose measure is absent (a part not run) is listed as not measured,
not as missed.
"""

import json
import sys

# (key, label, largest value allowed); 0 means none allowed
TARGETS = [
    ("hold_review_s_100k", "credit-hold review at 100k (s)", 10),
    ("cadence_s_100k", "follow-up cadence at 100k (s)", 10),
    ("nightly_s_100k", "nightly recompute at 100k (s)", 30),
    ("hold_review_floor_ratio_100k", "hold review / its floor", 2.5),
    ("cadence_floor_ratio_100k", "cadence / its floor", 2.5),
    ("nightly_floor_ratio_100k", "nightly / its floor", 2.5),
    ("confirm_rpc_ratio", "confirm over RPC, ours/stock (1 invoice)", 1.10),
    ("confirm_rpc_ratio_300", "confirm over RPC, ours/stock (300 invoices)", 1.10),
    ("confirm_extra_queries", "extra SQL queries per confirmation", 8),
    ("load_confirm_p95_ratio", "load: p95 confirm ours/stock", 1.15),
    ("load_errors", "load: non-business errors", 0),
    ("load_over_limit", "load: orders past a limit or held", 0),
    ("two_server_over_limit", "two servers: amount past the limit", 0),
    ("two_server_errors", "two servers: non-business errors", 0),
]
INFO = [
    ("confirm_rpc_ours_ms", "confirm over RPC, ours (ms, median)"),
    ("confirm_rpc_stock_ms", "confirm over RPC, stock (ms, median)"),
    ("confirm_rpc_ours_ms_300", "same, 300 invoices, ours (ms)"),
    ("confirm_rpc_stock_ms_300", "same, 300 invoices, stock (ms)"),
    ("confirm_queries_ours_1", "queries per confirmation, ours (1 invoice)"),
    ("confirm_queries_stock_1", "queries per confirmation, stock (1 invoice)"),
    ("confirm_queries_ours_300", "queries per confirmation, ours (300 invoices)"),
    ("confirm_queries_stock_300", "queries per confirmation, stock (300 invoices)"),
    ("load_rps", "load: requests/s (ours)"),
    ("load_confirm_per_s", "load: confirmations/s (ours)"),
    ("load_confirm_p95_ms", "load: p95 confirm, ours (ms)"),
    ("load_stock_confirm_p95_ms", "load: p95 confirm, stock (ms)"),
    ("hold_review_s_10k", "credit-hold review at 10k (s)"),
    ("cadence_s_10k", "follow-up cadence at 10k (s)"),
    ("nightly_s_10k", "nightly recompute at 10k (s)"),
    ("hold_review_floor_ratio_10k", "hold review / its floor at 10k"),
    ("cadence_floor_ratio_10k", "cadence / its floor at 10k"),
    ("nightly_floor_ratio_10k", "nightly / its floor at 10k"),
    ("confirm_inprocess_override_ratio", "in-process override / next in MRO"),
]


def per_1k_checks(results):
    """Cost per 1k customers at 100k not worse than at 10k (10 % noise)."""
    failed = []
    for key in ("hold_review", "cadence", "nightly"):
        small = results.get("%s_s_per_1k_10k" % key)
        large = results.get("%s_s_per_1k_100k" % key)
        if small is not None and large is not None and large > small * 1.10:
            failed.append("%s per 1k: %s at 100k vs %s at 10k" % (key, large, small))
    ours = [results.get("confirm_queries_ours_%s" % n) for n in ("1", "300")]
    if None not in ours and ours[0] != ours[1]:
        failed.append("queries per confirmation not constant: %s" % ours)
    return failed


def main():
    path = sys.argv[1]
    with open(path) as source:
        results = json.load(source)
    rows, failed, missing = [], per_1k_checks(results), []
    for key, label, target in TARGETS:
        value = results.get(key)
        if value is None:
            missing.append(key)
            continue
        ok = value <= target
        target = "<= %s" % target
        rows.append((label, value, target, "ok" if ok else "MISSED"))
        if not ok:
            failed.append("%s = %s (target %s)" % (key, value, target))
    for key, label in INFO:
        if results.get(key) is not None:
            rows.append((label, results[key], "", ""))
    width = max(len(row[0]) for row in rows) if rows else 10
    print("")
    for label, value, target, verdict in rows:
        print("  %-*s %12s  %-8s %s" % (width, label, value, target, verdict))
    if missing:
        print("not measured in this file: " + ", ".join(missing))
    print("TARGETS MISSED:\n  " + "\n  ".join(failed) if failed else "targets met")
    results["targets_met"] = not failed
    with open(path, "w") as out:
        json.dump(results, out, indent=2, sort_keys=True)
        out.write("\n")


if __name__ == "__main__":
    main()
