"""The peer: the validation benchmark's 20 checks (bench/validate/suite.yaml) done with pandas on the CSV.

What a pandas user would write: pd.read_csv with the three date/time columns parsed (the suite
compares them), then one vectorised check per expectation, reporting what GX reports (row-wise:
non-missing and unexpected counts; otherwise the observed value). Semantics match Kiln's: nulls are
missing for row-wise checks, except for the not-null checks; uniqueness counts every row holding a
repeated value; stdev is the sample one (ddof=1); regexes are matched with re.search.

    /usr/bin/python3 bench/validate/peer_pandas.py data.csv

Prints one JSON line: {"read_s", "check_s", "total_s", "cpu_s", "rows", "pandas", "results": [...]}; the
times are measured inside the process (interpreter start and imports excluded, as Node's are for Kiln).
"""

import json
import sys
import time

import pandas as pd

EXPECTED_COLUMNS = [
    "id", "customer_id", "order_seq", "quantity", "amount", "discount", "score", "currency", "status",
    "country", "sku", "email", "created_date", "created_at", "shipped_at", "is_gift", "is_returned",
    "channel", "rating", "note",
]


def row_wise(values_non_missing, unexpected_mask, mostly=1.0):
    n = int(values_non_missing)
    u = int(unexpected_mask.sum())
    return {"success": n == 0 or (n - u) / n >= mostly, "non_missing": n, "unexpected_count": u}


def between(series, lo, hi, mostly=1.0):
    s = series.dropna()
    return row_wise(len(s), ~s.between(lo, hi), mostly)


def in_set(series, values):
    s = series.dropna()
    return row_wise(len(s), ~s.isin(values))


def regex(series, pattern):
    s = series.dropna().astype(str)
    return row_wise(len(s), ~s.str.contains(pattern, regex=True))


def not_null(series):
    return row_wise(len(series), series.isna())


def unique(frame, columns):
    sub = frame[columns]
    kept = sub[~sub.isna().all(axis=1)]  # ignore_row_if: all_values_are_missing
    return row_wise(len(kept), kept.duplicated(keep=False))


def observed(value, success):
    return {"success": bool(success), "observed_value": value}


def checks(df):
    n = len(df)
    mean_amount = float(df["amount"].mean())
    sd_score = float(df["score"].std(ddof=1))
    min_date = df["created_date"].min()
    max_created = df["created_at"].max()
    lengths = df["note"].dropna().str.len()
    both = df["shipped_at"].notna() & df["created_at"].notna()  # ignore_row_if: either_value_is_missing
    channels = sorted(df["channel"].dropna().unique().tolist())
    return [
        observed(n, n >= 1000),
        observed(list(df.columns), set(df.columns) == set(EXPECTED_COLUMNS)),
        not_null(df["id"]),
        unique(df, ["id"]),
        unique(df, ["customer_id", "order_seq"]),
        not_null(df["created_at"]),
        between(df["quantity"], 1, 100),
        between(df["amount"], 0, 10000),
        between(df["discount"], 0, 0.5, mostly=0.99),
        in_set(df["currency"], ["EUR", "USD", "GBP", "CHF", "JPY"]),
        in_set(df["status"], ["placed", "paid", "shipped", "delivered", "cancelled"]),
        regex(df["sku"], r"^SKU-[0-9]{6}$"),
        regex(df["email"], r"^[a-z0-9._+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$"),
        row_wise(len(lengths), ~lengths.between(5, 60)),
        observed(mean_amount, 4500 <= mean_amount <= 5500),
        observed(sd_score, 5 <= sd_score <= 6.5),
        observed(min_date.date().isoformat(), min_date >= pd.Timestamp("2020-01-01")),
        observed(str(max_created), max_created <= pd.Timestamp("2030-01-01")),
        row_wise(int(both.sum()), ~(df.loc[both, "shipped_at"] >= df.loc[both, "created_at"])),
        observed(channels, set(channels) <= {"web", "app", "store", "phone", "partner"}),
    ]


def main():
    path = sys.argv[1]
    c0 = time.process_time()
    t0 = time.perf_counter()
    df = pd.read_csv(path, parse_dates=["created_date", "created_at", "shipped_at"])
    t1 = time.perf_counter()
    results = checks(df)
    t2 = time.perf_counter()
    c2 = time.process_time()
    print(json.dumps({
        "read_s": t1 - t0,
        "check_s": t2 - t1,
        "total_s": t2 - t0,
        "cpu_s": c2 - c0,
        "rows": len(df),
        "pandas": pd.__version__,
        "results": results,
    }))


if __name__ == "__main__":
    main()
