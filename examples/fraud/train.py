#!/usr/bin/python3
"""Trains Kiln's bundled fraud-detection example model on synthetic card transactions.

    /usr/bin/python3 examples/fraud/train.py

Needs Debian's python3-numpy and python3-torch (hence /usr/bin/python3). Writes, beside this file:
model.onnx, features.json, metrics.json and sample.csv. README.md describes the generator; the
numbers below are the source of truth for it. Kiln itself never runs Python: this script only
produces the committed example.
"""
import csv
import json
import os

import numpy as np
import onnx
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 2024
N_ROWS = 60_000
TEST_SHARE = 0.2
THRESHOLD = 0.5

# (name, description) in the order of the model's input columns; every column is float32.
FEATURES = [
    ("amount", "transaction amount in USD"),
    ("hour", "local hour of the transaction, 0-23"),
    ("merchant_risk", "fraud risk score of the merchant category, 0.05 (groceries) to 0.9 (gift cards)"),
    ("distance_from_home_km", "distance between the merchant and the cardholder's home, km"),
    ("txn_count_1h", "transactions on the card in the previous hour"),
    ("txn_count_24h", "transactions on the card in the previous 24 hours"),
    ("amount_to_avg_30d", "amount divided by the card's average amount over 30 days"),
    ("card_present", "1 if the card was physically present (chip or swipe), else 0"),
    ("foreign", "1 if the merchant is in another country than the card's, else 0"),
    ("account_age_days", "days since the account was opened"),
    ("declines_24h", "declined authorisations on the card in the previous 24 hours"),
]
NAMES = [name for name, _ in FEATURES]

# Merchant categories: (share of transactions, risk score).
CATEGORIES = {
    "grocery": (0.30, 0.05),
    "restaurant": (0.20, 0.10),
    "fuel": (0.15, 0.15),
    "online_retail": (0.15, 0.40),
    "travel": (0.07, 0.50),
    "electronics": (0.08, 0.60),
    "jewelry": (0.03, 0.70),
    "gift_cards": (0.02, 0.90),
}

# The fraud rule: logit = INTERCEPT + sum(weight * term) + N(0, LOGIT_NOISE), P(fraud) = sigmoid(logit).
INTERCEPT = -6.4
LOGIT_NOISE = 0.5
RULE = [
    (1.6, "log(amount_to_avg_30d)"),
    (3.0, "merchant_risk"),
    (1.5, "night (hour < 6)"),
    (0.5, "log1p(distance_from_home_km)"),
    (0.8, "txn_count_1h"),
    (0.05, "txn_count_24h"),
    (-1.5, "card_present"),
    (1.5, "foreign"),
    (2.0, "new account (account_age_days < 30)"),
    (1.2, "declines_24h"),
]


