#!/usr/bin/env python3
"""An independent reading of SPEC sections 2-5, straight from the text.

Recomputes every stint's targets and split and every sample's lap-derived,
history and observed features from the five FastF1 seasons, with nothing
but the standard library, and compares them with what `tiredeg prepare
--csv` wrote. Exits 1 when anything differs.

    tiredeg prepare --laps 'DATA/transformed_grand_prix_laps_*.csv' --csv --out OUT
    python3 scripts/reference_prepare.py DATA OUT
"""
import csv, hashlib, math, statistics, sys
from collections import defaultdict

DATA, PREPARED = sys.argv[1], sys.argv[2]
SLICK = {"SOFT", "MEDIUM", "HARD"}

def num(s):
    return None if s == "" else float(s)

laps = []
for season in range(2018, 2023):
    for r in csv.DictReader(open(f"{DATA}/transformed_grand_prix_laps_{season}.csv")):
        if r["Stint"] == "" or r["LapNumber"] == "" or r["Driver"] == "":
            continue
        ts = r["TrackStatus"]
        if ts.endswith(".0"):
            ts = ts[:-2]
        laps.append(dict(
            season=season, round=int(r["RoundNumber"]), event=r["EventName"], driver=r["Driver"],
            stint=int(float(r["Stint"])), lap=int(float(r["LapNumber"])), compound=r["Compound"],
            code=r["CompoundName"], age=None if r["TyreLife"] == "" else int(float(r["TyreLife"])),
            fresh=r["FreshTyre"], time=num(r["LapTime"]), pit=(r["PitInTime"] != "" or r["PitOutTime"] != ""),
            status=None if ts == "" else ts, accurate=r["IsAccurate"]))

stints = defaultdict(list)
events = defaultdict(list)
for l in laps:
    stints[(l["season"], l["round"], l["driver"], l["stint"])].append(l)
    events[(l["season"], l["round"])].append(l)

def median(v):
    v = sorted(v); n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2

def theil_sen(x, y):
    s = [(y[j] - y[i]) / (x[j] - x[i]) for i in range(len(x)) for j in range(len(x)) if x[j] > x[i]]
    return median(s) if s else float("nan")

def ols(x, y):
    n = len(x); mx = sum(x) / n; my = sum(y) / n
    sxx = sum((a - mx) ** 2 for a in x); sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    slope = sxy / sxx if sxx > 0 else 0.0
    return slope, sum((b - my - slope * (a - mx)) ** 2 for a, b in zip(x, y))

out = {}
for key in sorted(stints):
    ls = sorted(stints[key], key=lambda l: l["lap"])
    if ls[0]["compound"] not in SLICK:
        continue
    ok = [l for l in ls if l["time"] is not None and l["lap"] != 1 and not l["pit"]
          and (l["status"] is None or all(c == "1" for c in l["status"])) and l["accurate"] != "False"]
    if not ok:
        continue
    limit = 1.07 * median([l["time"] for l in ok])
    clean = [l for l in ok if l["time"] <= limit]
    if len(clean) < 5:
        continue
    # all ages known in this data
    pts = sorted(((l["age"], l["time"] + 0.055 * (l["lap"] - 1), l["lap"]) for l in clean), key=lambda p: (p[0], p[2]))
    x = [float(p[0]) for p in pts]; y = [p[1] for p in pts]; n = len(x)
    cliff_age = None
    if n >= 8:
        _, s1 = ols(x, y); best = None
        for m in range(5, n - 3 + 1):
            sl, e1 = ols(x[:m], y[:m]); sr, e2 = ols(x[m:], y[m:])
            if best is None or e1 + e2 < best[0]:
                best = (e1 + e2, m, sl, sr)
        s2, m, sl, sr = best
        if sr >= 0.2 and sr - sl >= 0.2 and s2 <= 0.6 * s1:
            cliff_age = x[m]
    if cliff_age is None:
        rate = theil_sen(x, y)
    else:
        keep = [i for i in range(n) if x[i] < cliff_age]
        rate = theil_sen([x[i] for i in keep], [y[i] for i in keep])
    life = 2.0 / max(rate, 0.005)
    if cliff_age is not None:
        life = min(life, cliff_age)
    life = min(max(life, 1.0), 80.0)
    chrono = [(float(l["age"]), l["time"] + 0.055 * (l["lap"] - 1)) for l in clean]
    out[key] = dict(n_clean=n, rate=rate, cliff_age=cliff_age, life=life, first=ls[0], chrono=chrono, n_laps=len(ls))

