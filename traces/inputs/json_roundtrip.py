# json_roundtrip.py: the Python workload of the bundled trace suite.
# Builds a nested document (a fake order book: customers, orders, lines),
# serialises it to JSON, parses it back, checks the round trip, and runs a
# few aggregations over the parsed copy. Deterministic (fixed seed).
import json
import random
import sys

def build(n_customers, rng):
    customers = []
    for c in range(n_customers):
        orders = []
        for o in range(rng.randint(1, 8)):
            lines = [{"sku": "SKU-%06d" % rng.randint(0, 999999),
                      "qty": rng.randint(1, 20),
                      "price": round(rng.uniform(0.5, 500.0), 2),
                      "note": " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 12)))}
                     for _ in range(rng.randint(1, 10))]
            orders.append({"id": "%d-%d" % (c, o), "lines": lines,
                           "tags": sorted(set(rng.choice(WORDS) for _ in range(rng.randint(0, 5))))})
        customers.append({"id": c, "name": "customer %d" % c, "orders": orders,
                          "address": {"city": rng.choice(WORDS).title(), "zip": "%05d" % rng.randint(0, 99999)}})
    return {"version": 1, "customers": customers}

WORDS = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi "
         "omicron pi rho sigma tau upsilon phi chi psi omega").split()

def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    rng = random.Random(12345)
    doc = build(n, rng)
    text = json.dumps(doc, indent=1, sort_keys=True)
    back = json.loads(text)
    assert back == doc
    totals = {}
    for cust in back["customers"]:
        for order in cust["orders"]:
            for line in order["lines"]:
                city = cust["address"]["city"]
                totals[city] = totals.get(city, 0.0) + line["qty"] * line["price"]
    compact = json.dumps(sorted(totals.items()), separators=(",", ":"))
    print(len(text), len(compact), round(sum(totals.values()), 2))

main()
