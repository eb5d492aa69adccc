import sys

from .layout import SPECS, TEMPLATES

if not (SPECS.is_dir() and TEMPLATES.is_dir()):
    # An installed package carries the runtime and the generated clients, not the specs and
    # templates the commands read: say so in one line instead of a FileNotFoundError.
    print(
        "python -m generator works in a checkout of the repository (specs/ and templates/ "
        f"beside generator/); {SPECS.parent} has neither",
        file=sys.stderr,
    )
    sys.exit(2)

try:
    from .cli import main
except ImportError as exc:
    print(
        f"python -m generator needs the generator extra (no {exc.name}): "
        "pip install -e '.[generator]' in the checkout",
        file=sys.stderr,
    )
    sys.exit(2)

sys.exit(main())
