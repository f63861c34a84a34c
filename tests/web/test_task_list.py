"""The task list for a busy kancelaria: the letter's columns, sorting on every column (RPW numbers
as numbers), filters, pages, bulk decree (all or nothing)."""

from __future__ import annotations

import re

import pytest

from ezd.services import task_list

from .conftest import Site
from .test_pages import csrf_of, sign_in

T = "sp-swidnik"


def _refs(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<td class="mono">RPW/(\d+)/\d{4} ', html)]


@pytest.fixture(scope="module")
def inbox(shared_site: Site) -> Site:
    for _ in range(11):
        shared_site.world.register(T)
    return shared_site


def test_columns_and_numeric_sorting_on_every_column(inbox: Site) -> None:
    kanc = sign_in(inbox, "sw.kancelaria")
    page = kanc.get("/zadania?sort=ref&kierunek=rosnaco").text
    heads = re.findall(r'<th scope="col"(?: aria-sort="\w+")?><a href="[^"]*">([^<]+)', page)
    assert [h.strip() for h in heads] == [
        "Zadanie",
        "Dotyczy",
        "Data wpływu",
        "Nadawca",
        "Tytuł",
        "Rodzaj",
        "Termin",
    ]
    refs = _refs(page)
    assert (
        refs == sorted(refs) and 9 in refs and 10 in refs and refs.index(9) < refs.index(10)
    )  # not RPW/10, RPW/9
    assert 'aria-sort="ascending"' in page
    down = _refs(kanc.get("/zadania?sort=ref&kierunek=malejaco").text)
    assert down == sorted(down, reverse=True)
    row = re.search(r'<tr class="[^"]*">(.*?)</tr>', page, re.S).group(1)  # type: ignore[union-attr]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", cells[3].strip())  # received, Polish style
    assert cells[4].strip() not in ("", "—") and cells[6].strip() == "pismo"  # sender, kind
    for key in task_list.SORTS:
        r = kanc.get(f"/zadania?sort={key}&kierunek=malejaco")
        assert r.status_code == 200 and 'aria-sort="descending"' in r.text, key
    senders = re.findall(
        r'<td class="mono">RPW/\d+/\d{4} .*?</td>\s*<td>[^<]*</td>\s*<td>([^<]*)</td>',
        kanc.get("/zadania?sort=sender").text,
        re.S,
    )
    assert senders == sorted(senders, key=str.lower)


def test_filters_and_pages(inbox: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    kanc = sign_in(inbox, "sw.kancelaria")
    page = kanc.get("/zadania?sort=ref").text
    first_sender = re.findall(
        r'<td class="mono">RPW/\d+/\d{4} .*?</td>\s*<td>[^<]*</td>\s*<td>([^<]*)</td>', page, re.S
    )[0]
    found = kanc.get("/zadania", params={"szukaj": first_sender.split()[-1]}).text
    assert 0 < len(_refs(found)) < len(_refs(page))
    assert not _refs(kanc.get("/zadania", params={"szukaj": "nie-ma-takiego-nadawcy"}).text)
    assert not _refs(kanc.get("/zadania?po_terminie=1").text)  # nothing is late yet
    monkeypatch.setattr(task_list, "PAGE_SIZE", 5)  # 50 in the office; 5 here to page a small inbox
    one = kanc.get("/zadania?sort=ref").text
    two = kanc.get("/zadania?sort=ref&strona=2").text
    assert len(_refs(one)) == 5 and len(_refs(two)) == 5 and max(_refs(one)) < min(_refs(two))
    assert re.search(r'<span aria-current="page">2</span>', two) and "strona 2 z" in two


def test_bulk_decree_of_selected_items_all_or_nothing(inbox: Site) -> None:
    kanc = sign_in(inbox, "sw.kancelaria")
    page = kanc.get("/zadania?sort=ref").text
    select = re.search(r'<select id="bulk-unit" name="unit" required>(.*?)</select>', page, re.S)
    assert select and select.group(1).startswith('<option value="">') and "selected" not in select.group(1)
    picks = re.findall(r'name="pismo" value="([^"]+)"', page)
    assert len(picks) >= 3
    token = csrf_of(page)
    r = kanc.post("/zadania/dekretacja", data={"pismo": picks[:2], "unit": "", "csrf_token": token})
    assert r.status_code == 400 and "Wybierz komórkę." in r.text
    r = kanc.post("/zadania/dekretacja", data={"pismo": picks[:2], "unit": "NIEMA", "csrf_token": token})
    assert r.status_code == 404
    assert len(re.findall(r'name="pismo" value="', kanc.get("/zadania").text)) == len(picks)  # none decreed
    r = kanc.post(
        "/zadania/dekretacja",
        data={"pismo": picks[:2], "unit": "OR", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    done = kanc.get(r.headers["location"]).text
    assert "Zadekretowano 2 pisma." in done
    left = re.findall(r'name="pismo" value="([^"]+)"', done)
    assert len(left) == len(picks) - 2 and not set(picks[:2]) & set(left)
    for ref in picks[:2]:
        _, number, year = ref.split("|")[1].split("/")
        assert "zadekretowane" in kanc.get(f"/rpw/{T}/{year}/{number}").text
