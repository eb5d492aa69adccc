"""The hand-written runtime every generated package imports: one client base, one mock base.

A client needs httpx, pydantic and PyJWT only; the mocks add Starlette, uvicorn, Pillow and
jsonschema (the ``mock`` extra). Nothing here imports the generator's own dependencies
(jinja2, datamodel-code-generator, openapi-pydantic).
"""
