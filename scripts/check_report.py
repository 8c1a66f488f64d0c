"""Fail the run if any test was skipped or no browser test ran: a skip proves nothing.

check_report.py REPORT.xml [--no-browser]   (a run of some files, without browser tests)
"""

import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()  # noqa: S314 (our own pytest report)
cases = root.iter("testcase")
total = skipped = browser = 0
for case in cases:
    total += 1
    if case.find("skipped") is not None:
        skipped += 1
        print(f"skipped: {case.get('classname')}::{case.get('name')}", file=sys.stderr)
    elif case.get("classname", "").startswith("tests.browser"):
        browser += 1
print(f"{total} tests, {browser} browser tests ran, {skipped} skipped")
need_browser = "--no-browser" not in sys.argv[2:]
if skipped or not total or (need_browser and not browser):
    sys.exit("tests were skipped, or none ran, or no browser test ran")
