"""Measure this machine's attainable float32 peak and memory bandwidth with PyTorch, and print a
convcost device profile (YAML) for `--device`.

Run by hand, not part of the tests, from the repository root, with torch installed:

    python bench/machine_profile.py [--threads 1] [--repeats 15] > bench/this-machine.yaml

- peak: float32 square matmuls (n×n @ n×n, 2·n³ FLOPs) for n = 256, 512, 1024, 2048, the median
  of --repeats runs each, and the best of those medians: what a tuned GEMM reaches here, i.e. an
  attainable peak, below the theoretical one (on a shared VM the sizes differ by ±15%).
- bandwidth: copying a 256 MiB float32 tensor into another (dst.copy_(src)), median of --repeats:
  bytes read + bytes written over the time. Far larger than any cache, so it is DRAM bandwidth as
  one process with --threads threads sees it.

Both are measured with the same thread count as `convcost measure --threads`, so the roofline
estimate and the measured layer times describe the same setting.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import warnings

from convcost.timing import cpu_name


def median_seconds(fn, repeats: int, warmup: int = 3) -> float:  # type: ignore[no-untyped-def]
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import torch

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[: args.threads])
    torch.set_num_threads(args.threads)

    best = (0.0, 0, 0.0)
    for n in (256, 512, 1024, 2048):
        a, b = torch.randn(n, n), torch.randn(n, n)
        out = torch.empty(n, n)
        seconds = median_seconds(lambda: torch.mm(a, b, out=out), args.repeats)  # noqa: B023
        best = max(best, (2 * n**3 / seconds / 1e9, n, seconds))
    gflops, n, matmul = best

    values = 256 * 2**20 // 4
    src, dst = torch.randn(values), torch.empty(values)
    copy = median_seconds(lambda: dst.copy_(src), args.repeats)
    gbps = 2 * values * 4 / copy / 1e9

    threads = torch.get_num_threads()
    print(
        f"# Measured by bench/machine_profile.py --threads {args.threads} (torch {torch.__version__})"
    )
    print(f'name: "this machine: {cpu_name()}, {threads} thread{"s" if threads > 1 else ""}"')
    print("peak_gflops:")
    print(f"  float32: {gflops:.1f}  # best median of square float32 matmuls, n = {n}")
    print(f"memory_gbps: {gbps:.1f}  # 256 MiB tensor copy, (read + write) / time")
    print(
        "source: >-\n"
        f"  measured on this machine with bench/machine_profile.py: torch.mm, best n = {n}\n"
        f"  ({matmul * 1e3:.2f} ms) and a 256 MiB copy ({copy * 1e3:.2f} ms), {threads} thread(s),\n"
        f"  pinned, median of {args.repeats} after 3 warm-up"
    )
    print(
        "notes: >-\n"
        "  Attainable, not theoretical, figures: a tuned GEMM's speed and a streaming copy's\n"
        "  bandwidth. Layers that fit in cache can beat the bandwidth; small or depthwise\n"
        "  kernels rarely reach the GEMM peak. Only float32 was measured."
    )


if __name__ == "__main__":
    main()
