"""The drawn org chart (orgchart app) in a real browser, as HR uses it.

Pan, zoom, fit; open and close subtrees in place; find; focus; click
through to the pages; the same chart without JavaScript; the print preview
and a PDF. Every flow also proves that nothing leaves 127.0.0.1 and that the
browser reports no error (a Content-Security-Policy violation is one).
Screenshots go to test-artifacts/.
"""

import re
import time

import pytest
from django.core.management import call_command

from departments.models import Department
from positions.models import Position
from tests.browser.conftest import ARTIFACTS, login

pytestmark = pytest.mark.django_db(transaction=True)

TRANSFORM = re.compile(r"translate\(([-\d.]+)[ ,]+([-\d.]+)\)(?: scale\(([-\d.]+)\))?")


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


@pytest.fixture
def deep(org):
    """ACME > SALES > TEAM > SUB > CELL: a unit two levels down, with levels below it."""
    team = Department.objects.create(code="TEAM", name="华东组", parent=org["sales"])
    sub = Department.objects.create(code="SUB", name="上海小组", parent=team)
    Department.objects.create(code="CELL", name="浦东小队", parent=sub)
    Department.objects.create(code="TEAM2", name="华南组", parent=org["sales"])
    return org


@pytest.fixture
def problems(page):
    """Console errors and uncaught exceptions on the page."""
    found = []
    page.on(
        "console",
        lambda message: (
            found.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: found.append(f"pageerror: {error}"))
    return found


def assert_clean(page, problems):
    assert page.external_requests == []
    assert problems == []


def open_chart(page, live_server, query=""):
    page.goto(f"{live_server.url}/chart/{query}")
    page.wait_for_selector("svg.orgchart g.chart-root")
    page.wait_for_selector(".chart-zoom [data-zoom]")  # the script ran


def view(page):
    """The root group's translate and scale."""
    transform = page.locator("svg.orgchart g.chart-root").get_attribute("transform")
    match = TRANSFORM.fullmatch(transform.strip())
    assert match, transform
    x, y, k = match.groups()
    return float(x), float(y), float(k or 1)


def changed(page, before, timeout=5.0):
    """The view once it differs from ``before`` (the wheel is handled asynchronously).

    Not page.wait_for_function: Playwright evaluates its string with new
    Function(), which the site's CSP (no 'unsafe-eval') refuses as a page error.
    """
    deadline = time.monotonic() + timeout
    while (now := view(page)) == before and time.monotonic() < deadline:
        page.wait_for_timeout(20)
    return now


def box(page, key):
    """The screen rectangle of the box ``key`` (its outline, not its toggle)."""
    return page.locator(f'.box[data-key="{key}"] > rect[data-code]').bounding_box()


def centre(rect):
    return rect["x"] + rect["width"] / 2, rect["y"] + rect["height"] / 2


def viewport(page):
    return page.locator(".chart-viewport").bounding_box()


def origin(page):
    """Where the drawing's (0, 0) is on the screen before any pan: inside the border."""
    return page.evaluate(
        """() => { const v = document.querySelector('.chart-viewport');
                   const r = v.getBoundingClientRect();
                   return [r.left + v.clientLeft, r.top + v.clientTop]; }"""
    )


def drag(page, start, by, steps=12):
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(start[0] + by[0], start[1] + by[1], steps=steps)
    page.mouse.up()


def keys(page):
    return set(
        page.eval_on_selector_all("svg.orgchart .box[data-key]", "es => es.map(e => e.dataset.key)")
    )


def empty_spot(page):
    """A point of the viewport over the chart's background, not over a box."""
    point = page.evaluate(
        """() => {
          const r = document.querySelector('.chart-viewport').getBoundingClientRect();
          for (let y = r.bottom - 20; y > r.top + 40; y -= 15) {
            for (let x = r.left + 20; x < r.right - 20; x += 15) {
              const e = document.elementFromPoint(x, y);
              if (e && e.matches('rect.chart-bg, svg.orgchart')) return [x, y];
            }
          }
          return null;
        }"""
    )
    assert point, "no empty spot in the viewport"
    return point


def test_pan_zoom_and_fit(page, live_server, hr, demo, problems, screenshot):
    login(page, live_server, "hr", "hr-pass-123")
    open_chart(page, live_server)
    screenshot("start")
    x0, y0, k0 = view(page)

    # Drag the background: the drawing follows the mouse exactly.
    start = empty_spot(page)
    drag(page, start, (150, 80))
    x1, y1, k1 = view(page)
    assert (x1 - x0, y1 - y0, k1) == (pytest.approx(150, abs=1), pytest.approx(80, abs=1), k0)
    assert "dragging" not in page.locator(".chart-viewport").get_attribute("class")
    assert page.evaluate("window.getSelection().toString()") == ""  # a pan selects nothing
    screenshot("panned")

    # The wheel zooms in on the cursor: the drawing's point under it stays put.
    vp = viewport(page)
    ox, oy = origin(page)
    cursor = (vp["x"] + vp["width"] * 0.3, vp["y"] + vp["height"] * 0.4)
    under = ((cursor[0] - ox - x1) / k1, (cursor[1] - oy - y1) / k1)
    page.mouse.move(*cursor)
    page.mouse.wheel(0, -120)
    x2, y2, k2 = changed(page, (x1, y1, k1))
    assert k2 > k1
    assert (cursor[0] - ox - x2) / k2 == pytest.approx(under[0], abs=0.5)
    assert (cursor[1] - oy - y2) / k2 == pytest.approx(under[1], abs=0.5)
    page.mouse.wheel(0, 120)
    changed(page, (x2, y2, k2))
    assert view(page)[2] == pytest.approx(k1, rel=0.01)
    screenshot("wheel")

    # The + button zooms by 1.25 about the viewport's centre.
    x3, y3, k3 = view(page)
    page.click("[data-zoom=zoom-in]")
    x4, y4, k4 = view(page)
    assert k4 == pytest.approx(k3 * 1.25, rel=0.001)
    mid = page.evaluate(
        "(() => { const v = document.querySelector('.chart-viewport');"
        " return [v.clientWidth / 2, v.clientHeight / 2]; })()"
    )
    assert (mid[0] - x4) / k4 == pytest.approx((mid[0] - x3) / k3, abs=1)
    page.click("[data-zoom=zoom-out]")
    assert view(page)[2] == pytest.approx(k3, rel=0.001)
    page.click("[data-zoom=zoom-in]")
    page.click("[data-zoom=zoom-in]")
    screenshot("zoomed")

    # Fit: the whole drawing in the window, centred.
    page.click("[data-zoom=fit]")
    drawing = page.locator("g.chart-root > rect.chart-bg").bounding_box()
    vp = viewport(page)
    assert drawing["x"] >= vp["x"] - 1 and drawing["y"] >= vp["y"] - 1
    assert drawing["x"] + drawing["width"] <= vp["x"] + vp["width"] + 1
    assert drawing["y"] + drawing["height"] <= vp["y"] + vp["height"] + 1
    assert centre(drawing)[0] == pytest.approx(centre(vp)[0], abs=2)
    screenshot("fit")
    # Still after the window changes size (the drawing's size is not the window's).
    page.set_viewport_size({"width": 900, "height": 700})
    page.click("[data-zoom=fit]")
    drawing, vp = page.locator("g.chart-root > rect.chart-bg").bounding_box(), viewport(page)
    assert drawing["x"] + drawing["width"] <= vp["x"] + vp["width"] + 1
    assert drawing["width"] >= vp["width"] * 0.9 or drawing["height"] >= vp["height"] * 0.9
    page.set_viewport_size({"width": 1280, "height": 900})

    names = page.eval_on_selector_all(
        ".chart-zoom [data-zoom]", "bs => bs.map(b => b.getAttribute('aria-label'))"
    )
    assert names == ["放大", "缩小", "适应窗口", "实际大小"]
    # 1:1 shows the drawing at its real size.
    x6, y6, k6 = view(page)
    page.click("[data-zoom=reset]")
    x7, y7, k7 = view(page)
    assert k7 == 1
    assert (mid[0] - x7) / k7 == pytest.approx((mid[0] - x6) / k6, abs=1)  # about the centre
    # The keyboard pans and zooms the focused viewport too.
    page.focus(".chart-viewport")
    x5, y5, _k = view(page)
    page.keyboard.press("ArrowLeft")
    assert view(page)[0] == pytest.approx(x5 + 60, abs=0.2)
    assert_clean(page, problems)


def test_collapse_and_expand_in_place(page, live_server, hr, demo, problems, screenshot):
    login(page, live_server, "hr", "hr-pass-123")
    open_chart(page, live_server)
    children = {f"unit:{c}" for c in ("JX-SVC", "JX-SALES", "JX-CREDIT", "JX-ADMIN", "JX-FIN")}
    assert children <= keys(page)
    before = box(page, "unit:JX")

    page.click('a.toggle[data-action=close][data-key="unit:JX"]')
    page.wait_for_selector('a.toggle[data-action=open][data-key="unit:JX"]')
    assert not children & keys(page)
    assert "unit:ZZ-HR" in keys(page)  # the others stay open
    toggle = page.locator('a.toggle[data-key="unit:JX"]')
    assert toggle.text_content().strip() == "+5"
    after = box(page, "unit:JX")
    assert after["x"] == pytest.approx(before["x"], abs=2)
    assert after["y"] == pytest.approx(before["y"], abs=2)
    assert "closed=JX" in page.url  # history.replaceState
    screenshot("closed")

    page.reload()
    page.wait_for_selector('a.toggle[data-action=open][data-key="unit:JX"]')
    assert not children & keys(page)

    before = box(page, "unit:JX")
    page.click('a.toggle[data-action=open][data-key="unit:JX"]')
    page.wait_for_selector('a.toggle[data-action=close][data-key="unit:JX"]')
    assert children <= keys(page)
    after = box(page, "unit:JX")
    assert (after["x"], after["y"]) == (
        pytest.approx(before["x"], abs=2),
        pytest.approx(before["y"], abs=2),
    )
    assert "closed=JX" not in page.url and "open=JX" in page.url
    assert page.locator('a.toggle[data-key="unit:JX"]').text_content().strip() == "−"
    screenshot("reopened")
    page.reload()
    page.wait_for_selector('a.toggle[data-action=close][data-key="unit:JX"]')
    assert children <= keys(page)
    assert_clean(page, problems)


def test_keyboard_opens_and_closes_and_tabbing_pans(page, live_server, hr, demo, problems):
    login(page, live_server, "hr", "hr-pass-123")
    open_chart(page, live_server)
    page.focus('a.toggle[data-key="unit:JX"]')
    page.keyboard.press("Enter")
    page.wait_for_selector('a.toggle[data-action=open][data-key="unit:JX"]')
    # The redrawn chart's button has the focus: Enter again opens it.
    assert page.evaluate("document.activeElement.dataset.key") == "unit:JX"
    page.keyboard.press("Enter")
    page.wait_for_selector('a.toggle[data-action=close][data-key="unit:JX"]')
    # Tab to a box outside the window: the chart pans to show it.
    page.focus(".chart-viewport")
    for _ in range(20):
        page.keyboard.press("ArrowLeft")  # the drawing moves right, out of the window
    for _ in range(12):
        page.keyboard.press("ArrowUp")
    assert box(page, "unit:JX-CREDIT")["y"] > viewport(page)["y"] + viewport(page)["height"]
    page.focus('a.box[data-key="unit:JX-CREDIT"]')
    found, vp = box(page, "unit:JX-CREDIT"), viewport(page)
    assert vp["x"] <= found["x"] and found["x"] + found["width"] <= vp["x"] + vp["width"]
    assert vp["y"] <= found["y"] and found["y"] + found["height"] <= vp["y"] + vp["height"]
    assert_clean(page, problems)


@pytest.mark.parametrize(
    "query, key, child",
    [
        ("kind=positions", "unit:ZZ", "unit:ZZ-HR"),
        ("kind=units&orient=lr", "unit:JX", "unit:JX-SALES"),
        ("kind=reporting&orient=lr&compact=0&q=JX-GM", "position:JX-GM", "position:JX-SALES-MGR"),
    ],
)
def test_collapse_after_panning_and_zooming_keeps_the_box_in_place(
    page, live_server, hr, demo, problems, query, key, child
):
    login(page, live_server, "hr", "hr-pass-123")
    open_chart(page, live_server, f"?{query}")
    drag(page, empty_spot(page), (80, 40))
    page.click("[data-zoom=zoom-in]")
    before = box(page, key)
    page.click(f'a.toggle[data-action=close][data-key="{key}"]')
    page.wait_for_selector(f'a.toggle[data-action=open][data-key="{key}"]')
    after = box(page, key)
    assert (after["x"], after["y"]) == (
        pytest.approx(before["x"], abs=2),
        pytest.approx(before["y"], abs=2),
    )
    assert child not in keys(page)
    page.click(f'a.toggle[data-action=open][data-key="{key}"]')
    page.wait_for_selector(f'a.toggle[data-action=close][data-key="{key}"]')
    assert child in keys(page)
    again = box(page, key)
    assert (again["x"], again["y"]) == (
        pytest.approx(before["x"], abs=2),
        pytest.approx(before["y"], abs=2),
    )
    assert_clean(page, problems)


def assert_centred(page, key):
    found = box(page, key)
    vp = viewport(page)
    (bx, by), (vx, vy) = centre(found), centre(vp)
    assert abs(bx - vx) <= 0.1 * vp["width"], (found, vp)
    assert abs(by - vy) <= 0.1 * vp["height"], (found, vp)


def test_find_highlights_and_centres(page, live_server, hr, demo, problems, screenshot):
    login(page, live_server, "hr", "hr-pass-123")
    open_chart(page, live_server)
    page.fill("#chart-q", "信审债权部")
    page.press("#chart-q", "Enter")
    page.wait_for_selector('.chart-found[data-found="JX-CREDIT"]')
    hit = page.locator(".box.highlight")
    assert hit.count() == 1 and hit.get_attribute("data-key") == "unit:JX-CREDIT"
    assert_centred(page, "unit:JX-CREDIT")
    assert "q=" in page.url
    screenshot("unit-found")

    # Without the script's help: the page itself, loaded with q=, centres the hit.
    page.goto(f"{live_server.url}/chart/?q=%E7%BD%91%E7%BB%9C%E9%83%A8")  # 网络部
    page.wait_for_selector(".box.highlight")
    assert page.locator(".box.highlight").get_attribute("data-key") == "unit:ZZ-IT"
    assert_centred(page, "unit:ZZ-IT")

    # A position title, on the chart of units with their positions.
    open_chart(page, live_server, "?kind=positions")
    page.fill("#chart-q", "信审专员")
    page.click(".chart-tools button[value=find]")
    page.wait_for_selector(".chart-found[data-found]:not([data-found=''])")
    hit = page.locator(".box.highlight")
    assert hit.count() == 1
    key = hit.get_attribute("data-key")
    assert key.startswith("position:")
    assert "信审专员" in hit.locator("title").text_content()
    assert_centred(page, key)
    screenshot("position-found")

    page.fill("#chart-q", "没有这个部门")
    page.press("#chart-q", "Enter")
    page.wait_for_selector('.chart-found[data-found=""]')
    message = page.locator(".chart-found").text_content()
    assert "没有这个部门" in message
    assert page.locator(".box.highlight").count() == 0
    assert page.locator("svg.orgchart .box").count() > 0  # the chart is still drawn
    screenshot("nothing-found")
    assert_clean(page, problems)


def test_focus_draws_the_path_and_one_level_below(
    page, live_server, hr, deep, problems, screenshot
):
    login(page, live_server, "hr", "hr-pass-123")
    open_chart(page, live_server, "?focus=TEAM&depth=1")
    drawn = keys(page)
    assert drawn == {"unit:ACME", "unit:SALES", "unit:TEAM", "unit:SUB"}
    # One box per level, from the top down.
    tops = [box(page, f"unit:{code}")["y"] for code in ("ACME", "SALES", "TEAM", "SUB")]
    assert tops == sorted(tops) and len(set(round(t) for t in tops)) == 4
    # Siblings left out show how many are hidden.
    assert page.locator('a.toggle[data-key="unit:SUB"]').text_content().strip() == "+1"
    crumbs = page.locator(".chart-path li")
    assert [c.strip() for c in crumbs.all_text_contents()][1:] == ["示例公司", "销售部", "华东组"]
    screenshot("focus")
    # The breadcrumb leads back up.
    crumbs.nth(2).locator("a").click()
    page.wait_for_url("**root=SALES**")
    assert "unit:ACME" not in keys(page) and "unit:TEAM" in keys(page)
    assert_clean(page, problems)


def test_click_through_to_the_pages(page, live_server, hr, demo, problems, screenshot):
    login(page, live_server, "hr", "hr-pass-123")
    open_chart(page, live_server)
    page.click('a.box[data-key="unit:JX-SALES"]')
    page.wait_for_url("**/departments/JX-SALES/")
    screenshot("department")

    open_chart(page, live_server, "?kind=positions")
    page.click('a.box[data-key="position:JX-SALES-MGR"]')
    page.wait_for_url("**/positions/JX-SALES-MGR/")

    open_chart(page, live_server, "?kind=reporting")
    page.click('a.box[data-key="position:JX-GM"]')
    page.wait_for_url("**/positions/JX-GM/")

    # A drag is a pan, not a click: from a box, from the background onto a box.
    open_chart(page, live_server)
    url = page.url
    x, y = centre(box(page, "unit:JX-SALES"))
    before = view(page)
    drag(page, (x, y), (60, 30))
    # Dragging a box pans (no link drag-and-drop) and selects none of its text.
    after = view(page)
    assert (after[0] - before[0], after[1] - before[1]) == (
        pytest.approx(60, abs=1),
        pytest.approx(30, abs=1),
    )
    assert page.evaluate("window.getSelection().toString()") == ""
    x, y = centre(box(page, "unit:JX-ADMIN"))
    page.mouse.move(x - 30, y - 3)  # over its title's text
    page.mouse.down()
    page.mouse.move(x + 40, y + 10, steps=8)
    page.mouse.up()
    assert page.evaluate("window.getSelection().toString()") == ""
    target = centre(box(page, "unit:JX-FIN"))
    drag(page, empty_spot(page), (0, 0), steps=1)  # a click on the background: nothing
    start = empty_spot(page)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*target, steps=15)
    page.mouse.up()
    page.wait_for_timeout(300)
    assert page.url == url
    # A toggle under a drag's end does not fire either.
    toggle = page.locator('a.toggle[data-key="unit:JX"]').bounding_box()
    drag(page, centre(toggle), (40, 0))
    page.wait_for_timeout(300)
    assert page.locator('a.toggle[data-action=close][data-key="unit:JX"]').count() == 1
    # After a drag the next plain click works, and so does the keyboard's.
    open_chart(page, live_server)
    drag(page, empty_spot(page), (30, 10))
    page.click('a.box[data-key="unit:JX-SALES"]')
    page.wait_for_url("**/departments/JX-SALES/")
    open_chart(page, live_server)
    start = empty_spot(page)
    heading = centre(page.locator("h1").bounding_box())
    drag(page, start, (heading[0] - start[0], heading[1] - start[1]))  # let go outside
    page.focus('a.box[data-key="unit:JX-FIN"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/departments/JX-FIN/")
    assert_clean(page, problems)


def test_without_javascript(chromium, live_server, hr, demo, request):
    context = chromium.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    outside = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )

    def shot(name):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{name}.png"), full_page=True)

    try:
        login(page, live_server, "hr", "hr-pass-123")
        page.goto(f"{live_server.url}/")
        assert page.locator("svg.orgchart a.box").count() >= 20
        assert page.locator(".chart-zoom").count() == 0
        assert page.locator(".chart-options .apply").is_visible()
        shot("home")

        page.goto(f"{live_server.url}/?closed=JX")
        assert "unit:JX-SALES" not in keys(page)
        toggle = page.locator('a.toggle[data-action=open][data-key="unit:JX"]')
        assert toggle.text_content().strip() == "+5"
        toggle.click()
        page.wait_for_load_state()
        assert "open=JX" in page.url
        assert "unit:JX-SALES" in keys(page)
        shot("opened")

        # The options form: untick Compact, Apply.
        page.uncheck(".chart-options input[type=checkbox][name=compact]")
        page.select_option(".chart-options select[name=orient]", "lr")
        page.click(".chart-options .apply")
        page.wait_for_load_state()
        assert "compact=0" in page.url and "orient=lr" in page.url
        assert page.locator("svg.orgchart").get_attribute("data-orientation") == "lr"
        assert not page.locator(".chart-options input[name=compact][type=checkbox]").is_checked()
        assert page.locator("svg.orgchart a.box").count() >= 20
        shot("left-to-right")

        page.fill("#chart-q", "财务部")
        page.click(".chart-tools button[value=find]")
        page.wait_for_load_state()
        assert page.locator(".box.highlight").count() == 1
        assert outside == []
    finally:
        context.close()


