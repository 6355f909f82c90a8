#!/usr/bin/env python
import os
import sys

# Commands that only read or write source files (migrations, message catalogs) need no
# production secrets: they run with development settings unless DJANGO_DEBUG says otherwise.
# Everything else (runserver, migrate, collectstatic, check --deploy…) still refuses to start
# in production without DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL.
CODE_ONLY_COMMANDS = {"makemigrations", "makemessages", "compilemessages"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healing_together.settings")
    if len(sys.argv) > 1 and sys.argv[1] in CODE_ONLY_COMMANDS:
        os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
