"""`manage.py create_editor`: a staff editor with a confirmed authenticator, set up from the
server (a new device for a lost phone)."""

import io
import re
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.healing_together.test_staff_security import code, sign_in

pytestmark = pytest.mark.django_db


def run_create_editor(*args, **env):
    out, err = io.StringIO(), io.StringIO()
    with mock.patch.dict("os.environ", env), translation.override("en"):
        call_command("create_editor", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_editor_makes_a_staff_editor_with_a_device_and_prints_its_setup():
    out, _err = run_create_editor(
        "lena",
        "--email",
        "lena@example.org",
        "--password-from-env",
        "EDITOR_PASSWORD",
        EDITOR_PASSWORD="lantern orchard 7 mosaic",
    )
    user = User.objects.get(username="lena")
    assert user.is_staff
    assert not user.is_superuser
    assert user.email == "lena@example.org"
    assert user.check_password("lantern orchard 7 mosaic")
    assert list(user.groups.values_list("name", flat=True)) == ["Editor"]
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed
    assert device.config_url in out
    assert "otpauth://totp/Healing%20Together%3Alena?secret=" in out
    assert "█" in out  # the QR code
    # The printed setup really works: a code from it signs the editor in.
    client = Client(headers={"accept-language": "en"})
    response = sign_in(
        client, username="lena", password="lantern orchard 7 mosaic", otp_token=code(device)
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_create_editor_can_make_a_superuser():
    run_create_editor(
        "root",
        "--email",
        "root@example.org",
        "--superuser",
        "--password-from-env",
        "P",
        P="lantern orchard 7 mosaic",
    )
    user = User.objects.get(username="root")
    assert user.is_superuser
    assert user.is_staff


def test_create_editor_asks_for_the_password_twice():
    answers = [
        "short",
        "short",  # refused: too short
        "lantern orchard 7 mosaic",
        "lantern orchard 7 mosaik",  # refused: they differ
        "lantern orchard 7 mosaic",
        "lantern orchard 7 mosaic",
    ]
    with mock.patch("getpass.getpass", side_effect=answers):
        _out, err = run_create_editor("lena", "--email", "lena@example.org")
    assert "at least 12 characters" in err
    assert "differ" in err
    assert User.objects.get(username="lena").check_password("lantern orchard 7 mosaic")


def test_create_editor_refuses_an_existing_user(staff):
    with pytest.raises(CommandError, match="already exists"):
        run_create_editor("anna", "--email", "x@example.org", "--password-from-env", "P", P="x")
    assert not TOTPDevice.objects.filter(user=staff).exists()


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--email", "not-an-email", "--password-from-env", "P"], {"P": "a"}, "valid email"),
        (["--password-from-env", "P"], {"P": "lantern orchard 7"}, "--email"),
        (["--email", "l@example.org", "--password-from-env", "P"], {"P": "password1234"}, "Pass"),
        (["--email", "l@example.org", "--password-from-env", "NOT_SET"], {}, "NOT_SET"),
        (["--email", "l@example.org", "--no-input"], {}, "--password-from-env"),
    ],
)
def test_create_editor_refuses_bad_input_and_creates_nothing(args, env, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        run_create_editor("lena", *args, **env)
    assert not User.objects.filter(username="lena").exists()


def test_create_editor_new_device_replaces_a_lost_phone(staff, device):
    old = device.persistent_id
    out, _err = run_create_editor("anna", "--new-device")
    new = TOTPDevice.objects.get(user=staff)
    assert new.persistent_id != old
    assert new.config_url in out


def test_create_editor_new_device_needs_an_existing_staff_user():
    with pytest.raises(CommandError, match="no staff user"):
        run_create_editor("nobody", "--new-device")