def test_print_preview_and_pdf(page, live_server, hr, demo, problems, screenshot):
    login(page, live_server, "hr", "hr-pass-123")
    open_chart(page, live_server, "?kind=positions")
    drag(page, empty_spot(page), (-200, -100))
    page.click("[data-zoom=zoom-in]")
    moved = page.locator("g.chart-root").get_attribute("transform")
    svg = page.locator("svg.orgchart")
    width, height = svg.get_attribute("data-width"), svg.get_attribute("data-height")

    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    assert svg.get_attribute("viewBox") == f"0 0 {width} {height}"
    assert view(page) == (0, 0, 1)
    for hidden in (".site-header", ".chart-tools", ".chart-zoom", ".export-menu", ".chart-tabs"):
        assert not page.locator(hidden).is_visible(), hidden
    assert page.locator("h1").is_visible() and page.locator(".legend").is_visible()
    # The whole drawing is on the sheet, inside the page's width.
    drawn = page.locator("g.chart-root > rect.chart-bg").bounding_box()
    body = page.locator("body").bounding_box()
    assert drawn["width"] <= body["width"] + 1
    assert drawn["width"] / drawn["height"] == pytest.approx(int(width) / int(height), rel=0.02)
    screenshot("print-preview")

    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / f"{test_print_preview_and_pdf.__name__}.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", data))
    assert pages >= 1

    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    page.emulate_media(media="screen")
    assert page.locator("g.chart-root").get_attribute("transform") == moved
    assert_clean(page, problems)


