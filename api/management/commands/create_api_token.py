"""manage.py create_api_token USERNAME --name NAME: make an API token for an account and print it (once)."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from api.services import api_token_create


class Command(BaseCommand):
    help = "Make an API token for USERNAME (a service account with a role) and print it. Only its hash is kept."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help='What the token is for, e.g. "Power BI board pack".')

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account is called {username!r}.")
        try:
            token, secret = api_token_create(user=user, name=name, by=None)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stderr.write(f"Token {token.name!r} for {username}. It is shown once; keep it somewhere safe:")
        self.stdout.write(secret)
