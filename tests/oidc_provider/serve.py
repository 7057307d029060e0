"""A small OpenID Connect identity provider for the single sign-on tests: django-allauth's own provider
(allauth.idp.oidc) in a Django project of its own, in its own process and database, as an organisation's
identity provider would be. It knows one person and one client (the app), and serves until it is ended.

    python -m tests.oidc_provider.serve PORT DATABASE_FILE REDIRECT_URI

The person and the client are read from the environment (see PERSON_* and CLIENT_* below).
"""

import os
import sys

import django
from django.conf import settings


def _private_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def configure(database: str) -> None:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="identity-provider-for-tests-only-identity-provider-for-tests",
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF="tests.oidc_provider.urls",
        INSTALLED_APPS=[
            "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
            "django.contrib.messages", "allauth", "allauth.account", "allauth.idp.oidc",
        ],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "allauth.account.middleware.AccountMiddleware",
        ],
        TEMPLATES=[{
            "BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
            "OPTIONS": {"context_processors": [
                "django.template.context_processors.request", "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]},
        }],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": database}},
        AUTHENTICATION_BACKENDS=["allauth.account.auth_backends.AuthenticationBackend"],
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ACCOUNT_LOGIN_METHODS={"username"},
        ACCOUNT_EMAIL_VERIFICATION="none",
        ACCOUNT_RATE_LIMITS=False,
        IDP_OIDC_PRIVATE_KEY=_private_key(),
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        USE_TZ=True,
        LOGGING={"version": 1, "disable_existing_loggers": True},
    )
    django.setup()


def seed(redirect_uri: str) -> None:
    from allauth.account.models import EmailAddress
    from allauth.idp.oidc.models import Client
    from django.contrib.auth.models import User
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    person = User.objects.create_user(os.environ["PERSON_USERNAME"], password=os.environ["PERSON_PASSWORD"])
    EmailAddress.objects.create(
        user=person, email=os.environ["PERSON_EMAIL"], primary=True,
        verified=os.environ.get("PERSON_EMAIL_VERIFIED", "1") == "1",
    )
    client = Client(id=os.environ["CLIENT_ID"], name="HRDDP", skip_consent=True)
    client.set_secret(os.environ["CLIENT_SECRET"])
    client.set_redirect_uris([redirect_uri])
    client.set_scopes(["openid", "email", "profile"])
    client.save()


def main() -> None:
    port, database, redirect_uri = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    configure(database)
    seed(redirect_uri)
    from socketserver import ThreadingMixIn

    from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
    from django.core.wsgi import get_wsgi_application

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    httpd = Server(("127.0.0.1", port), QuietHandler)
    httpd.set_app(get_wsgi_application())
    print("ready", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