OVERFLOWS = """() => {
  const out = [];
  for (const box of document.querySelectorAll('svg.orgchart a.box, svg.orgchart g.box')) {
    const rect = box.querySelector(':scope > rect');
    if (!rect) continue;
    const r = {x: rect.x.baseVal.value, y: rect.y.baseVal.value,
               w: rect.width.baseVal.value, h: rect.height.baseVal.value};
    for (const text of box.querySelectorAll(':scope > text')) {
      const b = text.getBBox();
      if (b.x < r.x - 1 || b.y < r.y - 1 || b.x + b.width > r.x + r.w + 1
          || b.y + b.height > r.y + r.h + 1) {
        out.push({key: box.dataset.key, text: text.textContent,
                  size: text.getAttribute('font-size'), box: [r.x, r.y, r.w, r.h],
                  bbox: [b.x, b.y, b.width, b.height].map(v => Math.round(v * 10) / 10)});
      }
    }
  }
  return out;
}"""


@pytest.fixture
def wordy(org):
    """Names that are hard to measure: long English, wide capitals, digits, CJK punctuation."""
    names = [
        ("LONG-EN", "International Business Development and Strategic Partnerships"),
        ("WIDE", "WWWWWWWWWWMMMMMMMMMM%%%@@@"),
        ("DIGITS", "2026年第3季度0123456789项目组"),
        ("PUNCT", "（华东）区域销售管理部——上海分部，“重点客户”组"),
        ("MIXED", "IT运维与Cloud Infrastructure平台部(SRE/DevOps)"),
        ("TRAD", "衡陽市力源動力製造有限企業銷售與財務綜合管理處"),
    ]
    for code, name in names:
        unit = Department.objects.create(code=code, name=name, parent=org["sales"])
        Position.objects.create(
            code=f"{code}-P", title=name + "经理", department=unit, reports_to=org["sales_mgr"]
        )
    return org


