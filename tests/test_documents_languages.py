"""Document control in Simplified Chinese (the default), Traditional Chinese and English."""

import io

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from docx import Document as read_docx

from tests.documents_helpers import approve
from tests.pages import soup, texts

PAGES = [
    "/documents/",
    "/documents/due/",
    "/documents/positions/SALES-MGR/",
    "/documents/positions/SALES-MGR/revisions/1/",
    "/documents/positions/SALES-MGR/compare/?a=1&b=draft",
    "/documents/departments/SALES/print/",
    "/positions/SALES-MGR/",
]
# A piece of interface text each page shows.
MARKERS = {
    "/documents/": "Document control",
    "/documents/due/": "Due list",
    "/documents/positions/SALES-MGR/compare/?a=1&b=draft": "Compare revisions",
}


@pytest.fixture
def approved(org, hr, reviewer, approver):
    approve(org["sales_mgr"], hr, reviewer, approver)
    return org


def _client(user, language):
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
@pytest.mark.parametrize("url", PAGES)
def test_every_document_page_in_every_language(hr, approved, language, url):
    page = soup(_client(hr, language).get(url))
    assert page.html["lang"] == language
    with translation.override(language):
        expected = translation.gettext(MARKERS.get(url, "Document no."))
    assert expected in page.get_text()
    if language != "en":
        assert expected != MARKERS.get(url, "Document no.")  # translated


def test_the_control_block_reads_like_the_seeds_in_chinese(hr, approved):
    client = _client(hr, "zh-hans")
    page = soup(client.get("/positions/SALES-MGR/print/"))
    assert texts(page, "table.control-block thead th") == ["编制/日期", "审核/日期", "批准/日期"]
    assert (
        "已批准的第1版" in page.get_text()
        or "第1版" in texts(page, "table.control-block caption")[0]
    )
    word = read_docx(io.BytesIO(client.get("/documents/positions/SALES-MGR/export.docx").content))
    assert word.paragraphs[0].text == "销售部经理职位说明书"
    assert [c.text for c in word.tables[0].rows[0].cells] == ["编制/日期", "审核/日期", "批准/日期"]
    assert [c.text for c in word.tables[2].rows[0].cells] == [
        "序号",
        "岗位职责",
        "流程",
        "相关记录",
        "考核指标",
    ]


def test_refusals_are_translated(client, approver, org):
    client = _client(approver, "zh-hans")
    response = client.post(
        "/documents/positions/SALES-MGR/transition/", {"action": "approve"}, follow=True
    )
    assert texts(soup(response), "ul.messages li") == ["这份草稿尚未审核：请先提交并完成审核。"]
