"""The SDK factory: compiles the vendor specs in ``specs/`` into ``generated/``.

Stages, each a module with one job: ``load`` (parse, overlay, validate), ``ir`` (the vendor
model), ``models`` (pydantic models through datamodel-code-generator), ``render`` (Jinja
templates, ruff) and ``pipeline`` (runs them and compares with what is on disk). The
hand-written code that generated packages import lives in ``generator.runtime`` and needs none
of the generator's own dependencies.
"""
