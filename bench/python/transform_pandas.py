"""The pandas + pyarrow baseline: the same work as courant's transforms, written the way a pandas
user would write it (vectorised, pyarrow's CSV reader and Parquet writer).

    transform_pandas.py smartmeter --input FILE --date D --out DIR
    transform_pandas.py eco2mix --input FILE --out DIR

Prints one `BENCH-REPORT {json}` line: seconds of work (imports excluded), peak RSS, output bytes,
and the figures every tool computes (rows read, written, rejected, days, total).
"""

import argparse
import json
import os
import time

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

PARIS = "Europe/Paris"


def peak_rss_bytes():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def tree_bytes(root):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(root) for f in files)


def paris_day_bounds(date):
    """UTC instants of [D 00:00, D+1 00:00) in Paris."""
    day = pd.Timestamp(date)
    return day.tz_localize(PARIS).tz_convert("UTC"), (day + pd.Timedelta(days=1)).tz_localize(PARIS).tz_convert("UTC")


def write_rejects(frame, path):
    frame.to_json(path, orient="records", lines=True, force_ascii=False)


def first_reason(conditions, reasons):
    """Per row, the first reason whose condition holds, or None."""
    return pd.Series(np.select(conditions, reasons, default=""), dtype="str").replace("", None)


def smartmeter(args):
    start, end = paris_day_bounds(args.date)
    step = pd.Timedelta(minutes=30)
    df = pd.read_csv(args.input, dtype=str, keep_default_na=False, engine="pyarrow")
    meter = df["meter_id"].str.strip()
    ts = df["timestamp"]
    instant = pd.to_datetime(ts, utc=True, format="ISO8601", errors="coerce")
    has_offset = ts.str.endswith("Z") | ts.str.contains(r"[+-]\d{2}(?::?\d{2})?\s*$", regex=True)
    kwh = pd.to_numeric(df["kwh"], errors="coerce")
    conditions = [
        meter == "",
        ts == "",
        instant.isna(),
        ~has_offset,
        (instant < start) | (instant >= end),
        ((instant - start) % step) != pd.Timedelta(0),
        df["kwh"] == "",
        kwh.isna(),
        ~np.isfinite(kwh),
        kwh < 0,
    ]
    reasons = [
        "meter_id is empty",
        "timestamp is empty",
        "timestamp is not an ISO-8601 date and time",
        "timestamp has no UTC offset",
        "timestamp is outside the Paris day",
        "timestamp is not on the 30-minute grid",
        "kwh is empty",
        "kwh is not a number",
        "kwh is not a finite number",
        "kwh is negative",
    ]
    columns = ["meter_id", "meter_id", "timestamp", "timestamp", "timestamp", "timestamp", "kwh", "kwh", "kwh", "kwh"]
    reason = first_reason([c.fillna(False).to_numpy(dtype=bool) for c in conditions], reasons)
    bad = reason.notna().to_numpy()
    kept = pd.DataFrame({"meter_id": meter[~bad], "instant": instant[~bad], "kwh": kwh[~bad]})

    out = os.path.join(args.out, f"dt={args.date}")
    os.makedirs(out, exist_ok=True)
    table = pa.Table.from_pandas(kept, preserve_index=False)
    pq.write_table(table, os.path.join(out, "meter_readings.parquet"), compression="zstd")

    column_of = dict(zip(reasons, columns))
    rejected = df[bad]
    rejects = pd.DataFrame(
        {
            "file": "readings.csv",
            "line": rejected.index + 2,
            "column": reason[bad].map(column_of).to_numpy(),
            "reason": reason[bad].to_numpy(),
        }
    )
    rejects["value"] = [row[c] for row, c in zip(rejected.to_dict("records"), rejects["column"])]
    write_rejects(rejects, os.path.join(out, "rejects.jsonl"))

    interval = ((kept["instant"] - start) // step).astype("int64")
    grouped = kept.assign(interval=interval).groupby("meter_id", sort=True)
    per_meter = grouped.agg(
        readings=("kwh", "size"),
        intervals=("interval", "nunique"),
        total_kwh=("kwh", "sum"),
        peak_kwh=("kwh", "max"),
    )
    per_meter["peak_at"] = kept.loc[grouped["kwh"].idxmax(), "instant"].to_numpy()
    expected = int((end - start) / step)
    per_meter["missing_intervals"] = expected - per_meter["intervals"]
    per_meter["duplicate_readings"] = per_meter["readings"] - per_meter["intervals"]
    pq.write_table(pa.Table.from_pandas(per_meter.reset_index(), preserve_index=False), os.path.join(out, "meter_daily.parquet"), compression="zstd")
    total = float(per_meter["total_kwh"].sum())
    metrics = {
        "dataset": "smartmeter",
        "date": args.date,
        "meters": int(len(per_meter)),
        "readings": int(per_meter["readings"].sum()),
        "totalKWh": total,
        "missingIntervals": int(per_meter["missing_intervals"].sum()),
        "duplicateReadings": int(per_meter["duplicate_readings"].sum()),
        "metersWithGaps": int((per_meter["missing_intervals"] > 0).sum()),
    }
    with open(os.path.join(out, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2)
    return {"rowsRead": len(df), "rowsWritten": len(kept), "rowsRejected": len(rejects), "days": 1, "total": round(total)}


MEASURES = [
    "consommation", "prevision_j1", "prevision_j", "fioul", "charbon", "gaz", "nucleaire", "eolien", "solaire",
    "hydraulique", "pompage", "bioenergies", "ech_physiques", "taux_co2", "eolien_terrestre", "eolien_offshore",
    "stockage_batterie", "destockage_batterie",
]
SOURCES = ["fioul", "charbon", "gaz", "nucleaire", "eolien", "solaire", "hydraulique", "bioenergies"]
LOW_CARBON = ["nucleaire", "eolien", "solaire", "hydraulique", "bioenergies"]
MISSING = {"", "nd", "-", "null"}


def none_if_nan(value):
    return None if value is None or (isinstance(value, float) and not np.isfinite(value)) else float(value)


def eco2mix(args):
    df = pd.read_csv(args.input, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig", engine="pyarrow")
    instant = pd.to_datetime(df["date_heure"], utc=True, format="ISO8601", errors="coerce")
    conditions = [instant.isna().to_numpy()]
    reasons = ["date_heure is not an ISO-8601 instant"]
    columns = ["date_heure"]
    values = {}
    for name in MEASURES:
        text = df[name] if name in df else pd.Series("", index=df.index, dtype="str")
        missing = text.str.strip().str.lower().isin(MISSING)
        number = pd.to_numeric(text.where(~missing), errors="coerce")
        conditions.append((~missing & number.isna()).to_numpy())
        reasons.append(f"{name} is not a number")
        columns.append(name)
        values[name] = number
    reason = first_reason(conditions, reasons)
    bad = reason.notna().to_numpy()
    kept = pd.DataFrame({"instant": instant, "source": "realtime", "nature": df["nature"], **values})[~bad]
    kept = kept.drop_duplicates("instant", keep="last").sort_values("instant")
    local = kept["instant"].dt.tz_convert(PARIS)
    kept["dt"] = local.dt.strftime("%Y-%m-%d")

    table = pa.Table.from_pandas(kept, preserve_index=False)
    pq.write_to_dataset(
        table,
        os.path.join(args.out, "processed"),
        partition_cols=["dt"],
        compression="zstd",
        existing_data_behavior="overwrite_or_ignore",
    )
    column_of = dict(zip(reasons, columns))
    rejected = df[bad]
    rejects = pd.DataFrame(
        {"file": "realtime.csv", "line": rejected.index + 2, "column": reason[bad].map(column_of).to_numpy(), "reason": reason[bad].to_numpy()}
    )
    rejects["value"] = [row[c] for row, c in zip(rejected.to_dict("records"), rejects["column"])]
    write_rejects(rejects, os.path.join(args.out, "rejects.jsonl"))

    # Daily metrics (docs/architecture.md#metrics-documents), one JSON document per day.
    points = kept[kept["consommation"].notna()].copy()
    points["quarter"] = points["instant"].dt.minute % 30 == 15
    day = points.groupby("dt", sort=True)
    step = np.where(day["quarter"].any(), 15, 30)
    stats = pd.DataFrame(
        {
            "points": day.size(),
            "energy": day["consommation"].sum(min_count=1),
            "peak": day["consommation"].max(),
            "minimum": day["consommation"].min(),
            "mean": day["consommation"].mean(),
            "co2": day["taux_co2"].mean(),
            "net_import": day["ech_physiques"].sum(min_count=1),
            **{name: day[name].sum(min_count=1) for name in SOURCES},
        }
    )
    peak_at = points.loc[day["consommation"].idxmax(), "instant"].dt.strftime("%Y-%m-%dT%H:%M:%S.000Z").to_numpy()
    min_at = points.loc[day["consommation"].idxmin(), "instant"].dt.strftime("%Y-%m-%dT%H:%M:%S.000Z").to_numpy()
    mape_frame = points[points["prevision_j1"].notna() & (points["consommation"] != 0)]
    mape = ((mape_frame["consommation"] - mape_frame["prevision_j1"]).abs() / mape_frame["consommation"]).groupby(mape_frame["dt"]).mean() * 100
    stats["step"] = step
    stats["peak_at"] = peak_at
    stats["min_at"] = min_at
    stats["mape"] = mape
    hours_per_day = pd.Series(
        {d: (paris_day_bounds(d)[1] - paris_day_bounds(d)[0]) / pd.Timedelta(hours=1) for d in stats.index}
    )
    stats["expected"] = hours_per_day * 60 / stats["step"]
    step_hours = stats["step"] / 60
    total_energy = 0.0
    metrics_dir = os.path.join(args.out, "metrics")
    os.makedirs(metrics_dir, exist_ok=True)
    with open(os.path.join(metrics_dir, "metrics.jsonl"), "w") as f:
        for d, row in stats.iterrows():
            h = step_hours[d]
            by_source = {name: none_if_nan(row[name] * h) for name in SOURCES}
            total = sum(v for v in by_source.values() if v is not None)
            low = sum(by_source[name] or 0 for name in LOW_CARBON)
            energy = none_if_nan(row["energy"] * h)
            total_energy += energy or 0
            document = {
                "dataset": "eco2mix", "date": d, "timezone": PARIS, "stepMinutes": int(row["step"]),
                "points": int(row["points"]), "expectedPoints": int(row["expected"]),
                "completeness": row["points"] / row["expected"],
                "consumption": {"energyMWh": energy, "peakMW": none_if_nan(row["peak"]), "peakAt": row["peak_at"],
                                "minMW": none_if_nan(row["minimum"]), "minAt": row["min_at"], "meanMW": none_if_nan(row["mean"])},
                "production": {"totalMWh": total, "bySourceMWh": by_source, "lowCarbonSharePct": 100 * low / total if total else None},
                "exchanges": {"netImportMWh": none_if_nan(row["net_import"] * h)},
                "co2": {"meanIntensityGPerKWh": none_if_nan(row["co2"])},
                "forecast": {"dayAheadMAPEPct": none_if_nan(row["mape"])},
            }
            f.write(json.dumps(document) + "\n")
    return {"rowsRead": len(df), "rowsWritten": len(kept), "rowsRejected": len(rejects), "days": int(len(stats)), "total": round(total_energy)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("shape", choices=["smartmeter", "eco2mix"])
    parser.add_argument("--input", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--date")
    args = parser.parse_args()
    started = time.perf_counter()
    checks = smartmeter(args) if args.shape == "smartmeter" else eco2mix(args)
    seconds = time.perf_counter() - started
    report = {"seconds": seconds, "peakRssBytes": peak_rss_bytes(), "outputBytes": tree_bytes(args.out), "checks": checks}
    print("BENCH-REPORT " + json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
