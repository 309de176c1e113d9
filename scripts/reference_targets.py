#!/usr/bin/env python3
"""An independent, deliberately plain reading of SPEC sections 2 and 3.

Given a FastF1 laps CSV and stint keys (round, driver, stint), prints each
stint's clean-lap count, cliff, cliff age, degradation rate and usable
life. It shares no code with tiredeg and uses only the standard library,
so the numbers it prints are what the end-to-end test of `tiredeg prepare`
checks against.

    python3 scripts/reference_targets.py FILE ROUND:DRIVER:STINT ...
"""
import csv
import statistics
import sys

FUEL = 0.055


def num(text):
    return float(text) if text not in ("", "nan", "NaN") else None


def theil_sen(xs, ys):
    slopes = []
    for i in range(len(xs)):
        for j in range(len(xs)):
            if xs[j] > xs[i]:
                slopes.append((ys[j] - ys[i]) / (xs[j] - xs[i]))
    return statistics.median(slopes)


def ols(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = 0.0 if sxx == 0 else sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    sse = sum((y - (my + slope * (x - mx))) ** 2 for x, y in zip(xs, ys))
    return slope, sse


def stint_targets(rows):
    candidates = []
    for r in rows:
        t = num(r["LapTime"])
        status = r["TrackStatus"]
        if status.endswith(".0"):
            status = status[:-2]
        if t is None or int(float(r["LapNumber"])) == 1:
            continue
        if r["PitInTime"] or r["PitOutTime"]:
            continue
        if status and any(c != "1" for c in status):
            continue
        if r["IsAccurate"] == "False":
            continue
        candidates.append(r)
    if not candidates:
        return None
    median = statistics.median(num(r["LapTime"]) for r in candidates)
    clean = [r for r in candidates if num(r["LapTime"]) <= 1.07 * median]
    laps = sorted(
        (num(r["TyreLife"]), int(float(r["LapNumber"])),
         num(r["LapTime"]) + FUEL * (int(float(r["LapNumber"])) - 1))
        for r in clean
    )
    xs = [x for x, _, _ in laps]
    ys = [y for _, _, y in laps]
    n = len(xs)
    cliff_age = None
    if n >= 8:
        best = None
        for left in range(5, n - 3 + 1):
            sl, e1 = ols(xs[:left], ys[:left])
            sr, e2 = ols(xs[left:], ys[left:])
            if best is None or e1 + e2 < best[0]:
                best = (e1 + e2, left, sl, sr)
        _, s1 = ols(xs, ys)
        s2, left, sl, sr = best
        if sr >= 0.2 and sr - sl >= 0.2 and s2 <= 0.6 * s1:
            cliff_age = xs[left]
    if cliff_age is None:
        rate = theil_sen(xs, ys)
    else:
        keep = [i for i in range(n) if xs[i] < cliff_age]
        rate = theil_sen([xs[i] for i in keep], [ys[i] for i in keep])
    life = 2.0 / max(rate, 0.005)
    if cliff_age is not None and cliff_age < life:
        life = cliff_age
    life = min(max(life, 1.0), 80.0)
    return n, cliff_age, rate, life


def main():
    path, keys = sys.argv[1], sys.argv[2:]
    rows = list(csv.DictReader(open(path, newline="")))
    for key in keys:
        rnd, driver, stint = key.split(":")
        stint_rows = [
            r for r in rows
            if r["RoundNumber"] == rnd and r["Driver"] == driver
            and r["Stint"] and int(float(r["Stint"])) == int(stint)
        ]
        print(key, stint_targets(stint_rows))


if __name__ == "__main__":
    main()
