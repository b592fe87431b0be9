"""Eight clients at once, on PostgreSQL: departments moved and duties reordered concurrently.

Each client is a thread with its own database connection. Four move random
departments (mptt moves to any side of any unit, and parent/order edits
through save() with instances loaded a moment earlier, as an open admin page
would); four are HR editors in the admin who open a random position, drag its
duties and authorities into a new order and save (a save made from a form
another editor has overtaken is refused: optimistic locking).
Afterwards the tree must be valid (nested sets 1..2n per tree, parents and
levels consistent, sibling order 1..n) and every position's duties and
authorities numbered 1..n with nothing lost.
"""

import random
import threading
import time
from collections import Counter

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, connections
from django.test import Client
from mptt.exceptions import InvalidMove

from departments.models import Department
from positions.models import Duty, Position
from tests.pages import form_data

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SECONDS = 4
CLIENTS = 8
# The work the clients must have done together before they stop: at least
# SECONDS of it, longer on a slow or busy machine (up to LONGEST seconds), so
# the test checks the outcome of enough concurrent edits, not the speed.
ENOUGH = {"moved": 10, "reordered": 3}
LONGEST = 60
_work = Counter()
_work_lock = threading.Lock()


def _count(done, what):
    done[what] += 1
    with _work_lock:
        _work[what] += 1


def _keep_going(deadline, cap):
    now = time.monotonic()
    if now < deadline:
        return True
    with _work_lock:
        short = any(_work[what] < n for what, n in ENOUGH.items())
    return short and now < cap


@pytest.fixture
def busy_org(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    rng = random.Random(7)
    placed = []
    for c in range(3):
        company = Department.objects.create(code=f"C{c}", name=f"公司{c}", kind="company")
        placed.append(company)
        for u in range(12):
            parent = rng.choice(placed[-(u + 1) :])
            placed.append(
                Department.objects.create(code=f"C{c}-{u}", name=f"部门{c}-{u}", parent=parent)
            )
    positions = []
    for n, dept in enumerate(placed[:20]):
        position = Position.objects.create(code=f"P{n}", title=f"岗位{n}", department=dept)
        Duty.objects.bulk_create(
            [Duty(position=position, text=f"职责{n}-{i}", order=i + 1) for i in range(6)]
            + [
                Duty(position=position, kind="authority", text=f"权限{n}-{i}", order=i + 1)
                for i in range(3)
            ]
        )
        positions.append(position)
    return {"departments": [d.pk for d in placed], "positions": [p.pk for p in positions]}


def mover(number, ids, results):
    rng = random.Random(number)
    done = Counter()
    deadline = time.monotonic() + SECONDS
    cap = time.monotonic() + LONGEST
    try:
        while _keep_going(deadline, cap):
            try:
                node = Department.objects.get(pk=rng.choice(ids))
                time.sleep(rng.random() * 0.003)  # an editor's page, opened a moment ago
                if rng.random() < 0.6:
                    target = Department.objects.get(pk=rng.choice(ids))
                    position = rng.choice(["first-child", "last-child", "left", "right"])
                    Department.objects.move_node(node, target, position)
                else:
                    node.parent = Department.objects.get(pk=rng.choice(ids))
                    node.order = rng.randrange(1, 6)
                    node.save()
                _count(done, "moved")
            except (InvalidMove, ValidationError):
                done["refused"] += 1
            except DatabaseError as exc:
                done[f"error: {exc}"] += 1
    finally:
        results.append(done)
        connections.close_all()


def reorderer(number, ids, user, results):
    """An HR editor in the admin: open a position, drag its duties into a new order, save."""
    rng = random.Random(100 + number)
    done = Counter()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    deadline = time.monotonic() + SECONDS
    cap = time.monotonic() + LONGEST
    try:
        while _keep_going(deadline, cap):
            url = f"/admin/positions/position/{rng.choice(ids)}/change/"
            data = form_data(client.get(url).content, "form#position_form")
            for prefix in ("duties", "duties-2"):  # duties, then authorities
                count = int(data[f"{prefix}-TOTAL_FORMS"])
                orders = list(range(1, count + 1))
                rng.shuffle(orders)
                for index, order in enumerate(orders):
                    data[f"{prefix}-{index}-order"] = str(order)
            response = client.post(url, data)
            if response.status_code == 302:
                _count(done, "reordered")
            elif response.status_code == 200 and b"after you opened it" in response.content:
                done["stale, refused"] += 1  # another editor saved it first
            else:
                page = BeautifulSoup(response.content, "html.parser")
                problems = [
                    e.get_text(" ", strip=True) for e in page.select(".errorlist, .errornote")
                ]
                done[f"error: {response.status_code} {problems}"] += 1
    finally:
        results.append(done)
        connections.close_all()


def test_eight_clients_leave_a_valid_tree_and_gapless_numbering(busy_org, hr):
    duties_before = Counter(Duty.objects.values_list("position_id", "kind"))
    _work.clear()
    results = []
    threads = [
        threading.Thread(target=mover, args=(n, busy_org["departments"], results))
        if n % 2 == 0
        else threading.Thread(target=reorderer, args=(n, busy_org["positions"], hr, results))
        for n in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(LONGEST + 60)
    total = sum(results, Counter())
    print("clients:", dict(total))
    assert len(results) == CLIENTS
    assert not [key for key in total if key.startswith("error")], total
    assert total["moved"] >= 10 and total["reordered"] >= 3, total

    assert Department.objects.tree_problems() == []
    assert Counter(Duty.objects.values_list("position_id", "kind")) == duties_before
    for position in Position.objects.all():
        for kind in ("duty", "authority"):
            numbers = list(
                position.duties.filter(kind=kind)
                .with_numbers()
                .order_by("number")
                .values_list("number", flat=True)
            )
            assert numbers == list(range(1, len(numbers) + 1)), (position.code, kind)
