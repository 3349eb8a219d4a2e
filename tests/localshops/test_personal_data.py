"""« Mes données » holds the household's local purchases and their receipts;
the household's erasure removes both."""

import io
import json
import zipfile

import pytest
from django.core.files.storage import storages

from localshops import actions
from localshops.models import LocalPurchase
from mydata.actions import exports
from mydata.actions.deletion import DeletionMode, check_delete_account
from tests.factories import PASSWORD
from tests.localshops.conftest import jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture
def purchase(resident, shops) -> LocalPurchase:
    return actions.check_log_local_purchase(
        resident,
        business_id=shops["garden"].pk,
        receipt=jpeg(),
        client_key="cle-donnees-1",
    ).purchase


def test_the_archive_holds_the_purchases_and_their_receipts(resident, purchase):
    export = exports.do_build_export(exports.check_request_export(resident).pk)
    with storages["exports"].open(export.file_name, "rb") as handle:
        zipped = zipfile.ZipFile(io.BytesIO(handle.read()))
    [row] = json.loads(zipped.read("achats-locaux.json"))
    assert row["business_name"] == "Les Jardins de la Lys"
    assert row["points_awarded"] == purchase.points_awarded
    stored = storages["exports"].open(purchase.receipt.name).read()
    assert zipped.read(row["ticket"]) == stored


def test_the_households_erasure_removes_purchases_and_receipts(
    resident, purchase, django_capture_on_commit_callbacks
):
    name = purchase.receipt.name
    assert storages["exports"].exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        check_delete_account(resident, password=PASSWORD, mode=DeletionMode.REMOVE)
    assert not LocalPurchase.objects.exists()
    assert not storages["exports"].exists(name)
