"""The load benchmark's report: the Markdown table and its verdicts (bench/load.py runs it)."""

import datetime
import os
import platform
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The list page's req/s over the trivial view's, uncached and from the page cache.
TARGET_UNCACHED, TARGET_CACHED = 0.10, 0.80
# The uncached list page at the large catalogue (issue 12, item 6): one request in-process,
# queries, and the page's size (uncompressed, so stricter than "transferred").
TARGET_ONE_REQUEST_MS, TARGET_QUERIES, TARGET_PAGE_KB = 8, 8, 100
# "One request": the median of this many requests, after one that fills the caches.
PROBE_REPEAT = 21


def paired_seconds(args):
    """How long each page's own trivial-view run lasts, just before the page's."""
    return max(2, args.duration // 2)


def render(backend, rows, args, cached_possible):
    trivial = {
        (r["groups"], r["cached"]): r["result"]["rps"]
        for r in rows
        if r["label"] == "trivial view" and r["result"]
    }
    lines = [
        f"# Load benchmark — {backend}, {datetime.date.today().isoformat()}",
        "",
        machine_line(args),
        "",
        "req/s, median and p95: wrk through gunicorn. × trivial: req/s over the trivial view's "
        f"on the same server, in a {paired_seconds(args)} s run just before this page's (paired: "
        "the machine's drift between rows cancels out). One request: median of "
        f"{PROBE_REPEAT} requests "
        "through Django's test client in one process, no HTTP and no concurrency (the page's "
        "own cost, steadier on a busy machine). Queries: one request, page cache off / "
        "served from it. KB: the page's HTML, uncompressed.",
        "",
        "| page | groups | page cache | X-Cache | req/s | median ms | p95 ms | × trivial "
        "| non-2xx | socket errors | queries (uncached / cached) | one request, ms | KB |",
        "|---|--:|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in rows:
        info, res = r["info"], r["result"]
        cache = "on" if r["cached"] else "off"
        queries = f"{info['queries']} / {info['queries_cached']}" if info.get("path") else "n/a"
        alone = (
            f"{info['cached_ms' if r['cached'] else 'render_ms']:.1f}"
            if info.get("path")
            else "n/a"
        )
        size = kilobytes(info)
        if res is None:
            lines.append(
                f"| {r['label']} | {r['groups']:,} | {cache} | n/a | n/a | n/a | n/a | n/a "
                f"| n/a | n/a | {queries} | {alone} | {size} |"
            )
            continue
        ratio = ratio_to_trivial(res, trivial[(r["groups"], r["cached"])])
        socket_errors = res["connect"] + res["read"] + res["write"] + res["timeout"]
        lines.append(
            f"| {r['label']} | {r['groups']:,} | {cache} | {res['x_cache'] or '–'} "
            f"| {res['rps']:,.0f} | {res['p50_ms']:.1f} | {res['p95_ms']:.1f} | {ratio:.2f} "
            f"| {res['status']} | {socket_errors} | {queries} | {alone} | {size} |"
        )
    lines += ["", *verdicts(rows, trivial, args, cached_possible), ""]
    return "\n".join(lines)


def kilobytes(info):
    size = info.get("bytes")
    return f"{size / 1000:.1f}" if size is not None else "n/a"


def ratio_to_trivial(result, trivial_rps):
    """req/s over the trivial view's: its paired run just before, else its own row's."""
    return result["rps"] / result.get("trivial_rps", trivial_rps)


def machine_line(args):
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load1, load5, _ = os.getloadavg()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return (
        f"{os.cpu_count()} × {cpu}, load average {load1:.1f}/{load5:.1f} at the end; "
        f"commit {commit}; gunicorn.conf.py defaults (workers, threads); "
        f"wrk {args.threads} threads, {args.connections} connections, {args.duration} s per "
        "URL, on loopback; language nl; Redis cache."
    )


def verdicts(rows, trivial, args, cached_possible):
    def find(label, groups, cached):
        return next(
            (
                r
                for r in rows
                if r["label"] == label
                and r["groups"] == groups
                and r["cached"] == cached
                and r["result"]
            ),
            None,
        )

    out = []
    for cached, target in ((False, TARGET_UNCACHED), (True, TARGET_CACHED)):
        r = find("group list", args.large, cached)
        if r is None:
            out.append(f"- List page, cache {'on' if cached else 'off'}: not measured.")
            continue
        ratio = ratio_to_trivial(r["result"], trivial[(args.large, cached)])
        state = "met" if ratio >= target else f"MISSED by {target - ratio:.3f}"
        out.append(
            f"- List page, page cache {'on' if cached else 'off'}: {ratio:.3f} × the trivial "
            f"view (target ≥ {target:.2f}): {state}."
        )
        if not cached:
            out += page_cost_verdicts(r["info"])
    small, large = find("group list", args.small, False), find("group list", args.large, False)
    if small and large:
        s = ratio_to_trivial(small["result"], trivial[(args.small, False)])
        lg = ratio_to_trivial(large["result"], trivial[(args.large, False)])
        out.append(
            f"- List page at {args.small:,} → {args.large:,} groups: {s:.2f} → {lg:.2f} × the "
            f"trivial view ({small['result']['rps']:,.0f} → {large['result']['rps']:,.0f} "
            f"req/s); one request {small['info']['render_ms']:.0f} → "
            f"{large['info']['render_ms']:.0f} ms; queries {small['info']['queries']} → "
            f"{large['info']['queries']}."
        )
    hup = find("group list, HUP mid-run", args.large, True)
    if hup:
        res = hup["result"]
        errors = res["status"] + res["connect"] + res["read"] + res["write"] + res["timeout"]
        out.append(
            f"- Graceful reload (HUP) during {res['requests']:,} requests: {res['status']} "
            f"non-2xx, {errors - res['status']} socket errors: "
            f"{'no request lost' if errors == 0 else 'REQUESTS LOST'}."
        )
    if not cached_possible:
        out.append("- Page cache rows missing: no Redis on 127.0.0.1:6379.")
    return out


def page_cost_verdicts(info):
    """The uncached list page's own cost against its targets: time, queries, size."""

    def verdict(ok):
        return "met" if ok else "MISSED"

    ms, queries, size = info["render_ms"], info["queries"], info.get("bytes")
    load = info.get("load")  # the machine's 1-minute load average as the page was probed
    out = [
        f"- List page, page cache off, one request in-process: {ms:.1f} ms "
        f"(target ≤ {TARGET_ONE_REQUEST_MS} ms): {verdict(ms <= TARGET_ONE_REQUEST_MS)}"
        + (f" (load average {load:.1f} while probed)." if load is not None else "."),
        f"- List page, page cache off: {queries} queries (target ≤ {TARGET_QUERIES}): "
        f"{verdict(queries <= TARGET_QUERIES)}.",
    ]
    if size is not None:
        out.append(
            f"- List page: {size / 1000:.1f} KB of HTML, uncompressed (target < "
            f"{TARGET_PAGE_KB} KB): {verdict(size < TARGET_PAGE_KB * 1000)}."
        )
    return out