def test_the_overflow_check_sees_an_overflow(page, live_server, hr, org):
    login(page, live_server, "hr", "hr-pass-123")
    open_chart(page, live_server)
    assert page.evaluate(OVERFLOWS) == []
    page.evaluate(
        """() => { const t = document.querySelector('a.box > text');
                   t.textContent = t.textContent + '一二三四五六七八九十'.repeat(3); }"""
    )
    assert len(page.evaluate(OVERFLOWS)) == 1


@pytest.mark.parametrize("kind", ["units", "positions", "reporting"])
def test_no_text_overflows_hard_names(page, live_server, hr, wordy, problems, kind, screenshot):
    login(page, live_server, "hr", "hr-pass-123")
    for orient in ("tb", "lr"):
        open_chart(page, live_server, f"?kind={kind}&orient={orient}&q=LONG-EN")
        screenshot(orient)
        assert page.evaluate(OVERFLOWS) == [], orient
    assert_clean(page, problems)


@pytest.mark.parametrize("kind", ["units", "positions", "reporting"])
def test_no_text_overflows_its_box(page, live_server, hr, demo, problems, kind, screenshot):
    login(page, live_server, "hr", "hr-pass-123")
    open_chart(page, live_server, f"?kind={kind}")
    assert page.locator("svg.orgchart .box text").count() > 20
    offenders = page.evaluate(OVERFLOWS)
    if offenders:
        page.click("[data-zoom=reset]")
        screenshot("overflow")
    assert offenders == []
    # In English too: Latin text is measured from the width table, not the font.
    page.select_option("#language", "en")
    page.wait_for_selector("html[lang=en]")
    open_chart(page, live_server, f"?kind={kind}")
    assert page.evaluate(OVERFLOWS) == []
    assert_clean(page, problems)


