"""Cell URL templates: ``{username}``... filled from this host's own URLs."""

import pytest

from nova.objects.cell_mapping import format_url


@pytest.mark.parametrize("template, default, expected", [
    ("rabbit://{username}:{password}@{hostname}:{port}/cell1",
     "rabbit://nova:pw@mq.example.org:5672/top", "rabbit://nova:pw@mq.example.org:5672/cell1"),
    ("rabbit://{username1}:{password1}@{hostname1},{username2}@{hostname2}:{port2}/",
     "rabbit://a:p@h1:5672,b:q@h2:5673/", "rabbit://a:p@h1,b@h2:5673/"),
    ("mysql+pymysql://{username}:{password}@{hostname}/nova_cell1?{query}",
     "mysql+pymysql://nova:pw@db/nova?charset=utf8",
     "mysql+pymysql://nova:pw@db/nova_cell1?charset=utf8"),
    ("{scheme}://{hostname}/{path}_cell1", "postgresql://db/nova", "postgresql://db/nova_cell1"),
])
def test_templates_are_filled_from_the_default(template, default, expected):
    assert format_url(template, default) == expected


@pytest.mark.parametrize("url, default", [
    ("rabbit://u:p@h/", "rabbit://x:y@z/"),            # no template at all
    ("rabbit://{username}@h/", None),                  # nothing to fill from
    ("rabbit://u:pa{ss@h/", "rabbit://x:y@z/"),        # a brace in a password
    ("rabbit://{nosuchthing}@h/", "rabbit://x:y@z/"),  # unknown variable
])
def test_urls_that_are_no_template_stay_as_stored(url, default):
    assert format_url(url, default) == url
