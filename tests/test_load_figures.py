"""The figures of ``make load`` (bench/load.py): each side's rounds pooled,
nearest-rank percentiles of every call, failures and refusals apart."""

import importlib.util
import os
import sys
import unittest

BENCH = os.path.join(os.path.dirname(os.path.dirname(__file__)), "bench")


def _load_module():
    sys.path.insert(0, BENCH)
    try:
        spec = importlib.util.spec_from_file_location(
            "bench_load", os.path.join(BENCH, "load.py")
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(BENCH)


class TestLoadFigures(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        super(TestLoadFigures, cls).setUpClass()
        cls.load = _load_module()

    def test_percentile_is_nearest_rank(self):
        percentile = self.load.percentile
        values = [float(v) for v in range(100, 0, -1)]  # unsorted: 100 .. 1
        self.assertEqual(percentile(values, 0.95), 95.0)
        self.assertEqual(percentile(values, 0.50), 50.0)
        self.assertEqual(percentile([7.25], 0.95), 7.2)  # rounded to 0.1 ms
        self.assertEqual(percentile([], 0.95), 0.0)
        # 21 values: rank ceil(0.95 * 21) = 20, the second slowest
        self.assertEqual(percentile(list(range(1, 22)), 0.95), 20)

    def test_rounds_are_pooled(self):
        seconds = self.load.SECONDS
        first = {
            "samples": [["confirm", 100.0, False]] * 19
            + [["confirm", 900.0, False], ["confirm refused", 50.0, False]],
            "over_limit": 0,
        }
        second = {
            "samples": [["confirm", 200.0, False]] * 20
            + [["customer form read", 10.0, True]],
            "over_limit": 1,
        }
        result = self.load.side_results([first, second])
        # 40 confirmations: p95 is the 38th (200), not the one slow call
        self.assertEqual(result["confirm_p50_ms"], 200.0)
        self.assertEqual(result["confirm_p95_ms"], 200.0)
        self.assertEqual(result["confirm_per_s"], round(40 / (2.0 * seconds), 2))
        self.assertEqual(result["rps"], round(42 / (2.0 * seconds), 2))
        self.assertEqual(result["failures"], 1)
        self.assertEqual(result["over_limit"], 1)
        self.assertEqual(result["operations"]["confirm refused"]["count"], 1)
        self.assertEqual(result["operations"]["customer form read"]["failures"], 1)
        # one round alone: its own figures
        alone = self.load.side_results([first])
        self.assertEqual(alone["confirm_p95_ms"], 100.0)
        self.assertEqual(alone["operations"]["confirm"]["count"], 20)
