"""Regenerate knowledge/communes/<province>.csv from the `vietnam-provinces` package (build-time only).

    .venv/bin/pip install vietnam-provinces
    .venv/bin/python -m ingest.communes tuyen_quang > knowledge/communes/tuyen-quang.csv
"""

from __future__ import annotations

import csv
import sys


def main(argv: list[str]) -> int:
    from vietnam_provinces import Province, Ward  # type: ignore[import-not-found,unused-ignore]

    codename = argv[1] if len(argv) > 1 else "tuyen_quang"
    province = next((p for p in Province.iter_all() if p.codename == codename), None)
    if province is None:
        print(f"unknown province codename: {codename}", file=sys.stderr)
        return 2
    wards = sorted((w for w in Ward.iter_all() if w.province_code == province.code), key=lambda w: int(w.code))
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["code", "name", "kind"])
    for w in wards:
        out.writerow([f"{int(w.code):05d}", w.name, w.division_type.value])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
