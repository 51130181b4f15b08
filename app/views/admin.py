"""테마 관리: staff rename, merge, hide and unhide themes and move suggestions between them.

Every change runs `fieldvoice theme ...` in a subprocess (app.curation): the command checks it, logs
it with who and when, and writes a new theme snapshot; the page itself only reads the warehouse.
Below the forms: the change history, and where the current themes came from in the last theming run.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from app import auth, curation, data
from app.text import plain
from nlp.labelling import LABEL_SOURCE_NAMES, UNASSIGNED_LABEL

ACTION_NAMES = {
    "rename": "이름 변경",
    "merge": "병합",
    "move": "건의 이동",
    "hide": "숨김",
    "unhide": "숨김 해제",
}
RELATION_NAMES = {"new": "신규", "split": "분할", "merged": "병합", "continued": "유지"}
MODE_NAMES = {"full": "전체 군집", "recluster": "전체 재군집", "incremental": "증분 배정"}
FORMS = ("rename", "merge", "move", "hide", "area")
SHOWN_CHARS = 70

signed_in = auth.require("admin")
st.title("테마 관리")
st.caption(
    "테마 이름을 바꾸고, 두 테마를 합치고, 건의를 다른 테마로 옮기고, 테마를 숨깁니다. "
    f"바꾼 내용은 로그인한 담당자({signed_in.name}) 이름으로 기록되고, 이후 파이프라인을 다시 실행해도 유지됩니다. "
    "연락처와 이메일은 가려져 있습니다."
)

db = data.require_warehouse()
themes = data.theme_admin(db)
if themes.empty:
    st.info("아직 테마가 없습니다. 문서를 추가하고 `fieldvoice pipeline`을 실행하세요.")
    st.stop()

by_id = {int(row.theme_id): row for row in themes.itertuples()}
real_ids = [int(t) for t in themes.loc[~themes.is_unassigned, "theme_id"]]  # 미분류 cannot be curated


def _theme_name(theme_id: int) -> str:
    theme = by_id[theme_id]
    hidden = " · 숨김" if theme.is_hidden else ""
    return f"{theme.label} (#{theme_id} · {theme.size:,}건{hidden})"


def _short(text: object) -> str:
    text = "" if text is None or pd.isna(text) else str(text)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def _origin(row: object) -> str:
    """Where a suggestion was raised: organisation, date, tour (whichever are known)."""
    raised = getattr(row, "raised_on", None)
    parts = (
        getattr(row, "organisation", None),
        None if raised is None or pd.isna(raised) else f"{pd.Timestamp(raised):%Y-%m-%d}",
        getattr(row, "tour_name", None),
    )
    known = [str(p) for p in parts if p is not None and not pd.isna(p)]
    return " · ".join([*known, str(getattr(row, "suggestion_id", ""))[:8]])


def _who(form: str) -> tuple[str, str]:
    """The signed-in user (every change is recorded under their name, never free text) and the
    optional 메모 of a form."""
    note = st.text_input(
        f"메모 (선택) · 담당자: {signed_in.name}", key=f"{form}_note", placeholder="바꾸는 이유"
    )
    return signed_in.name, note


def _submit(form: str, args: list[object], actor: str, note: str, done: str, group: str = "theme") -> None:
    """Run the change; on success clear every page's cached data and reload, else say why."""
    if not actor.strip():
        st.error(curation.NO_ACTOR)
        return
    with st.spinner("반영하는 중… (파이프라인 실행 중이면 끝난 뒤 반영합니다)"):
        result = curation.run_theme_command(data.db_path(), args, actor, note, group=group)
    if not result.ok:
        st.error(result.message)
        return
    auth.record("테마·분야 변경", " ".join(str(a) for a in args))
    # The command's first sentence, "반영했습니다 (실행 #N)"; the rest points to the CLI's history.
    applied = result.message.split(". ", 1)[0].rstrip(".")
    st.session_state["admin_done"] = (form, f"{done} {applied}.")
    for key in [k for k in st.session_state if str(k).startswith(tuple(f"{f}_" for f in FORMS))]:
        del st.session_state[key]  # the forms start afresh, on the new themes
    data.clear_caches()
    st.rerun()


def _show_done(form: str) -> None:
    done = st.session_state.get("admin_done")
    if done and done[0] == form:
        st.success(plain(done[1]))  # it names themes: text from documents or staff, shown as text
        del st.session_state["admin_done"]


# --- 현재 테마 ----------------------------------------------------------------------------------

hidden_count = int(themes.is_hidden.sum())
st.subheader("현재 테마")
st.caption(
    f"테마 {len(real_ids)}개"
    + (f" (숨긴 테마 {hidden_count}개 포함)" if hidden_count else "")
    + ". 숨긴 테마는 테마 개요와 브리핑에 나오지 않습니다."
)
table = pd.DataFrame(
    {
        "ID": themes.theme_id.astype(int),
        "이름": themes.label,
        "출처": [
            "-" if row.is_unassigned else LABEL_SOURCE_NAMES.get(row.label_source, str(row.label_source))
            for row in themes.itertuples()
        ],
        "건수": themes["size"].astype(int),
        "투어": themes.tours.astype(int),
        "숨김": themes.is_hidden.astype(bool),
        "키워드": [", ".join(k) if k is not None else "" for k in themes.keywords],
    }
)
st.dataframe(table, hide_index=True, width="stretch")

