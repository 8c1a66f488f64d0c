"""At 320 CSS pixels wide (a small phone, or a desktop zoomed to 400%) no page scrolls
sideways (WCAG 1.4.10 Reflow), and every page stays axe-clean.

The pages are every GET page of the app (tests/pages.py, from the URL resolver) as the
demo's owner sees them; of the three demo cases, each page is shown with the case that
gives it the most content, where something too wide would show first.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.pages import DEMO_EMAIL, DEMO_PASSWORD, Page, candidate_pages, html_pages, load_demo

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 320

# What sticks out past the right edge, to name it in a failure (not what scrolls inside
# a region of its own).
OVERFLOWING = """(width) => {
  const clipped = (el) => {
    for (let up = el.parentElement; up; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    if (clipped(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.right > width + 0.5 && box.width > 0) {
      const classes = typeof el.className === "string" ? el.className.trim() : "";
      const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
        + (classes ? "." + classes.split(/\\s+/).join(".") : "");
      out.push(name + " (right edge " + Math.round(box.right) + ")");
    }
  }
  return out.slice(0, 5);
}"""


def _one_of_each(pages: dict[Page, str]) -> list[Page]:
    longest: dict[str, tuple[Page, int]] = {}
    for page, html in pages.items():
        if page.name not in longest or len(html) > longest[page.name][1]:
            longest[page.name] = (page, len(html))
    return sorted((page for page, _ in longest.values()), key=lambda p: (not p.anonymous, p.name))


# Which demo case shows each page with the most content is the same in either language,
# and finding it renders every page (seconds): the language tested second reuses the
# choice, as positions in candidate_pages' list (the same list for each demo load).
_CHOSEN: list[int] = []


def _pages_to_check(owner) -> list[Page]:
    candidates = candidate_pages(owner)
    if not _CHOSEN:
        _CHOSEN.extend(
            candidates.index(p) for p in _one_of_each(html_pages(owner, candidates=candidates))
        )
    return [candidates[n] for n in _CHOSEN]


@pytest.fixture(params=["en-US", "es-US"], ids=["English", "Spanish"])
def browser_context_args(browser_context_args, request):
    # Spanish runs about a fifth longer than English: its words wrap, or overflow, first.
    return {**browser_context_args, "locale": request.param}


def test_no_page_scrolls_sideways_at_320_pixels(page, axe_check, login, browser_context_args):
    language = browser_context_args["locale"][:2]
    pages = _pages_to_check(load_demo())
    assert len(pages) > 30
    page.set_viewport_size({"width": WIDTH, "height": 640})
    too_wide = []
    signed_in = False
    for each in pages:
        if not each.anonymous and not signed_in:
            login(DEMO_EMAIL, DEMO_PASSWORD)
            signed_in = True
        page.goto(each.url)
        # The page itself, not the sign-in page it might have sent us to.
        assert urlsplit(page.url).path == urlsplit(each.url).path, each.name
        assert page.locator("html").get_attribute("lang") == language, each.name
        axe_check(f"{each.name} at {WIDTH}px")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            culprits = page.evaluate(OVERFLOWING, WIDTH)
            too_wide.append(f"{each.name} {each.url}: {width}px wide; {', '.join(culprits)}")
    assert not too_wide, "pages that scroll sideways at 320px:\n" + "\n".join(too_wide)
