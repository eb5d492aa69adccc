"""The hand-written runtime every generated package imports: one client base, one mock base.

It depends on httpx, pydantic, starlette, uvicorn and Pillow only; nothing here imports the
generator's own dependencies (jinja2, datamodel-code-generator, openapi-pydantic).
"""