def generate(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Returns (features [n, 11] float32 in FEATURES order, is_fraud [n] int)."""
    shares = np.array([s for s, _ in CATEGORIES.values()])
    risks = np.array([r for _, r in CATEGORIES.values()])
    merchant_risk = risks[rng.choice(len(risks), size=n, p=shares / shares.sum())]
    avg_30d = rng.lognormal(mean=3.6, sigma=0.6, size=n)
    ratio = rng.lognormal(mean=0.0, sigma=0.7, size=n)
    amount = np.round(avg_30d * ratio, 2).clip(0.5, None)
    amount_to_avg = amount / avg_30d
    # Hours peak around midday and afternoon; about 7 % of transactions happen before 6 am.
    hour_weights = np.array([2, 1, 1, 1, 1, 2, 3, 5, 6, 6, 7, 7, 8, 8, 7, 7, 7, 7, 6, 6, 5, 4, 3, 3], float)
    hour = rng.choice(24, size=n, p=hour_weights / hour_weights.sum()).astype(float)
    distance = np.round(rng.lognormal(mean=1.5, sigma=1.2, size=n), 1)
    count_1h = rng.poisson(0.3, size=n).astype(float)
    count_24h = count_1h + rng.poisson(3.0, size=n)
    card_present = (rng.random(n) < 0.6).astype(float)
    foreign = (rng.random(n) < 0.05).astype(float)
    account_age = np.floor(rng.exponential(900.0, size=n)) + 1
    declines = rng.poisson(0.08, size=n).astype(float)
    x = np.stack([amount, hour, merchant_risk, distance, count_1h, count_24h, amount_to_avg, card_present,
                  foreign, account_age, declines], axis=1).astype(np.float32)
    logit = rule_score(x) + rng.normal(0.0, LOGIT_NOISE, size=n)
    is_fraud = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return x, is_fraud


def rule_score(x: np.ndarray) -> np.ndarray:
    """The fraud rule's logit without its noise term."""
    col = {name: x[:, i].astype(np.float64) for i, name in enumerate(NAMES)}
    terms = np.stack([
        np.log(col["amount_to_avg_30d"]), col["merchant_risk"], (col["hour"] < 6).astype(float),
        np.log1p(col["distance_from_home_km"]), col["txn_count_1h"], col["txn_count_24h"], col["card_present"],
        col["foreign"], (col["account_age_days"] < 30).astype(float), col["declines_24h"],
    ], axis=1)
    return INTERCEPT + terms @ np.array([w for w, _ in RULE])


def auc(y: np.ndarray, score: np.ndarray) -> float:
    """ROC AUC as the Mann-Whitney statistic, ties counted half."""
    order = np.argsort(score, kind="mergesort")
    ranks = np.empty(len(score))
    sorted_scores = score[order]
    i = 0
    while i < len(score):
        j = i
        while j + 1 < len(score) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    pos = y == 1
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def average_precision(y: np.ndarray, score: np.ndarray) -> float:
    order = np.argsort(-score, kind="mergesort")
    hits = y[order] == 1
    precision_at_k = np.cumsum(hits) / np.arange(1, len(y) + 1)
    return float(precision_at_k[hits].sum() / hits.sum())


def train(x: np.ndarray, y: np.ndarray) -> nn.Sequential:
    """An 11 → 16 → 1 MLP on standardised inputs, with the standardisation folded into the first layer."""
    mean, std = x.mean(axis=0), x.std(axis=0)
    xs = torch.tensor((x - mean) / std)
    yt = torch.tensor(y, dtype=torch.float32).unsqueeze(1)
    model = nn.Sequential(nn.Linear(x.shape[1], 16), nn.ReLU(), nn.Linear(16, 1))
    optimiser = torch.optim.Adam(model.parameters(), lr=5e-3, weight_decay=1e-5)
    loss_fn = nn.BCEWithLogitsLoss()
    generator = torch.Generator().manual_seed(SEED)
    for _ in range(40):
        for batch in torch.randperm(len(xs), generator=generator).split(512):
            optimiser.zero_grad()
            loss_fn(model(xs[batch]), yt[batch]).backward()
            optimiser.step()
    # Folding: W((x - mean) / std) + b = (W / std) x + (b - (W / std) mean), so the exported model
    # takes raw feature values and carries no separate scaler.
    first = model[0]
    folded = nn.Sequential(nn.Linear(x.shape[1], 16), nn.ReLU(), nn.Linear(16, 1), nn.Sigmoid()).eval()
    with torch.no_grad():
        w = first.weight / torch.tensor(std)
        folded[0].weight.copy_(w)
        folded[0].bias.copy_(first.bias - w @ torch.tensor(mean))
        folded[2].load_state_dict(model[2].state_dict())
        check = torch.sigmoid(model(xs[:1000]))
        assert torch.allclose(folded(torch.tensor(x[:1000])), check, atol=1e-5), "folding changed the outputs"
    return folded


def export(model: nn.Sequential, path: str) -> None:
    torch.onnx.export(
        model, torch.zeros(1, len(NAMES)), path,
        input_names=["features"], output_names=["probability"],
        dynamic_axes={"features": {0: "batch"}, "probability": {0: "batch"}},
        opset_version=15,
    )
    m = onnx.load(path)
    m.doc_string = "Kiln example: card-transaction fraud probability from 11 raw float32 features"
    onnx.helper.set_model_props(m, {"features": ",".join(NAMES), "source": "examples/fraud/train.py"})
    onnx.checker.check_model(m)
    onnx.save_model(m, path)


def main() -> None:
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    x, y = generate(rng, N_ROWS)
    test = rng.random(N_ROWS) < TEST_SHARE
    model = train(x[~test], y[~test])
    with torch.no_grad():
        score = model(torch.tensor(x[test])).numpy()[:, 0]
    y_test = y[test]
    predicted = score >= THRESHOLD
    tp = int((predicted & (y_test == 1)).sum())
    metrics = {
        "auc": round(auc(y_test, score), 4),
        "average_precision": round(average_precision(y_test, score), 4),
        # the ceiling: the generator's own rule, without its noise, scored on the same rows
        "rule_auc": round(auc(y_test, rule_score(x[test])), 4),
        "accuracy": round(float((predicted == (y_test == 1)).mean()), 4),
        "precision": round(tp / max(int(predicted.sum()), 1), 4),
        "recall": round(tp / int(y_test.sum()), 4),
        "threshold": THRESHOLD,
        "fraud_rate": round(float(y.mean()), 4),
        "test_fraud_rate": round(float(y_test.mean()), 4),
        "train_rows": int((~test).sum()),
        "test_rows": int(test.sum()),
    }
    export(model, os.path.join(HERE, "model.onnx"))
    with open(os.path.join(HERE, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2)
        f.write("\n")
    schema = {"input": "features",
              "columns": [{"name": n, "type": "float32", "description": d} for n, d in FEATURES]}
    with open(os.path.join(HERE, "features.json"), "w") as f:
        json.dump(schema, f, indent=2)
        f.write("\n")
    write_sample(rng, x[test], y_test, os.path.join(HERE, "sample.csv"))
    print(json.dumps(metrics, indent=2))


def write_sample(rng: np.random.Generator, x: np.ndarray, y: np.ndarray, path: str) -> None:
    """200 held-out rows: 20 fraudulent, 180 not (fraud is oversampled so a demo shows both classes)."""
    fraud = rng.choice(np.flatnonzero(y == 1), size=20, replace=False)
    legit = rng.choice(np.flatnonzero(y == 0), size=180, replace=False)
    rows = rng.permutation(np.concatenate([fraud, legit]))
    with open(path, "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["transaction_id", *NAMES, "is_fraud"])
        for i, row in enumerate(rows):
            values = [f"{v:g}" if name != "amount_to_avg_30d" else f"{v:.4f}" for name, v in zip(NAMES, x[row])]
            out.writerow([f"t{i + 1:04d}", *values, int(y[row])])


if __name__ == "__main__":
    main()