def test_export_menu_downloads(page, live_server, hr, demo, problems):
    login(page, live_server, "hr", "hr-pass-123")
    open_chart(page, live_server, "?kind=positions&closed=JX")
    page.click(".export-menu > summary")
    links = page.locator(".export-body ul a")
    assert links.count() == 3
    ARTIFACTS.mkdir(exist_ok=True)
    with page.expect_download() as info:
        page.click(".export-body ul a[href*='format=svg']")
    path = ARTIFACTS / f"test_export_menu_downloads-{info.value.suggested_filename}"
    info.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"<?xml") and path.suffix == ".svg"
    # Exports draw everything below the root, whatever is closed on screen.
    assert b'data-code="JX-SALES"' in data
    assert page.url.startswith(f"{live_server.url}/chart/")  # still on the chart
    magic = {"pdf": b"%PDF", "png": b"\x89PNG"}
    for fmt in ("pdf", "png"):
        with page.expect_download() as info:
            page.click(f".export-body ul a[href*='format={fmt}']")
        path = ARTIFACTS / f"test_export_menu_downloads-{info.value.suggested_filename}"
        info.value.save_as(path)
        assert path.read_bytes().startswith(magic[fmt])
    # The form: a tiled A4 PDF.
    page.select_option(".export-form select[name=format]", "pdf")
    page.select_option(".export-form select[name=mode]", "tile")
    page.select_option(".export-form select[name=paper]", "A4")
    with page.expect_download() as info:
        page.click(".export-form button[type=submit]")
    path = ARTIFACTS / "test_export_menu_downloads-tiled.pdf"
    info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    assert_clean(page, problems)
