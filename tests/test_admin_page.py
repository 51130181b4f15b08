"""테마 관리 through AppTest on a copy of the real flow's warehouse: the theme table (hidden themes too),
rename, merge, move and hide through the forms (each runs the `fieldvoice theme` CLI), and the
history. Curation writes the warehouse, so every test works on its own copy."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from samples import open_page
from streamlit.testing.v1 import AppTest

from app import curation
from nlp.curation import Curation
from warehouse import queries
from warehouse.connection import open_for_reading, open_for_writing
from warehouse.curation import curate

ADMIN = "views/admin.py"


pytestmark = pytest.mark.usefixtures("fresh_streamlit_cache")


@pytest.fixture(scope="module")
def curated_db(flow_run, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The flow's warehouse with its smallest theme hidden (in-process: no CLI run)."""
    db = tmp_path_factory.mktemp("admin") / "warehouse.duckdb"
    shutil.copy(flow_run["db_path"], db)
    with open_for_writing(db) as con:
        overview = queries.theme_overview(con)
        smallest = int(overview[~overview.is_unassigned].iloc[-1].theme_id)
        curate(con, Curation("hide", smallest), actor="준비", note="테스트")
    return db


@pytest.fixture
def db(curated_db, tmp_path) -> Path:
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(curated_db, copy)
    return copy


def _themes(db: Path) -> pd.DataFrame:
    with open_for_reading(db) as con:
        return queries.theme_overview(con, include_hidden=True)


def _writes(db: Path) -> tuple[int, ...]:
    """Runs, curations and the latest theme snapshot: what any curation adds to."""
    with open_for_reading(db) as con:
        return con.execute(
            "SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM curations), (SELECT max(run_id) FROM themes)"
        ).fetchall()[0]


def _page(monkeypatch: pytest.MonkeyPatch, db: Path, page: str = ADMIN, user: str = "테스트담당") -> AppTest:
    return open_page(monkeypatch, db, page, user=user)


def _table(app: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in app.dataframe if column in d.value.columns)


def _overview_labels(app: AppTest) -> list[str]:
    app.switch_page("views/themes.py").run()
    assert not app.exception, app.exception
    return [re.sub(r"\\(.)", r"\1", e.label.split(" · ")[0]) for e in app.expander]  # shown escaped


def _submit(app: AppTest, form: str) -> AppTest:
    app.button(key=f"{form}_submit").click().run()
    assert not app.exception, app.exception
    return app


def test_the_page_lists_every_theme_with_hidden_ones_flagged(monkeypatch, db) -> None:
    themes = _themes(db)
    hidden = themes[themes.is_hidden]
    assert len(hidden) == 1
    app = _page(monkeypatch, db, user="김주무관")
    assert [t.value for t in app.title] == ["테마 관리"]
    table = _table(app, "숨김")
    assert list(table.columns) == ["ID", "이름", "출처", "건수", "투어", "숨김", "키워드"]
    assert table["ID"].tolist() == themes.theme_id.tolist()
    assert table.set_index("ID")["숨김"].to_dict() == dict(
        zip(themes.theme_id, themes.is_hidden, strict=True)
    )
    assert set(table["출처"]) <= {"자동(문구)", "담당자", "-"}
    assert (
        "담당자: 김주무관" in app.text_input(key="rename_note").label
    )  # the signed-in user, never free text
    history = _table(app, "담당자")
    assert history.iloc[0][["담당자", "작업", "메모"]].tolist() == ["준비", "숨김", "테스트"]
    assert hidden.label.iloc[0] in history.iloc[0]["테마"]
    assert set(_table(app, "관계")["관계"]) <= {"신규", "분할", "병합"}  # 유지 is hidden by default


def test_rename_shows_on_the_overview_and_in_the_history(monkeypatch, db) -> None:
    theme = _themes(db).iloc[0]
    app = _page(monkeypatch, db, user="박사무관")
    app.selectbox(key="rename_theme").set_value(int(theme.theme_id))
    app.text_input(key="rename_label").input("현장 AI 인재")
    app.text_input(key="rename_note").input("회의 결과 반영")
    _submit(app, "rename")
    assert not app.error, [e.value for e in app.error]
    assert any("현장 AI 인재" in s.value for s in app.success)
    assert _table(app, "숨김").set_index("ID").loc[theme.theme_id, ["이름", "출처"]].tolist() == [
        "현장 AI 인재",
        "담당자",
    ]
    first = _table(app, "담당자").iloc[0]
    assert (first["담당자"], first["작업"], first["메모"]) == ("박사무관", "이름 변경", "회의 결과 반영")
    labels = _overview_labels(app)
    assert "현장 AI 인재" in labels and theme.label not in labels


