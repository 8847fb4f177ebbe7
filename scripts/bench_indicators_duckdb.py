#!/usr/bin/env python3
"""DuckDB's side of `innozone-bench indicators` (issue 4).

Loads the facts that `innozone-bench indicators` wrote to DIR into in-memory tables
(timed apart: loading is not compared), then computes every indicator of the shipped
catalogue for every unit for the year with hand-written SQL, timed over several runs,
and writes the values for the Rust side to compare:

    python bench_indicators_duckdb.py DIR [RUNS]
    python bench_indicators_duckdb.py --implements

`--implements` prints, as a JSON list, the codes of the indicators this script has SQL
for; innozone-bench fails when an annual indicator of the catalogue is not among them.

Reads DIR/meta.json, units.csv, closure_YEAR.csv, facts_YEAR.csv, statistics.csv; writes
DIR/duckdb_results.csv (unit position, then one column per indicator in its display
unit, empty for NULL) and DIR/duckdb_timings.json.

The SQL follows the engine's semantics:
- a unit's sums run over the enterprises located in it or in any unit below it on
  31 December: summed per unit first, then rolled up through the closure table, in base
  units (千元 × 1000, 万元 × 10000);
- a sum is NULL when no enterprise of the unit reports the value at all, and 0 when
  some report it but the filter leaves none (`summed`);
- count() counts every located enterprise; it is NULL for a unit with none;
- a filter that is unknown (a comparison with a blank) leaves the row out, and a
  comparison has the language's relative tolerance of 1e-9 (`gt`);
- division by zero is NULL (`ratio`); growth is x / x a year before − 1;
- results are in the indicator's display unit (percent × 100, 亿元 ÷ 1e8, …).
Statistics come in base units, one column each.
"""

import json
import os
import statistics
import sys
import time

RUNS = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[1] != "--implements" else 9

# ---------------------------------------------------------------- the hand-written SQL

# Every count and sum the indicators need, first per year and unit over the unit's own
# enterprises (one pass over the facts), then rolled up through the closure table (a unit
# with itself and each of its ancestors): a unit's figure is the total of its own and of
# every unit below it. `n_x` is how many enterprises report x (a sum is NULL when that is
# 0). Money fields are entered in 千元: × 1000 to 元.
TIERS = [
    "tech_sme",
    "innovative_sme",
    "specialised_sme",
    "little_giant",
    "gazelle",
    "unicorn",
    "single_champion",
    "leading",
]
PER_UNIT = [
    ("located", "count(*)"),
    ("high_tech", "count(*) FILTER (WHERE high_tech)"),
    # Quoted: `leading` is an SQL keyword.
    *[(f"tier_{tier}", f'count(*) FILTER (WHERE "{tier}")') for tier in TIERS],
    ("industrial", "count(*) FILTER (WHERE industrial)"),
    ("asi", "count(*) FILTER (WHERE industrial AND above_scale)"),
    ("asi_filed", "count(*) FILTER (WHERE industrial AND above_scale AND filed)"),
    ("asi_rd", "count(*) FILTER (WHERE industrial AND above_scale AND gt(rd_expenditure_internal, 0))"),
    ("n_rd", "count(rd_expenditure_internal)"),
    ("rd", "sum(rd_expenditure_internal) * 1e3"),
    ("n_revenue", "count(revenue)"),
    ("revenue", "sum(revenue) * 1e3"),
    ("n_va", "count(value_added)"),
    ("va_htm", "sum(value_added) FILTER (WHERE high_tech_industry) * 1e3"),
    ("va_industrial", "sum(value_added) FILTER (WHERE industrial) * 1e3"),
    ("n_employees", "count(employees)"),
    ("employees_htm", "sum(employees) FILTER (WHERE high_tech_industry)"),
    ("n_rd_staff", "count(rd_staff)"),
    ("rd_staff", "sum(rd_staff)"),
    ("n_inventions", "count(invention_patents_held)"),
    ("inventions", "sum(invention_patents_held)"),
    ("n_contracts", "count(tech_contracts_amount)"),
    ("contracts", "sum(tech_contracts_amount) * 1e3"),
    ("n_energy", "count(energy_consumption)"),
    ("energy", "sum(energy_consumption)"),
    ("n_output", "count(gross_output)"),
    ("output", "sum(gross_output) * 1e3"),
    ("output_industrial", "sum(gross_output) FILTER (WHERE industrial) * 1e3"),
    ("output_asi", "sum(gross_output) FILTER (WHERE industrial AND above_scale) * 1e3"),
    ("output_asi_high_tech",
     "sum(gross_output) FILTER (WHERE high_tech AND industrial AND above_scale) * 1e3"),
    ("n_land", "count(land_area)"),
    ("land_industrial", "sum(land_area) FILTER (WHERE industrial)"),
]
OWN = "SELECT year, unit,\n    " + ",\n    ".join(
    f"{expression} AS {name}" for name, expression in PER_UNIT
) + "\nFROM facts\nGROUP BY year, unit"
# A sum of the units' sums stays NULL where no unit below has any (as `sum` over no rows
# is NULL); the LEFT JOIN keeps the units without any enterprise below them, whose
# figures from statistics alone still have a value.
SUMS = """
SELECT c.year, c.ancestor AS unit,
    """ + ",\n    ".join(f"sum(o.{name}) AS {name}" for name, _ in PER_UNIT) + """
FROM closure c LEFT JOIN own o ON o.year = c.year AND o.unit = c.unit
GROUP BY c.year, c.ancestor
"""

