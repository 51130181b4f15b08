"""Splitting real reports of field meetings, one shape per test (SPLITTING_GUIDE.md).

Each test quotes a sentence or two of a published article (source in a comment); the whole articles
stay in `../shared/bench/meeting_gold_dev/`, which the last test reads when it is there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.records import ParsedDocument, TourMetadata
from nlp.splitting import split_into_suggestions

GOLD = Path(__file__).resolve().parents[2] / "shared" / "bench" / "meeting_gold_dev"


def _split(text: str) -> list[tuple[str, str | None]]:
    document = ParsedDocument(
        path="기사.txt", content_hash="1" * 64, format="txt", encoding="utf-8", text=text
    )
    found = split_into_suggestions(document, TourMetadata())
    for s in found:
        assert document.text[s.span_start : s.span_end] == s.text
    return [(s.text, s.speaker) for s in found]


def _texts(text: str) -> list[str]:
    return [t for t, _ in _split(text)]


def test_requests_sharing_one_predicate_are_split_into_measures() -> None:
    # https://www.hankookilbo.com/News/Read/200008010011898057
    text = (
        "기업 대표들은 이 자리에서 최근 벤처업계에 만연한 자금난, 특히 ‘닷컴 위기론’과 관련해 기업들이 겪고 있는 "
        "애로사항을 전하고, 원활한 자금 지원과 정보통신인력 양성, 해외시장 개척 등을 위해 정부가 보다 적극적으로 "
        "나서줄 것을 건의했다."
    )
    assert _split(text) == [
        ("원활한 자금 지원", "기업 대표들"),
        ("정보통신인력 양성", "기업 대표들"),
        ("해외시장 개척", "기업 대표들"),
    ]


def test_triangle_bullets_framed_as_put_forward_with_coordinated_measures() -> None:
    # https://m.newspic.kr/view.html?cp=w3Hru72p&nid=2025070717530242519&pn=495
    text = (
        "구체적으로는 △식량안보 강화 및 국가 농정예산 확대 △유통구조 개선 및 농협 혁신 △미국 통상협상에서 농업 "
        "보호 △여성 농업인 조직 강화 등이 제시됐다."
    )
    assert _texts(text) == [
        "식량안보 강화",
        "국가 농정예산 확대",
        "유통구조 개선",
        "농협 혁신",
        "미국 통상협상에서 농업 보호",
        "여성 농업인 조직 강화",
    ]


def test_a_comma_list_closed_by_a_summary() -> None:
    # http://sjbnews.com/news/news.php?code=li_news&number=850546
    text = (
        "현장에서는 다양한 애로사항과 건의사항이 쏟아졌다. 주요 내용으로는 양식 사료비 인상 대응책 마련, 포장기 등 "
        "장비 지원 확대, 내·외국인 근로자 수급 문제 해결, 환경 개선(쓰레기 처리 등), 수산물 수출 전략 수립 등이 있었다."
    )
    assert _texts(text) == [
        "양식 사료비 인상 대응책 마련",
        "포장기 등 장비 지원 확대",  # "A 등 B" is one measure
        "내·외국인 근로자 수급 문제 해결",  # a middle dot never splits
        "환경 개선(쓰레기 처리 등)",
        "수산물 수출 전략 수립",
    ]


def test_a_reported_quote_without_its_framing_verb() -> None:
    # https://terradarcobaleno.com/news/articleViewAmp.html?idxno=1158425
    text = "서핑보드를 생산하는 A기업은 ‘우수체육용구 생산업체 지정’ 품목에 서핑보드를 추가해달라고 건의했다."
    assert _split(text) == [
        ("‘우수체육용구 생산업체 지정’ 품목에 서핑보드를 추가", "서핑보드를 생산하는 A기업")
    ]


def test_a_need_stated_in_a_participants_quote() -> None:
    # https://news.korea.com/newsView/2025032667e35196b7d85
    text = (
        "송 회장은 “국세청 자료에 따르면 2023년도 소상공인 평균 사업소득이 월 155만원도 되지 않는 현실에서 소상공인 "
        "폐업이 일상인 시대에 살고 있다”고 지적하며 “취약 근로자와 영세 소상공인이 공존할 수 있도록 수명 다한 "
        "최저임금제 개편이 시급하다”고 강조했다."
    )
    assert _texts(text) == ["수명 다한 최저임금제 개편"]  # the complaint before it is not a request


def test_officials_promises_and_needs_are_never_suggestions() -> None:
    # https://m.wowtv.co.kr/NewsCenter/AMP/Read?articleId=AKR20190130166800002
    promise = (
        '김 청장은 "경제 활력 제고를 위해 기업이 체감할 수 있는 지원 체제를 마련해 수출 중소·중견기업을 총력 '
        '지원할 것"이라고 말했다.'
    )
    # http://www.cargotimes.net/news/articleView.html?idxno=69732
    need = (
        "송 차관은 인사말에서 ’‘수산업을 ’식품‘이라는 새로운 관점으로 접근하여, 수요자 중심의 고부가가치 "
        "수산식품산업으로의 육성이 필요하다“라고 강조하고, “앞으로, 수산식품업계 지원을 더욱 확대하여 국가 경쟁력을 "
        "강화해 나가겠다”라고 말했다."
    )
    assert _texts(promise) == []
    assert _texts(need) == []


def test_question_and_answer_keeps_the_request_not_the_answer() -> None:
    # https://www.hankyung.com/article/2019072192411
    text = (
        "한 간담회 참석자가 지식재산권(IP) 금융을 활성화해야 한다고 요청하자 박 청장이 “취급 금융기관을 확대하고 "
        "IP가치평가 모듈을 구축한 뒤 금융기관에 확산시킬 예정”이라고 즉답했다."
    )
    assert _split(text) == [("지식재산권(IP) 금융을 활성화", "한 간담회 참석자")]


def test_requests_named_inside_an_officials_answer() -> None:
    # https://www.joongang.co.kr/article/1225039
    text = (
        "남장관은 업계가 요청한 금리인하 문제는 물가가 안정된 후에 단계적으로 검토하겠다고 말하고 상의가 건의한 "
        "신용금고와 전경련이 요청한 상업 금융 전담 을종은행 설치문제는 정부도 신중히 검토하겠다고 밝혔다."
    )
    assert _split(text) == [
        ("금리인하", "업계"),
        ("신용금고", "상의"),
        ("상업 금융 전담 을종은행 설치", "전경련"),
    ]


def test_photo_captions_and_attendee_lists_are_not_suggestions() -> None:
    # https://m1.etoday.co.kr/view.php?idxno=1964841&trc=m_view_joinnews
    caption = (
        "▲중소벤처기업진흥공단이 19일 부산 벡스코에서 부산ㆍ경남 스마트공장 공급기업과 스마트공장 사후관리 방안을 "
        "논의하기 위한 간담회를 열었다. (사진제공=중진공)"
    )
    # https://newstomato.com/RealTime/RealTimeDetail.aspx?no=1215742
    attendees = (
        "지난 2일 취임한 최상목 경제부총리는 경제단체 중에서 중기중앙회를 가장 먼저 방문했으며 기획재정부에서는 "
        "△홍두선 차관보 △김진명 정책조정국장 등이 참석했고, 중소벤처기업부에서는 △이대희 중소기업정책실장이 "
        "참석했습니다."
    )
    assert _texts(caption) == []
    assert _texts(attendees) == []


def test_a_headline_restating_the_request_gives_one_suggestion() -> None:
    # https://www.fnnews.com/ampNews/202509031833210313
    text = (
        "국토부, 업계 건의 '공사비·공기' 현실화 해법 찾는다\n9~10월중 산정표준안 용역계획\n"
        "건설업계가 국토교통부 장관과의 비공개 간담회에서 안전 관리 강화를 위해 공사비를 현실화 해달라고 요청했다."
    )
    assert _split(text) == [("안전 관리 강화를 위해 공사비를 현실화", "건설업계")]


def test_hard_wrapped_lines_are_read_as_one_sentence() -> None:
    # https://www.hankyung.com/article/1998030502031 (the newspaper's own line breaks)
    text = (
        "전경련은 이를 위해 만기가 돌아오지 않은 외화대출금의 대출금리 추가\n인상을 억제하고 인가취소된 종금사가 "
        "지급보증한 회사채의 보증기관 변경을\n원활화해야 한다고 강조했다.\n"
    )
    found = _texts(text)
    assert len(found) == 2
    assert found[0].endswith("인상을 억제") and found[1].endswith("변경을\n원활화")


@pytest.mark.skipif(not (GOLD / "gold.jsonl").exists(), reason="../shared/bench/meeting_gold_dev is not here")
def test_splitting_quality_on_the_shared_real_documents_does_not_regress() -> None:
    """`python -m bench.splitting` prints the details; this keeps the figure from sliding back."""
    from bench.splitting import evaluate, tally

    results, tours = evaluate(GOLD)
    total = tally(results)
    assert total.f1 >= 0.85, (total.precision, total.recall)
    assert tours >= 0.9 * len(results)  # separate meetings stay separate tours
