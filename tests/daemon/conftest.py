"""The daemon tests reuse the mail tests' real aiosmtpd (STARTTLS + AUTH, a self-signed
certificate for 127.0.0.1)."""

from tests.mail.conftest import start_smtp, tls_files  # noqa: F401
