"""The production static storage: hashed URLs from the manifest, each worked out once."""

import pytest

from clinic.static_storage import StaticStorage


@pytest.fixture
def storage(tmp_path, settings):
    settings.DEBUG = False
    storage = StaticStorage(location=tmp_path, base_url="/static/")
    storage.hashed_files = {"css/app.css": "css/app.0123abcd.css"}
    return storage


def test_a_name_gets_its_hashed_url_every_time(storage):
    assert storage.url("css/app.css") == "/static/css/app.0123abcd.css"
    assert storage.url("css/app.css") == "/static/css/app.0123abcd.css"


def test_a_file_missing_from_the_manifest_is_an_error_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")
