"""Runs electricore's monthly billing on a billing scenario's flow tables (bench/billing/generate.ts).

    .tools/electricore/bin/python bench/billing/electricore-run.py --tables DIR --month YYYY-MM --out DIR

Two timed steps, in one process:

1. landing: the flow tables (`c15_events.parquet`, `r151_readings.parquet`) are read by DuckDB and
   assembled into the two tables electricore's billing takes, `spine_contrat` and
   `chronologie_releves` (its dbt marts; the SQL below is this bench's own, written from the rules in
   bench/billing/ELECTRICORE.md, not electricore's);
2. billing: `electricore.core.builds.contexte_mensuel.charger(spine, chronologie, mois, horizon)`, then
   `electricore.core.pipelines.cta.ajouter_cta` on the month's rows.

Writes into --out: `monthly.csv` and `monthly.json` (one row per contract and month: days, kVA,
energies, TURPE fixed and variable, CTA), `subscription_periods.csv` and `energy_periods.csv` (the
month's periods). Prints one line `BENCH-REPORT {json}` (times in seconds, peak RSS in bytes).
"""

import argparse
import datetime as dt
import json
import resource
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import polars as pl

from electricore.core.builds.contexte_mensuel import charger
from electricore.core.pipelines.cta import ajouter_cta

PARIS = ZoneInfo("Europe/Paris")
CADRANS = ("base", "hp", "hc", "hph", "hch", "hpb", "hcb")
ENTRIES = "('CFNE', 'MES', 'PMES')"
EXITS = "('RES', 'CFNS')"
SITUATION = (
    "segment_clientele", "etat_contractuel", "puissance_souscrite_kva", "formule_tarifaire_acheminement",
    "type_compteur", "num_compteur", "categorie", "ref_demandeur", "id_affaire",
    "niveau_ouverture_services", "date_changement_niveau_ouverture_services",
)


def spine_sql(horizon: dt.datetime) -> str:
    """Contract timeline: every C15 event plus a billing row at each month start from the month after
    the entry to the exit's month (or the horizon), the situation carried forward per contract."""
    carried = ",\n".join(f"last_value({c} IGNORE NULLS) OVER w AS {c}" for c in SITUATION)
    nulls = ",\n".join(
        f"CAST(NULL AS {'DOUBLE' if c == 'puissance_souscrite_kva' else 'DATE' if c.startswith('date_') else 'VARCHAR'}) AS {c}"
        for c in SITUATION
    )
    return f"""
    WITH events AS (
        SELECT date_evenement, pdl, ref_situation_contractuelle, 'flux_C15' AS source, 'evenement' AS type_fait,
               evenement_declencheur, type_evenement, segment_clientele, etat_contractuel, puissance_souscrite_kva,
               formule_tarifaire_acheminement, type_compteur, num_compteur, categorie,
               CAST(NULL AS VARCHAR) AS ref_demandeur, CAST(NULL AS VARCHAR) AS id_affaire,
               niveau_ouverture_services, CAST(NULL AS DATE) AS date_changement_niveau_ouverture_services
        FROM c15 WHERE ref_situation_contractuelle IS NOT NULL
    ),
    tenure AS (
        SELECT ref_situation_contractuelle, any_value(pdl) AS pdl,
               min(date_evenement) FILTER (WHERE evenement_declencheur IN {ENTRIES}) AS entered,
               max(date_evenement) FILTER (WHERE evenement_declencheur IN {EXITS}) AS left_at
        FROM events GROUP BY ref_situation_contractuelle
    ),
    month_starts AS (
        SELECT ref_situation_contractuelle, pdl, unnest(generate_series(
            date_trunc('month', entered AT TIME ZONE 'Europe/Paris') + INTERVAL 1 MONTH,
            date_trunc('month', coalesce(left_at, TIMESTAMPTZ '{horizon.isoformat()}') AT TIME ZONE 'Europe/Paris'),
            INTERVAL 1 MONTH)) AS local_start
        FROM tenure WHERE entered IS NOT NULL
    ),
    billing AS (
        SELECT local_start AT TIME ZONE 'Europe/Paris' AS date_evenement, pdl, ref_situation_contractuelle,
               'synthese_mensuelle' AS source, 'facturation' AS type_fait, 'FACTURATION' AS evenement_declencheur,
               'artificiel' AS type_evenement, {nulls}
        FROM month_starts
    ),
    facts AS (SELECT * FROM events UNION ALL BY NAME SELECT * FROM billing)
    SELECT date_evenement, pdl, ref_situation_contractuelle, source, type_fait, evenement_declencheur, type_evenement,
           {carried}
    FROM facts
    WINDOW w AS (PARTITION BY ref_situation_contractuelle
                 ORDER BY date_evenement, type_fait = 'facturation'
                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
    """


