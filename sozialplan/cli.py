"""The ``sozialplan`` console script: management commands with dashed names.

``sozialplan import-regions FILE…`` runs ``manage.py import_regions FILE…``;
anything else is passed to Django unchanged (``sozialplan migrate``).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sozialplan.config.settings")
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)
