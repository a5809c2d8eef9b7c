"""Write scrm_tui/fixtures/customers_sample.csv: a short, real-looking import example."""

import csv
import json
from pathlib import Path

from scrm_tui.service.export import CUSTOMER_COLUMNS

FIXTURES = Path(__file__).resolve().parent.parent / "scrm_tui" / "fixtures"
# The export's columns (minus scrm's own id), then two custom fields kept as-is.
COLUMNS = [c for c in CUSTOMER_COLUMNS if c != "scrm_id"] + ["region", "renewal_date"]


def main() -> None:
    with open(FIXTURES / "customers.jsonl", encoding="utf-8") as handle:
        customers = [json.loads(line) for line in handle]
    # Customers with several handles and the same-name pairs make the best example.
    chosen = [c for c in customers if sum(bool(c.get(k)) for k in COLUMNS[8:14]) >= 2][:20]
    chosen += [c for c in customers if c["name"].startswith(("John Sm", "Zoë", "José"))][:5]
    with open(FIXTURES / "customers_sample.csv", "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for customer in chosen:
            writer.writerow(customer.get(column, "") for column in COLUMNS)


if __name__ == "__main__":
    main()
