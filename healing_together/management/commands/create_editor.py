"""Create a staff user in the Editor group, with an authenticator app (TOTP) ready to scan.

    manage.py create_editor anna --email anna@example.org
    manage.py create_editor anna --email anna@example.org --superuser
    EDITOR_PASSWORD=… manage.py create_editor anna --email … --password-from-env EDITOR_PASSWORD
    manage.py create_editor anna --new-device    # lost phone: replace their authenticator app

The password is asked twice (never on the command line, where it would land in the shell's
history) and must pass the password validators. The command prints the setup link
(otpauth://…) and a QR code for the editor's authenticator app: without it, the admin does not
let them in. Without a terminal on the server, a superuser invites a colleague from the admin
instead (Users → Invite a colleague: healing_together/onboarding.py).
"""

import getpass
import io
import os

import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from healing_together.onboarding import grouped_key, replace_devices
from healing_together.roles import EDITOR, sync_roles


class Command(BaseCommand):
    help = (
        "Create a staff user in the Editor group with a two-factor authenticator app, and "
        "print its setup link and QR code."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", help="The editor's email address (required for a new user).")
        parser.add_argument(
            "--superuser",
            action="store_true",
            help="Also make the user a superuser (every permission, including user accounts).",
        )
        parser.add_argument(
            "--password-from-env",
            metavar="VAR",
            help="Read the password from this environment variable instead of asking for it.",
        )
        parser.add_argument(
            "--new-device",
            action="store_true",
            help=(
                "For an existing staff user: replace their authenticator app (a lost phone) "
                "and print the new setup link."
            ),
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Never ask anything (use --password-from-env).",
        )

    def handle(self, *args, **options):
        User = get_user_model()
        username = User.normalize_username(options["username"].strip())
        existing = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
        if options["new_device"]:
            if existing is None or not existing.is_staff:
                raise CommandError(f'There is no staff user named "{username}".')
            device = self.replace_device(existing)
            self.stdout.write(
                f'"{username}" has a new authenticator app; the old one no longer works.'
            )
            self.print_setup(device)
            return
        if existing is not None:
            raise CommandError(
                f'A user named "{username}" already exists; nothing was changed. To give them a '
                "new authenticator app, add --new-device."
            )
        self.validate_username(User, username)
        email = (options["email"] or "").strip()
        if not email:
            raise CommandError("Give the editor's email address with --email.")
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f'"{email}" is not a valid email address.') from exc

        candidate = User(**{User.USERNAME_FIELD: username}, email=email)
        password = self.get_password(candidate, options)

        with transaction.atomic():
            user = User.objects.create_user(
                username,
                email,
                password,
                is_staff=True,
                is_superuser=options["superuser"],
            )
            user.groups.add(self.editor_group())
            device = self.replace_device(user)

        kind = "superuser" if options["superuser"] else "staff user"
        self.stdout.write(
            self.style.SUCCESS(f'Created {kind} "{username}" <{email}> in the {EDITOR} group.')
        )
        self.print_setup(device)

    def validate_username(self, User, username):
        field = User._meta.get_field(User.USERNAME_FIELD)
        try:
            field.clean(username, None)
        except ValidationError as exc:
            raise CommandError(f'"{username}": {" ".join(exc.messages)}') from exc

    def get_password(self, user, options):
        variable = options["password_from_env"]
        if variable:
            password = os.environ.get(variable, "")
            if not password:
                raise CommandError(f"The environment variable {variable} is empty or not set.")
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise CommandError("Password refused: " + " ".join(exc.messages)) from exc
            return password
        if not options["interactive"]:
            raise CommandError("Without questions (--no-input), give --password-from-env VAR.")
        while True:
            password = getpass.getpass("Password: ")
            if not password:
                self.stderr.write("The password cannot be empty.")
                continue
            if getpass.getpass("Password (again): ") != password:
                self.stderr.write("The two passwords differ. Please try again.")
                continue
            try:
                validate_password(password, user)
            except ValidationError as exc:
                self.stderr.write("Password refused: " + " ".join(exc.messages))
                continue
            return password

    def editor_group(self):
        group = Group.objects.filter(name=EDITOR).first()
        if group is None:  # deleted by hand since the last migrate
            sync_roles()
            group = Group.objects.get(name=EDITOR)
        return group

    def replace_device(self, user):
        return replace_devices(user)

    def print_setup(self, device):
        uri = device.config_url
        qr = io.StringIO()
        segno.make(uri, error="m").terminal(out=qr, compact=True)
        site = getattr(settings, "SITE_URL", "")
        admin_url = f"{site}/admin/" if site else "the site's /admin/ page"
        self.stdout.write(
            "\nTwo-factor authentication: scan this QR code with an authenticator app "
            "(for example Aegis, FreeOTP, Google or Microsoft Authenticator):\n"
        )
        self.stdout.write(qr.getvalue())
        self.stdout.write("Or open or copy this setup link into the app:")
        self.stdout.write(uri)
        self.stdout.write(f"\nOr type in this key: {grouped_key(device)}")
        self.stdout.write(
            "\nKeep the link and key secret: anyone who has them can make sign-in codes. "
            "Clear the terminal once the app is set up."
        )
        self.stdout.write(
            f"Sign in at {admin_url} with the username, the password and the 6-digit code "
            "the app shows."
        )
