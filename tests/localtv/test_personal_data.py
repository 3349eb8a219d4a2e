"""« Mes données »: a member's videos in the archive; erased with the account
when they choose to remove their content."""

import pytest
from django.core.files.storage import default_storage

from common.archive import Archive
from localtv.models import VideoPage
from localtv.personal_data import export_member
from mydata.actions.deletion import DeletionMode, check_delete_account
from tests.factories import PASSWORD
from tests.localtv.helpers import publish_video

pytestmark = pytest.mark.django_db


def test_the_archive_holds_the_members_videos_and_their_files(channel, member, samples):
    video = publish_video(channel, "Mon compost", samples.good, author=member)
    archive = Archive()
    export_member(member, archive)
    (entry,) = archive.documents["videos.json"]["videos"]
    assert entry["titre"] == "Mon compost" and entry["publiee"] is True
    assert (entry["video"], video.video.name) in archive.files
    assert (entry["sous_titres"], video.captions.name) in archive.files


def test_remove_mode_deletes_the_videos_and_their_files(
    channel, member, samples, django_capture_on_commit_callbacks
):
    video = publish_video(channel, "Mon compost", samples.good, author=member)
    files = [video.video.name, video.captions.name]
    assert all(default_storage.exists(name) for name in files)
    with django_capture_on_commit_callbacks(execute=True):
        check_delete_account(member, password=PASSWORD, mode=DeletionMode.REMOVE)
    assert not VideoPage.objects.filter(pk=video.pk).exists()
    assert not any(default_storage.exists(name) for name in files)


def test_anonymise_mode_credits_the_former_member(channel, member, samples):
    video = publish_video(channel, "Mon compost", samples.good, author=member)
    check_delete_account(member, password=PASSWORD, mode=DeletionMode.ANONYMISE)
    video.refresh_from_db()
    assert video.live and video.author.is_former_member