def test_merging_a_theme_into_itself_is_refused_and_writes_nothing(monkeypatch, db) -> None:
    theme_id = int(_themes(db).iloc[0].theme_id)
    before = _writes(db)
    app = _page(monkeypatch, db, user="박사무관")
    app.selectbox(key="merge_source").set_value(theme_id)
    app.selectbox(key="merge_target").set_value(theme_id)
    _submit(app, "merge")
    assert any("같은 테마" in e.value for e in app.error)
    assert not app.success
    assert _writes(db) == before


def test_move_puts_the_suggestion_in_the_destination(monkeypatch, db) -> None:
    themes = _themes(db)
    origin, destination = (int(t) for t in themes[~themes.is_unassigned].theme_id[:2])
    app = _page(monkeypatch, db, user="이주무관")
    app.selectbox(key="move_origin").set_value(origin).run()
    suggestion = app.selectbox(key="move_suggestion").value
    app.selectbox(key="move_target").set_value(destination)
    _submit(app, "move")
    assert not app.error, [e.value for e in app.error]
    assert any("옮겼습니다" in s.value for s in app.success)
    with duckdb.connect(str(db), read_only=True) as con:
        placed = con.execute(
            "SELECT theme_id FROM suggestion_themes WHERE suggestion_id = ? "
            "AND run_id = (SELECT max(run_id) FROM themes)",
            [suggestion],
        ).fetchall()
    assert placed == [(destination,)]
    assert _table(app, "담당자").iloc[0][["담당자", "작업"]].tolist() == ["이주무관", "건의 이동"]


def test_hide_takes_the_theme_off_the_overview(monkeypatch, db) -> None:
    themes = _themes(db)
    visible = themes[~themes.is_unassigned & ~themes.is_hidden].iloc[0]
    app = _page(monkeypatch, db, user="최주무관")
    assert visible.label in _overview_labels(app)
    app.switch_page(ADMIN).run()
    app.selectbox(key="hide_theme").set_value(int(visible.theme_id))
    app.radio(key="hide_action").set_value("hide")
    _submit(app, "hide")
    assert not app.error, [e.value for e in app.error]
    assert bool(_table(app, "숨김").set_index("ID").loc[visible.theme_id, "숨김"])
    assert visible.label not in _overview_labels(app)


def test_run_theme_command_reports_a_refusal_in_korean(db) -> None:
    theme_id = int(_themes(db).iloc[0].theme_id)
    before = _writes(db)
    refused = curation.run_theme_command(db, ["merge", theme_id, theme_id], "박사무관", "메모")
    assert not refused.ok
    assert "같은 테마" in refused.message and "Traceback" not in refused.message
    assert not curation.run_theme_command(db, ["hide", theme_id], "  ").ok  # nobody named: never runs
    assert _writes(db) == before


def _current_areas(db: Path) -> dict[str, tuple[str, str]]:
    with open_for_reading(db) as con:
        frame = queries.current_areas(con)
    primary = frame[frame["rank"] == 1]
    return {r.suggestion_id: (r.area, r.source) for r in primary.itertuples()}


def test_an_area_corrected_on_the_page_shows_everywhere(monkeypatch, db) -> None:
    before = _current_areas(db)
    target, (old_area, _) = sorted(before.items())[0]
    new_area = "에너지·원자재·비용" if old_area != "에너지·원자재·비용" else "기술개발·R&D"
    app = _page(monkeypatch, db, user="최주무관")
    app.selectbox(key="area_suggestion").set_value(target)
    app.selectbox(key="area_choice").set_value(new_area)
    _submit(app, "area")
    assert not app.error, [e.value for e in app.error]
    assert any(new_area in s.value for s in app.success)
    assert _current_areas(db)[target] == (new_area, "staff")

    app.switch_page("views/themes.py").run()
    assert not app.exception, app.exception
    areas = _table(app, "정책 분야")
    counts = dict(zip(areas["정책 분야"], areas["건의(주 분야)"], strict=True))
    assert sum(counts.values()) == len(before)  # every suggestion counted once, under its primary area
    assert counts[new_area] >= 1

    app.switch_page("views/suggestions.py").run()
    assert not app.exception, app.exception
    app.multiselect(key="filter_areas").set_value([new_area]).run()
    shown = _table(app, "정책 분야")
    assert len(shown) >= 1 and set(shown["정책 분야"]) == {new_area}


def test_an_area_outside_the_taxonomy_cannot_be_chosen(monkeypatch, db) -> None:
    app = _page(monkeypatch, db)
    options = app.selectbox(key="area_choice").options
    assert options[-1] == "기타" and len(options) == 11