def chronologie_sql() -> str:
    """Energy timeline: C15 readings at events that cut energy (entry/exit, FTA or calendar change,
    index jump), and at each billing row the R151 reading of the day before (an R151 date is the
    index at the end of that day, i.e. the next midnight), else a row marked missing; one row per
    (contract, instant, before/after), C15 winning over R151."""
    index = ", ".join(f"index_{c}_kwh" for c in CADRANS)
    side = lambda p: ", ".join(f"{p}index_{c}_kwh AS index_{c}_kwh" for c in CADRANS)  # noqa: E731
    any_side = lambda p: " OR ".join(f"{p}index_{c}_kwh IS NOT NULL" for c in CADRANS)  # noqa: E731
    jump = " OR ".join(
        f"(avant_index_{c}_kwh IS NOT NULL AND apres_index_{c}_kwh IS NOT NULL AND avant_index_{c}_kwh <> apres_index_{c}_kwh)"
        for c in CADRANS
    )
    nature = lambda col: f"CASE WHEN upper({col}) = 'REEL' THEN 'réel' ELSE 'estimé' END"  # noqa: E731
    c15_side = lambda p, after: f"""
        SELECT pdl, ref_situation_contractuelle, formule_tarifaire_acheminement, niveau_ouverture_services,
               date_evenement AS date_releve, {after} AS ordre_index, 'flux_C15' AS source,
               concat_ws('|', 'flux_C15', pdl, strftime(date_evenement AT TIME ZONE 'Europe/Paris', '%Y-%m-%dT%H:%M'), '{after}') AS releve_id,
               evenement_declencheur, CAST(NULL AS BOOLEAN) AS releve_manquant,
               {nature(p + 'nature_index')} AS nature_index, id_calendrier_distributeur, {side(p)}
        FROM c15 WHERE {any_side(p)}"""
    return f"""
    WITH cutting AS (
        SELECT DISTINCT pdl, date_evenement FROM (
            SELECT pdl, date_evenement,
                   evenement_declencheur IN ('CFNE', 'MES', 'PMES', 'CFNS', 'RES')
                   OR ({jump})
                   OR coalesce(lag(formule_tarifaire_acheminement) OVER (PARTITION BY ref_situation_contractuelle ORDER BY date_evenement)
                               <> formule_tarifaire_acheminement, false) AS cuts
            FROM c15 WHERE ref_situation_contractuelle IS NOT NULL
        ) WHERE cuts
    ),
    c15_readings AS ({c15_side('avant_', 'false')} UNION ALL {c15_side('apres_', 'true')}),
    c15_part AS (SELECT r.* FROM c15_readings r JOIN cutting e ON r.pdl = e.pdl AND r.date_releve = e.date_evenement),
    r151_part AS (
        SELECT f.pdl, f.ref_situation_contractuelle, f.formule_tarifaire_acheminement, f.niveau_ouverture_services,
               f.date_evenement AS date_releve, false AS ordre_index,
               CASE WHEN r.pdl IS NULL THEN NULL ELSE 'flux_R151' END AS source,
               CASE WHEN r.pdl IS NULL THEN NULL ELSE concat_ws('|', 'flux_R151', r.pdl, CAST(r.date_releve AS VARCHAR)) END AS releve_id,
               CAST(NULL AS VARCHAR) AS evenement_declencheur, r.pdl IS NULL AS releve_manquant,
               CASE WHEN r.pdl IS NULL THEN NULL ELSE 'réel' END AS nature_index,
               r.id_calendrier_distributeur, {", ".join(f"r.index_{c}_kwh" for c in CADRANS)}
        FROM spine f LEFT JOIN r151 r
          ON f.pdl = r.pdl AND CAST(f.date_evenement AT TIME ZONE 'Europe/Paris' AS DATE) = r.date_releve + 1
        WHERE f.type_fait = 'facturation'
    ),
    combined AS (SELECT * FROM c15_part UNION ALL BY NAME SELECT * FROM r151_part)
    SELECT pdl, ref_situation_contractuelle, formule_tarifaire_acheminement, niveau_ouverture_services, date_releve,
           ordre_index, source, releve_id, nature_index, evenement_declencheur, id_calendrier_distributeur, {index},
           releve_manquant
    FROM combined
    QUALIFY row_number() OVER (PARTITION BY ref_situation_contractuelle, date_releve, ordre_index
                               ORDER BY CASE source WHEN 'flux_C15' THEN 0 WHEN 'flux_R151' THEN 2 ELSE 99 END) = 1
    """


