"""Fixtures shared by the staff sign-in tests (test_staff_security.py, test_create_editor.py)."""

import pytest
from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice

STAFF_PASSWORD = "correct horse battery staple"


@pytest.fixture
def staff(db):
    """Anna, a staff user without an authenticator yet."""
    return User.objects.create_user("anna", "anna@example.org", STAFF_PASSWORD, is_staff=True)


@pytest.fixture
def device(staff):
    """Anna's confirmed authenticator app."""
    return TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
