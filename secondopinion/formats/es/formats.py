"""Spanish as written in the United States, on top of Django's ``es`` formats.

The people this app serves live in the US: Spanish speakers there read amounts the way
every bill and insurance letter around them writes them ("$1,234.56"), and the money
fields read "1,250.50" that way, so numbers use a point for decimals and a comma for
thousands (as Django's es_MX does). Dates keep Spanish word order ("14 de mayo de 2026")
and times the 12-hour clock people use in the US ("10:30 a.m."). Form date inputs are
the browser's date picker, which sends ISO dates in every language.
"""

from django.conf.locale.es.formats import *  # noqa: F403

TIME_FORMAT = "g:i a"
DATETIME_FORMAT = r"j \d\e F \d\e Y, g:i a"
SHORT_DATETIME_FORMAT = "d/m/Y g:i a"
FIRST_DAY_OF_WEEK = 0  # Sunday, as US calendars show it
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