# One expression per indicator over `a` (the year's sums), `p` (the year before's) and
# `s` (the year's statistics, in base units), in the indicator's display unit: 亿元 ÷ 1e8,
# percent × 100, per 10,000 × 1e4, 万元 per … ÷ 1e4, tce per 万元 × 1e4.
INDICATORS = {
    "gdp_total": "s.gdp / 1e8",
    "rd_intensity": "ratio(summed(a.n_rd, a.rd) + s.rd_institutions, s.gdp) * 100",
    "fiscal_st_share": "ratio(s.fiscal_st_expenditure, s.fiscal_expenditure) * 100",
    "high_tech_va_share": "ratio(summed(a.n_va, a.va_htm), summed(a.n_va, a.va_industrial)) * 100",
    "sei_va_share": "ratio(s.sei_value_added, s.gdp) * 100",
    "high_tech_productivity":
        "ratio(summed(a.n_va, a.va_htm), summed(a.n_employees, a.employees_htm)) / 1e4",
    "rd_staff_per_10k": "ratio(summed(a.n_rd_staff, a.rd_staff), s.population) * 1e4",
    "invention_patents_per_10k": "ratio(summed(a.n_inventions, a.inventions), s.population) * 1e4",
    "tech_contract_turnover": "summed(a.n_contracts, a.contracts) / 1e8",
    "energy_per_gdp": "ratio(summed(a.n_energy, a.energy), s.gdp) * 1e4",
    "high_tech_enterprises": "counted(a.located, a.high_tech)",
    "high_tech_share": "ratio(counted(a.located, a.high_tech), counted(a.located, a.located)) * 100",
    **{f"{tier}_enterprises": f"counted(a.located, a.tier_{tier})" for tier in TIERS},
    "enterprise_rd_intensity": "ratio(summed(a.n_rd, a.rd), summed(a.n_revenue, a.revenue)) * 100",
    "rd_active_share": "ratio(counted(a.located, a.asi_rd), counted(a.located, a.asi_filed)) * 100",
    "high_tech_output_share":
        "ratio(summed(a.n_output, a.output_asi_high_tech), summed(a.n_output, a.output_asi)) * 100",
    "output_per_mu":
        "ratio(summed(a.n_output, a.output_industrial), summed(a.n_land, a.land_industrial)) / 1e4",
    "gross_output_total": "summed(a.n_output, a.output) / 1e8",
    "enterprises_total": "counted(a.located, a.located)",
    "industrial_enterprises": "counted(a.located, a.industrial)",
    "above_scale_industrial": "counted(a.located, a.asi)",
    "revenue_growth":
        "(ratio(summed(a.n_revenue, a.revenue), summed(p.n_revenue, p.revenue)) - 1) * 100",
}