def paris(frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
    return frame.with_columns(pl.col(c).dt.convert_time_zone("Europe/Paris").dt.cast_time_unit("us") for c in columns)


def land(tables: Path, horizon: dt.datetime) -> tuple[pl.DataFrame, pl.DataFrame]:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'Europe/Paris'")
    con.execute(f"CREATE VIEW c15 AS SELECT * FROM read_parquet('{tables / 'c15_events.parquet'}')")
    con.execute(f"CREATE VIEW r151 AS SELECT * FROM read_parquet('{tables / 'r151_readings.parquet'}')")
    con.execute(f"CREATE TABLE spine AS {spine_sql(horizon)}")
    spine = paris(con.sql("SELECT * FROM spine").pl(), "date_evenement")
    chronologie = paris(con.sql(chronologie_sql()).pl(), "date_releve")
    con.close()
    return spine, chronologie


MONTHLY_COLUMNS = [
    "ref_situation_contractuelle", "pdl", "mois_annee", "debut", "fin", "nb_jours", "puissance_moyenne_kva",
    "formule_tarifaire_acheminement", "nb_sous_periodes_abo", "memo_puissance", "energie_base_kwh",
    "energie_hp_kwh", "energie_hc_kwh", "nb_sous_periodes_energie", "qualite", "turpe_fixe_eur",
    "turpe_variable_eur", "taux_cta_pct", "cta_eur",
]


def bill(spine: pl.DataFrame, chronologie: pl.DataFrame, month: str, horizon: dt.datetime):
    ctx = charger(spine.lazy(), chronologie.lazy(), mois=f"{month}-01", horizon=horizon)
    monthly = (
        ajouter_cta(ctx.facturation_mensuelle.lazy().filter(pl.col("mois_annee") == month))
        .select(MONTHLY_COLUMNS)
        .sort(["pdl", "ref_situation_contractuelle"])
        .collect()
    )
    subscriptions = ctx.abonnements.filter(pl.col("mois_annee") == month).sort(["pdl", "debut"]).collect()
    energies = ctx.energie.filter(pl.col("mois_annee") == month).sort(["pdl", "debut"]).collect()
    return monthly, subscriptions, energies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", required=True, type=Path)
    parser.add_argument("--month", required=True)
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args()
    year, month = (int(p) for p in args.month.split("-"))
    horizon = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=PARIS)
    args.out.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    spine, chronologie = land(args.tables, horizon)
    landed = time.perf_counter()
    monthly, subscriptions, energies = bill(spine, chronologie, args.month, horizon)
    billed = time.perf_counter()

    text = lambda f: f.with_columns(pl.col(pl.Datetime).dt.strftime("%Y-%m-%dT%H:%M:%S%:z"))  # noqa: E731
    text(monthly).write_csv(args.out / "monthly.csv")
    (args.out / "monthly.json").write_text(json.dumps(text(monthly).to_dicts(), ensure_ascii=False, indent=1))
    text(subscriptions).write_csv(args.out / "subscription_periods.csv")
    text(energies).write_csv(args.out / "energy_periods.csv")

    report = {
        "landing_s": landed - started,
        "billing_s": billed - landed,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "spine_rows": spine.height,
        "chronologie_rows": chronologie.height,
        "monthly_rows": monthly.height,
        "contracts": monthly["ref_situation_contractuelle"].n_unique(),
    }
    sys.stdout.write(f"BENCH-REPORT {json.dumps(report)}\n")


if __name__ == "__main__":
    main()
