"""The lxml + pandas baseline of the Enedis bench: R151 flows read the way a Python user would
(lxml's iterparse, one pass, elements cleared as they go), then pandas for the rules courant applies.

    enedis_r151.py transform --input FILE.xml --out DIR
        one R151 file of many days -> per Paris day, index_readings.parquet (prm, reading_at,
        class_kind, class, calendar, index_kwh): Wh floored to kWh, an R151 date D standing for
        D+1 00:00 Paris, a re-delivered reading kept once (the last one).
    enedis_r151.py energies --dir ZIPS --from D1 --to D2 --out FILE.parquet
        a folder of daily R151 zips -> energy per PRM and distributor class from the index at the
        start of D1 (the reading of D1-1) to the end of D2, rolled up HC, HP and BASE.

Prints one `BENCH-REPORT {json}` line: seconds of work (imports excluded), peak RSS and the figures
courant's run gives (days, rows written; PRMs and the month's total energy).
"""

import argparse
import json
import os
import time
import zipfile

import numpy as np
import pandas as pd
from lxml import etree

PARIS = "Europe/Paris"
CLASSES = {"Classe_Temporelle_Distributeur": "distributor", "Classe_Temporelle": "supplier"}


def peak_rss_bytes():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def read_r151(source):
    """The index values of an R151 flow as columns of text: one pass of iterparse."""
    cols = {k: [] for k in ("prm", "date", "class_kind", "class", "calendar", "value", "unit")}
    unit = None
    for _, element in etree.iterparse(source, events=("end",), tag=("Unite_Mesure_Index", "PRM")):
        if element.tag == "Unite_Mesure_Index":
            unit = element.text
            continue
        prm = element.findtext("Id_PRM")
        for reading in element.iterfind("Donnees_Releve"):
            date = reading.findtext("Date_Releve")
            calendars = {
                "distributor": reading.findtext("Id_Calendrier_Distributeur"),
                "supplier": reading.findtext("Id_Calendrier_Fournisseur"),
            }
            for value in reading:
                kind = CLASSES.get(value.tag)
                if kind is None:
                    continue
                cols["prm"].append(prm)
                cols["date"].append(date)
                cols["class_kind"].append(kind)
                cols["class"].append(value.findtext("Id_Classe_Temporelle"))
                cols["calendar"].append(calendars[kind])
                cols["value"].append(value.findtext("Valeur"))
                cols["unit"].append(unit)
        element.clear(keep_tail=False)
        while element.getprevious() is not None:
            del element.getparent()[0]
    return pd.DataFrame(cols)


def readings(frame):
    """Index in kWh (Wh floored) at D+1 00:00 Paris; the last delivery of a reading kept."""
    value = pd.to_numeric(frame["value"], errors="coerce")
    kwh = np.where(frame["unit"] == "Wh", np.floor(value / 1000), np.floor(value))
    day = pd.to_datetime(frame["date"], format="%Y-%m-%d", errors="coerce")
    out = frame[["prm", "class_kind", "class", "calendar"]].assign(
        day=day.dt.strftime("%Y-%m-%d"),
        reading_at=(day + pd.Timedelta(days=1)).dt.tz_localize(PARIS).dt.tz_convert("UTC"),
        index_kwh=kwh.astype("int64"),
    )
    return out.drop_duplicates(["prm", "reading_at", "class_kind", "calendar", "class"], keep="last")


def transform(args):
    started = time.perf_counter()
    rows = readings(read_r151(args.input))
    written = 0
    for day, group in rows.groupby("day", sort=True):
        target = os.path.join(args.out, "processed", "enedis", f"dt={day}")
        os.makedirs(target, exist_ok=True)
        group.drop(columns="day").sort_values(["prm", "reading_at", "class_kind", "calendar", "class"]).to_parquet(
            os.path.join(target, "index_readings.parquet"), index=False, compression="zstd"
        )
        written += len(group)
    return {
        "seconds": time.perf_counter() - started,
        "days": int(rows["day"].nunique()),
        "rowsWritten": written,
        "peakRssBytes": peak_rss_bytes(),
    }


def energies(args):
    started = time.perf_counter()
    frames = []
    for name in sorted(os.listdir(args.dir)):
        with zipfile.ZipFile(os.path.join(args.dir, name)) as archive:
            for member in archive.namelist():
                if member.lower().endswith(".xml"):
                    with archive.open(member) as flow:
                        frame = readings(read_r151(flow))
                        frames.append(frame[frame["class_kind"] == "distributor"].drop(columns="day"))
    rows = pd.concat(frames, ignore_index=True)
    start = pd.Timestamp(args.date_from).tz_localize(PARIS).tz_convert("UTC")
    end = (pd.Timestamp(args.date_to) + pd.Timedelta(days=1)).tz_localize(PARIS).tz_convert("UTC")
    ends = rows[rows["reading_at"].isin([start, end])]
    wide = ends.pivot_table(index=["prm", "class"], columns="reading_at", values="index_kwh", aggfunc="last")
    wide.columns = ["start_index_kwh", "end_index_kwh"][: len(wide.columns)]
    wide["energy_kwh"] = wide["end_index_kwh"] - wide["start_index_kwh"]
    classes = wide.reset_index()
    roll = classes.assign(rolled=classes["class"].map({"HCH": "HC", "HCB": "HC", "HPH": "HP", "HPB": "HP"}))
    rolled = roll.dropna(subset=["rolled"]).groupby(["prm", "rolled"], as_index=False)["energy_kwh"].sum()
    base = classes.groupby("prm", as_index=False)["energy_kwh"].sum().assign(rolled="BASE")
    result = pd.concat(
        [classes, rolled.rename(columns={"rolled": "class"}), base.rename(columns={"rolled": "class"})],
        ignore_index=True,
    ).sort_values(["prm", "class"])
    result.to_parquet(args.out, index=False, compression="zstd")
    return {
        "seconds": time.perf_counter() - started,
        "readings": int(len(rows)),
        "prms": int(classes["prm"].nunique()),
        "energyKWh": int(base["energy_kwh"].sum()),
        "peakRssBytes": peak_rss_bytes(),
    }


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("transform")
    t.add_argument("--input", required=True)
    t.add_argument("--out", required=True)
    e = sub.add_parser("energies")
    e.add_argument("--dir", required=True)
    e.add_argument("--from", dest="date_from", required=True)
    e.add_argument("--to", dest="date_to", required=True)
    e.add_argument("--out", required=True)
    args = parser.parse_args()
    report = transform(args) if args.command == "transform" else energies(args)
    print("BENCH-REPORT " + json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
