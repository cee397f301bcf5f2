"""Seed an empty benchmark database with the bench plan (benchmarks/seed.py)."""

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from benchmarks.seed import BENCH_PASSWORD, seed_bench


class Command(BaseCommand):
    help = (
        "Write a realistic synthetic plan with N actions (12 periods of updates with history, 60 KPIs, 40 risks) "
        "into an EMPTY database, for benchmarks. It adds 50 users who share a published password."
    )

    def add_arguments(self, parser):
        parser.add_argument("--actions", type=int, required=True, help="how many actions the plan has")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (the same seed gives the same plan)")

    def handle(self, *args, **options):
        started = time.perf_counter()
        try:
            bench = seed_bench(actions=options["actions"], seed=options["seed"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"Seeded {bench.plan.slug} with {options['actions']} actions in {time.perf_counter() - started:.1f} s. "
            f"{len(bench.load_usernames)} users ({bench.load_usernames[0]} ... {bench.load_usernames[-1]}) "
            f"sign in with the password {BENCH_PASSWORD}."
        )
