"""`python -m config.server` loads the site, then keeps it out of the
collector's full passes (issue 14: a full pass stopped every socket's frames)."""

import gc

import pytest

from config import server


def test_the_loaded_application_is_frozen_out_of_the_collector():
    gc.unfreeze()
    try:
        application = server.load_application("config.asgi:application")
        from config.asgi import application as site

        assert application is site
        assert gc.get_freeze_count() > 100_000
    finally:
        gc.unfreeze()


def test_an_application_that_does_not_load_stops_the_start():
    with pytest.raises(SystemExit) as stopped:
        server.load_application("config.nowhere:application")
    assert stopped.value.code == 3


def test_uvicorn_loads_the_application_through_it_in_each_process():
    config = server.uvicorn_config(server.parse_arguments(["--fd", "0"]))
    assert config.factory
    assert config.app.func is server.load_application
    assert config.app.args == (server.APPLICATION,)