MACROS = """
-- A sum: NULL when nobody reports the value, 0 when the filter leaves nobody.
CREATE OR REPLACE MACRO summed(reported, total) AS
    CASE WHEN reported > 0 THEN coalesce(total, 0) END;
-- A count: NULL when the unit has no enterprise at all.
CREATE OR REPLACE MACRO counted(located, n) AS
    CASE WHEN located > 0 THEN CAST(n AS DOUBLE) END;
-- Division by zero is NULL.
CREATE OR REPLACE MACRO ratio(x, y) AS x / nullif(y, 0);
-- x > y as the formula language compares: equal within a relative 1e-9 (so that sums
-- in 千元 do not fail `part <= total` by a rounding error); NULL when either is NULL.
CREATE OR REPLACE MACRO gt(x, y) AS x - y > 1e-9 * greatest(abs(x), abs(y), 1);
"""


def query(year, codes):
    columns = ",\n    ".join(f"{INDICATORS[c]} AS {c}" for c in codes)
    return f"""
CREATE OR REPLACE TABLE results AS
WITH own AS ({OWN}),
sums AS ({SUMS})
SELECT a.unit,
    {columns}
FROM sums a
JOIN sums p ON p.unit = a.unit AND p.year = a.year - 1
JOIN statistics s ON s.unit = a.unit AND s.year = a.year
WHERE a.year = {year}
ORDER BY a.unit
"""


# ---------------------------------------------------------------- loading and timing


def main():
    if sys.argv[1] == "--implements":
        print(json.dumps(sorted(INDICATORS)))
        return
    import duckdb

    folder = sys.argv[1]
    meta = json.load(open(os.path.join(folder, "meta.json"), encoding="utf-8"))
    year = meta["year"]
    years = [int(y) for y in meta["years"]]
    codes = [i["code"] for i in meta["indicators"]]
    missing = [c for c in codes if c not in INDICATORS]
    if missing:
        sys.exit("DuckDB: no SQL written for " + ", ".join(missing))

    con = duckdb.connect()
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    path = lambda name: os.path.join(folder, name).replace("'", "''")

    started = time.perf_counter()
    fact_types = {"enterprise": "BIGINT", "unit": "INTEGER", "industry_class": "INTEGER"}
    fact_types.update({flag: "BOOLEAN" for flag in meta["flags"]})
    fact_types.update({field: "DOUBLE" for field in meta["fields"]})
    columns = "{" + ", ".join(f"'{k}': '{v}'" for k, v in fact_types.items()) + "}"
    facts = " UNION ALL ".join(
        f"SELECT {y} AS year, * FROM read_csv('{path(f'facts_{y}.csv')}', header = true, columns = {columns})"
        for y in years
    )
    con.execute(f"CREATE TABLE facts AS {facts}")
    closure = " UNION ALL ".join(
        f"SELECT {y} AS year, * FROM read_csv('{path(f'closure_{y}.csv')}', header = true, "
        "columns = {'unit': 'INTEGER', 'ancestor': 'INTEGER'})"
        for y in years
    )
    con.execute(f"CREATE TABLE closure AS {closure}")
    stat_types = {"year": "INTEGER", "unit": "INTEGER"}
    stat_types.update({s: "DOUBLE" for s in meta["statistics"]})
    columns = "{" + ", ".join(f"'{k}': '{v}'" for k, v in stat_types.items()) + "}"
    con.execute(
        f"CREATE TABLE statistics AS SELECT * FROM read_csv('{path('statistics.csv')}', header = true, columns = {columns})"
    )
    loaded = time.perf_counter() - started
    rows = con.execute("SELECT count(*) FROM facts").fetchone()[0]
    print(f"DuckDB {duckdb.__version__} ({threads} threads): loaded {rows} fact rows in {loaded * 1000:.1f} ms")

    con.execute(MACROS)
    sql = query(year, codes)
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        con.execute(sql)
        times.append(time.perf_counter() - started)
    best, median = min(times), statistics.median(times)
    print(f"DuckDB: {len(codes)} indicators for every unit, median {median * 1000:.1f} ms, best {best * 1000:.1f} ms over {RUNS} runs")

    con.execute(f"COPY results TO '{path('duckdb_results.csv')}' (HEADER, DELIMITER ',')")
    with open(os.path.join(folder, "duckdb_timings.json"), "w", encoding="utf-8") as out:
        json.dump(
            {
                "version": duckdb.__version__,
                "threads": int(threads),
                "load_seconds": loaded,
                "query_seconds": times,
                "query_median_seconds": median,
                "query_best_seconds": best,
                "indicators": codes,
            },
            out,
            indent=2,
        )


if __name__ == "__main__":
    main()
