from django.core.management.base import BaseCommand

from actions.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo plans (fixtures/demo/*.json) and one demo user per role. Safe to run again."

    def handle(self, *args, **options):
        plans, users = load_demo()
        for plan in plans:
            self.stdout.write(f"Loaded {plan}: {plan.areas.count()} areas.")
        if not plans:
            self.stdout.write("Demo plans already loaded.")
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        for user in users:
            self.stdout.write(f"  {user.username:<10} {user.role.value}")
