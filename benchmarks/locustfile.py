"""Locust load test (run by `manage.py bench`, see benchmarks/load.py): people signed in as distinct bench users
browse the board chair's dashboard, the action list and actions.

Each simulated person signs in once (GET the form, POST the credentials: Django's real sign-in, with the
production password hasher and the sign-in throttle), then until the end picks the dashboard, the action list or
a random action (weights 1 : 1 : 3, a reading session opens several actions per list) and waits the think time
(benchmarks/load.py) before the next click. The measured window starts once every person has signed in: the
sign-ins are reported on their own (a JSON file), the statistics are reset, and the run stops `seconds` later, so
locust's --csv output holds the browsing requests of that window only.

The settings come from the JSON file named by BENCH_LOAD_CONFIG: usernames, password, plan slug, action ids,
seconds, think time, where to write the sign-in figures.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task

CONFIG = json.loads(Path(os.environ["BENCH_LOAD_CONFIG"]).read_text())
SIGN_IN_FORM, SIGN_IN = "sign-in form", "sign in"
_usernames = iter(CONFIG["usernames"])
_signed_in = {"attempts": 0, "refused": 0, "started": time.monotonic()}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Person(HttpUser):
    wait_time = between(CONFIG["think_min"], CONFIG["think_max"])

    def on_start(self):
        try:
            username = next(_usernames)
        except StopIteration:
            raise RuntimeError("more simulated people than bench users") from None
        try:
            form = self.client.get("/accounts/login/", name=SIGN_IN_FORM)
            token = TOKEN.search(form.text)
            with self.client.post(
                "/accounts/login/",
                data={
                    "username": username,
                    "password": CONFIG["password"],
                    "csrfmiddlewaretoken": token.group(1) if token else "",
                },
                name=SIGN_IN,
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != 302:
                    _signed_in["refused"] += 1
                    response.failure(f"sign-in of {username} answered {response.status_code}, not a redirect")
        finally:
            _signed_in["attempts"] += 1

    def _page(self, url: str, name: str) -> None:
        # No redirects followed: a page that sends a signed-in person back to the sign-in form is an error.
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"answered {response.status_code}")

    @task(1)
    def dashboard(self):
        self._page(f"/plans/{CONFIG['plan']}/dashboard/", "dashboard")

    @task(1)
    def action_list(self):
        self._page("/actions/", "action list")

    @task(3)
    def action_detail(self):
        self._page(f"/actions/{random.choice(CONFIG['actions'])}/", "action detail")


@events.test_start.add_listener
def _start_window(environment, **_kwargs):
    _signed_in["started"] = time.monotonic()
    gevent.spawn(_window, environment)


def _window(environment) -> None:
    """Wait for every sign-in, report them, reset the statistics, measure `seconds` of browsing, stop."""
    people = environment.parsed_options.num_users
    deadline = time.monotonic() + CONFIG["ramp_timeout"]
    while _signed_in["attempts"] < people and time.monotonic() < deadline:
        gevent.sleep(0.2)
    figures = {"people": people, "ramp_s": round(time.monotonic() - _signed_in["started"], 1), **_signed_in}
    figures["window_start"] = time.time()  # for the server's own timings of the window (its access log)
    for name, method in [(SIGN_IN_FORM, "GET"), (SIGN_IN, "POST")]:
        entry = environment.stats.get(name, method)
        figures[name] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "median_ms": entry.median_response_time,
            "p95_ms": entry.get_response_time_percentile(0.95),
            "max_ms": entry.max_response_time,
        }
    Path(CONFIG["sign_in_out"]).write_text(json.dumps(figures, indent=2))
    environment.stats.reset_all()
    gevent.sleep(CONFIG["seconds"])
    environment.runner.quit()
