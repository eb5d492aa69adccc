"""Generated vendor packages: one per spec in specs/. Do not edit; run `make generate`."""