# history features, point in time
ev_med = {}
by_ev = defaultdict(list)
for k, v in out.items():
    by_ev[(k[0], k[1], v["first"]["compound"])].append(v["rate"])
for k, v in by_ev.items():
    ev_med[k] = median(v)

def split(season, rnd):
    h = int.from_bytes(hashlib.sha256(f"42:{season}:{rnd}".encode()).digest()[:8], "big") % 10000
    return "train" if h < 7000 else "validation" if h < 8500 else "test"

def check_stints():
    mine = {}
    for r in csv.DictReader(open(f"{PREPARED}/stints.csv")):
        mine[(int(r["season"]), int(r["round"]), r["driver"], int(r["stint"]))] = r
    print("stints ref", len(out), "mine", len(mine))
    missing = set(out) ^ set(mine)
    print("key differences", len(missing), sorted(missing)[:5])
    bad = 0
    for k, v in out.items():
        r = mine.get(k)
        if r is None:
            continue
        ca = None if r["cliff_age"] == "" else float(r["cliff_age"])
        problems = []
        if int(r["n_clean_laps"]) != v["n_clean"]: problems.append(("n_clean", r["n_clean_laps"], v["n_clean"]))
        if int(r["n_laps"]) != v["n_laps"]: problems.append(("n_laps", r["n_laps"], v["n_laps"]))
        if abs(float(r["degradation_rate"]) - v["rate"]) > 1e-9: problems.append(("rate", r["degradation_rate"], v["rate"]))
        if ca != v["cliff_age"]: problems.append(("cliff_age", ca, v["cliff_age"]))
        if abs(float(r["usable_life"]) - v["life"]) > 1e-9: problems.append(("life", r["usable_life"], v["life"]))
        if r["split"] != split(k[0], k[1]): problems.append(("split", r["split"], split(k[0], k[1])))
        if problems:
            bad += 1
            if bad <= 10: print(k, problems)
    print("stints with differences:", bad)
    return bad + len(missing)

def check_samples():
    keys = sorted(out)
    hist = {}
    for k in keys:
        ev = (k[0], k[1]); v = out[k]
        past = [(kk, out[kk]) for kk in keys if (kk[0], kk[1]) < ev]
        dr = [vv["rate"] - ev_med[(kk[0], kk[1], vv["first"]["compound"])] for kk, vv in past if kk[2] == k[2]]
        delta = sum(dr) / (len(dr) + 5) if dr else 0.0
        tr = [vv["rate"] for kk, vv in past if vv["first"]["event"] == v["first"]["event"] and vv["first"]["compound"] == v["first"]["compound"]]
        hist[k] = (delta, median(tr) if tr else float("nan"))
    race_len = {e: max(l["lap"] for l in ls) for e, ls in events.items()}
    bad = 0; count = 0
    for r in csv.DictReader(open(f"{PREPARED}/samples.csv")):
        if r["oversampled"] == "true":
            continue
        k = (int(r["season"]), int(r["round"]), r["driver"], int(r["stint"]))
        v = out[k]; kk = int(r["k"]); count += 1
        f = lambda name: float("nan") if r["f_" + name] == "" else float(r["f_" + name])
        first = v["first"]; ev = (k[0], k[1])
        before = [l for l in events[ev] if l["lap"] < first["lap"]]
        wet = sum(1 for l in before if l["compound"] in ("INTERMEDIATE", "WET")) / len(before) if before else 0.0
        exp = dict(laps_remaining=race_len[ev] - first["lap"], wet_share_before=wet, lap_start=first["lap"],
                   tire_age_start=first["age"], hist_driver_deg_delta=hist[k][0], hist_track_median_rate=hist[k][1])
        if kk > 0:
            obs = v["chrono"][:kk]; ys = [p[1] for p in obs]; lo = min(ys)
            exp.update(obs_k=kk, obs_mean_loss=sum(y - lo for y in ys) / kk, obs_max_loss=max(ys) - lo,
                       obs_std=statistics.pstdev(ys), obs_slope=theil_sen([p[0] for p in obs], ys),
                       obs_last_minus_first=ys[-1] - ys[0])
        problems = []
        for name, e in exp.items():
            got = f(name)
            if not ((math.isnan(got) and math.isnan(e)) or abs(got - e) <= 1e-9 * max(1, abs(e))):
                problems.append((name, got, e))
        if problems:
            bad += 1
            if bad <= 10: print(k, kk, problems)
    print("samples checked", count, "with differences", bad)
    return bad if count else 1

failures = check_stints() + check_samples()
sys.exit(1 if failures else 0)