# --- 바꾸기 ------------------------------------------------------------------------------------

st.subheader("테마 바꾸기")
if not real_ids:
    st.info("바꿀 수 있는 테마가 없습니다 (미분류만 있습니다).")
    st.stop()
rename_tab, merge_tab, move_tab, hide_tab, area_tab = st.tabs(
    ["이름 변경", "병합", "건의 이동", "숨김", "정책 분야 고치기"]
)

with rename_tab:
    with st.form("rename_form"):
        theme_id = st.selectbox("테마", real_ids, format_func=_theme_name, key="rename_theme")
        label = st.text_input("새 이름", key="rename_label", placeholder="예: AI 인재 양성")
        actor, note = _who("rename")
        if st.form_submit_button("이름 바꾸기", type="primary", key="rename_submit"):
            if not label.strip():
                st.error("새 이름을 적어 주세요.")
            elif label.strip() == by_id[theme_id].label:
                st.error("지금 이름과 같습니다. 다른 이름을 적어 주세요.")
            elif label.strip() == UNASSIGNED_LABEL:
                st.error(
                    f"'{UNASSIGNED_LABEL}'은(는) 테마로 묶이지 않은 건의에 쓰는 이름이라 쓸 수 없습니다."
                )
            else:
                _submit(
                    "rename",
                    ["rename", theme_id, label.strip()],
                    actor,
                    note,
                    f"'{by_id[theme_id].label}' 이름을 '{label.strip()}'(으)로 바꿨습니다.",
                )
    _show_done("rename")

with merge_tab:
    if len(real_ids) < 2:
        st.info("병합하려면 테마가 둘 이상 있어야 합니다.")
    else:
        with st.form("merge_form"):
            st.caption("합칠 테마의 건의가 모두 대상 테마로 옮겨지고, 합친 테마는 없어집니다.")
            source = st.selectbox("합칠 테마 (없어짐)", real_ids, format_func=_theme_name, key="merge_source")
            target = st.selectbox(
                "대상 테마 (남음)", real_ids, index=1, format_func=_theme_name, key="merge_target"
            )
            actor, note = _who("merge")
            if st.form_submit_button("병합하기", type="primary", key="merge_submit"):
                if source == target:
                    st.error("같은 테마끼리는 병합할 수 없습니다. 서로 다른 두 테마를 고르세요.")
                else:
                    _submit(
                        "merge",
                        ["merge", source, target],
                        actor,
                        note,
                        f"'{by_id[source].label}'을(를) '{by_id[target].label}'에 병합했습니다.",
                    )
    _show_done("merge")

with move_tab:
    all_ids = [int(t) for t in themes.theme_id]
    origin = st.selectbox("건의가 지금 있는 테마", all_ids, format_func=_theme_name, key="move_origin")
    members = data.theme_suggestions(db, origin, None)
    destinations = [t for t in real_ids if t != origin]
    if members.empty or not destinations:
        st.info(
            "이 테마에는 옮길 수 있는 건의가 없습니다." if members.empty else "옮겨 갈 다른 테마가 없습니다."
        )
    else:
        texts = dict(zip(members.suggestion_id, members.text, strict=True))
        where = {row.suggestion_id: _origin(row) for row in members.itertuples()}
        with st.form("move_form"):
            suggestion = st.selectbox(
                f"옮길 건의 ({len(members):,}건 중)",
                members.suggestion_id.tolist(),
                format_func=lambda sid: f"{_short(texts[sid])}  [{where[sid]}]",
                key="move_suggestion",
            )
            destination = st.selectbox(
                "옮겨 갈 테마", destinations, format_func=_theme_name, key="move_target"
            )
            actor, note = _who("move")
            if st.form_submit_button("건의 옮기기", type="primary", key="move_submit"):
                _submit(
                    "move",
                    ["move", suggestion, destination],
                    actor,
                    note,
                    f"건의 '{_short(texts[suggestion])}'을(를) '{by_id[destination].label}'(으)로 옮겼습니다.",
                )
    _show_done("move")

with hide_tab:
    with st.form("hide_form"):
        st.caption(
            "숨긴 테마는 테마 개요와 브리핑에서 빠집니다. 건의는 그대로 남고, 언제든 다시 보이게 할 수 있습니다."
        )
        theme_id = st.selectbox("테마", real_ids, format_func=_theme_name, key="hide_theme")
        action = st.radio(
            "작업",
            ["hide", "unhide"],
            format_func={"hide": "숨기기", "unhide": "다시 보이기"}.get,
            horizontal=True,
            key="hide_action",
        )
        actor, note = _who("hide")
        if st.form_submit_button("반영하기", type="primary", key="hide_submit"):
            hidden = bool(by_id[theme_id].is_hidden)
            if action == "hide" and hidden:
                st.error(plain(f"'{by_id[theme_id].label}'은(는) 이미 숨긴 테마입니다."))
            elif action == "unhide" and not hidden:
                st.error(plain(f"'{by_id[theme_id].label}'은(는) 숨긴 테마가 아닙니다."))
            else:
                verb = "숨겼습니다" if action == "hide" else "다시 보이게 했습니다"
                _submit("hide", [action, theme_id], actor, note, f"'{by_id[theme_id].label}'을(를) {verb}.")
    _show_done("hide")

