"""Locust users for bench/load_test.py: resource families on their phones and staff at their desks.

Each simulated person takes one signed-in session that load_test.py made for a real account
(LOAD_SESSIONS names the file), and every request says it came through the load balancer over
HTTPS (X-Forwarded-Proto), as in production. Families read their home page, messages,
children, calendar and money, and now and then write a reply; staff work their day, inbox,
calendars and queues. Response times are grouped (family pages, staff pages) and written to
LOAD_SUMMARY when the run ends.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import uuid
from collections import defaultdict
from itertools import count

from locust import HttpUser, between, events, task

SESSIONS = json.loads(open(os.environ["LOAD_SESSIONS"]).read())
FAMILIES = [person for person in SESSIONS if person["kind"] == "family"]
STAFF = [person for person in SESSIONS if person["kind"] == "staff"]
_next_family, _next_staff = count(), count()
TIMES: dict[str, list[float]] = defaultdict(list)
FAILURES: dict[str, int] = defaultdict(int)
def _seconds(name: str, default: str) -> tuple[float, float]:
    """The think time between one page and the next, "low,high" seconds."""
    low, high = os.environ.get(name, default).split(",")
    return float(low), float(high)


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **kwargs):
    group = name.split(":", 1)[0]
    TIMES[group].append(response_time)
    if exception is not None:
        FAILURES[group] += 1


@events.quitting.add_listener
def _summary(environment, **kwargs):
    summary = {}
    for group, times in TIMES.items():
        ordered = sorted(times)
        summary[group] = {
            "requests": len(ordered),
            "failures": FAILURES[group],
            "median_ms": round(statistics.median(ordered), 1),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
            "p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))], 1),
            "max_ms": round(ordered[-1], 1),
        }
    stats = environment.stats.total
    summary["all"] = {
        "requests": stats.num_requests, "failures": stats.num_failures, "rps": round(stats.total_rps, 2),
        "p95_ms": stats.get_response_time_percentile(0.95), "median_ms": stats.median_response_time,
    }
    with open(os.environ["LOAD_SUMMARY"], "w") as out:
        json.dump(summary, out, indent=2)


class Person(HttpUser):
    abstract = True
    person: dict

    def on_start(self):
        self.domain = self.host.split("//")[1].split(":")[0]
        self.client.headers["X-Forwarded-Proto"] = "https"
        self.client.cookies.set("sessionid", self.person["session"], domain=self.domain)

    def keep_cookies(self):
        """The portal marks its cookies Secure (it believes it is behind HTTPS); this client talks plain HTTP on loopback,
        where a Secure cookie would never be sent back, so keep each one as an ordinary cookie."""
        for cookie in list(self.client.cookies):
            if cookie.secure:
                self.client.cookies.set(cookie.name, cookie.value, domain=self.domain)

    def page(self, name: str, url: str):
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
            self.keep_cookies()
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {name} → {response.headers.get('Location', '')}")
            return response


class Family(Person):
    fixed_count = int(os.environ.get("LOAD_FAMILIES", "200"))
    wait_time = between(*_seconds("LOAD_FAMILY_WAIT", "3,12"))  # reading on a phone in the evening

    def on_start(self):
        self.person = FAMILIES[next(_next_family) % len(FAMILIES)]
        super().on_start()

    @task(4)
    def home(self):
        self.page("family: what we owe you", "/family/")

    @task(2)
    def messages(self):
        self.page("family: messages", "/messages/")

    @task(2)
    def conversation(self):
        self.page("family: a conversation", f"/messages/{self.person['thread']}/")

    @task(2)
    def children(self):
        if self.person.get("placement"):
            self.page("family: the child's page", f"/children/{self.person['placement']}/")
        else:
            self.page("family: children", "/children/")

    @task(1)
    def calendar(self):
        self.page("family: calendar", "/calendar/")

    @task(2)
    def money(self):
        self.page("family: money", "/money/")
        if self.person.get("claim"):
            self.page("family: a claim", f"/money/claims/{self.person['claim']}/")

    @task(1)
    def reply(self):
        url = f"/messages/{self.person['thread']}/"
        page = self.page("family: a conversation", url)
        token = CSRF.search(page.text or "")
        if not token:
            return
        with self.client.post(
            url, name="family: send a reply", allow_redirects=False, catch_response=True,
            data={"csrfmiddlewaretoken": token[1], "body": "Thank you, we will be there.", "submission_key": str(uuid.uuid4())},
            headers={"Referer": f"https://{self.host.split('//')[1]}{url}"},
        ) as response:
            self.keep_cookies()
            if response.status_code != 302:
                response.failure(f"{response.status_code} for the reply")


class Staff(Person):
    fixed_count = int(os.environ.get("LOAD_STAFF", "20"))
    wait_time = between(*_seconds("LOAD_STAFF_WAIT", "2,8"))  # at a desk, working through the day

    def on_start(self):
        self.person = STAFF[next(_next_staff) % len(STAFF)]
        super().on_start()

    @task(4)
    def my_day(self):
        self.page("staff: my day", "/my-day/")

    @task(3)
    def inbox(self):
        self.page("staff: inbox", "/messages/inbox/")

    @task(2)
    def work(self):
        role = self.person["role"]
        if role == "fiscal":
            self.page("staff: fiscal queue", "/money/fiscal/")
        elif role == "supervisor":
            self.page("staff: my team", "/my-team/")
        elif role == "resource_worker":
            self.page("staff: inquiries", "/inquiries/")
        else:
            self.page("staff: children", "/children/staff/")

    @task(2)
    def calendar(self):
        self.page("staff: calendar", "/calendar/staff/")

    @task(1)
    def a_child(self):
        if self.person.get("placement"):
            self.page("staff: a child", f"/children/staff/{self.person['placement']}/")