with area_tab:
    st.caption(
        "건의의 정책 분야를 고칩니다. 고친 분야는 바로 보이고, 다음 파이프라인 실행부터 "
        "비슷한 건의의 분야를 정할 때 예시로 쓰입니다."
    )
    everything = data.all_suggestions(db)
    known_areas = data.policy_area_names()
    if everything.empty:
        st.info("아직 건의가 없습니다.")
    else:
        area_texts = dict(zip(everything.suggestion_id, everything.text, strict=True))
        current_area = dict(zip(everything.suggestion_id, everything.area, strict=True))
        with st.form("area_form"):
            suggestion = st.selectbox(
                f"건의 ({len(everything):,}건 중)",
                everything.suggestion_id.tolist(),
                format_func=lambda sid: (
                    f"{_short(area_texts[sid])}  [{current_area.get(sid) or '분야 없음'}]"
                ),
                key="area_suggestion",
            )
            new_area = st.selectbox("새 정책 분야", known_areas, key="area_choice")
            actor, note = _who("area")
            if st.form_submit_button("분야 고치기", type="primary", key="area_submit"):
                _submit(
                    "area",
                    ["set", suggestion, new_area],
                    actor,
                    note,
                    f"건의 '{_short(area_texts[suggestion])}'의 정책 분야를 '{new_area}'(으)로 고쳤습니다.",
                    group="area",
                )
    _show_done("area")

# --- 변경 기록 ---------------------------------------------------------------------------------


def _detail(row: Any) -> str:
    before = row.previous_label
    if row.action == "rename":
        return f"'{before}' → '{row.new_label}'"
    if row.action == "merge":
        target = row.target_label if isinstance(row.target_label, str) else "(없어진 테마)"
        return f"'{before}' → #{int(row.target_theme_id)} '{target}'"
    if row.action == "move":
        return f"건의 '{_short(row.suggestion)}' → '{before}'"
    return ""


st.subheader("변경 기록")
history = data.curation_history(db)
if history.empty:
    st.info("아직 바꾼 내용이 없습니다.")
else:
    st.dataframe(
        pd.DataFrame(
            {
                "시각": history.created_at,
                "담당자": history.actor,
                "작업": [ACTION_NAMES.get(a, a) for a in history.action],
                "테마": [
                    f"#{int(t)} {label}"
                    for t, label in zip(history.theme_id, history.previous_label, strict=True)
                ],
                "내용": [_detail(row) for row in history.itertuples()],
                "메모": history.note.fillna(""),
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={"시각": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")},
    )

# --- 테마 계보 ---------------------------------------------------------------------------------

st.subheader("테마 계보")
lineage = data.theme_lineage(db)
if lineage.empty:
    st.info("아직 테마를 만든 실행이 없습니다.")
    st.stop()
first = lineage.iloc[0]
counts = lineage.relation.value_counts()
mode = MODE_NAMES.get(first.theming_mode, first.theming_mode)
finished = "" if pd.isna(first.finished_at) else f", {pd.Timestamp(first.finished_at):%Y-%m-%d %H:%M}"
st.caption(
    f"마지막 테마 생성 실행 #{int(first.run_id)} ({mode}{finished}): "
    + " · ".join(f"{name} {int(counts.get(relation, 0))}개" for relation, name in RELATION_NAMES.items())
)
show_continued = st.checkbox("유지된 테마도 보기", key="lineage_continued")
shown = lineage if show_continued else lineage[lineage.relation != "continued"]


def _lineage_theme(theme_id: object, label: object) -> str:
    if theme_id is None or pd.isna(theme_id):
        return "-"
    theme_id = int(theme_id)
    current = by_id.get(theme_id)  # the current name, when staff renamed it since
    if current is not None:
        return f"#{theme_id} {current.label}"
    return f"#{theme_id} {label} (현재 없음)" if isinstance(label, str) else f"#{theme_id} (현재 없음)"


if shown.empty:
    st.info("마지막 실행에서 새로 생기거나 나뉘거나 합쳐진 테마가 없습니다.")
else:
    st.dataframe(
        pd.DataFrame(
            {
                "관계": [RELATION_NAMES.get(r, r) for r in shown.relation],
                "테마": [
                    _lineage_theme(t, label) for t, label in zip(shown.theme_id, shown.label, strict=True)
                ],
                "이전 테마": [
                    _lineage_theme(p, label)
                    for p, label in zip(shown.parent_id, shown.parent_label, strict=True)
                ],
                "겹친 건의": shown.shared.astype(int),
            }
        ),
        hide_index=True,
        width="stretch",
    )
