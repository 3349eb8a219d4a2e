"""Bad input: a clear French error, nothing written, nothing typed lost."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from feeds.models import Comment, Post, PostImage
from realtime.models import Event
from tests.feeds.conftest import jpeg_with_gps, key, png, post_as

pytestmark = pytest.mark.django_db


def _post(client, **data):
    data.setdefault("where", "town")
    data.setdefault("client_key", key())
    return client.post(reverse("feeds:create"), data)


def test_over_long_text_keeps_what_was_typed(client, member):
    client.force_login(member.user)
    typed = "Mon long message " * 400
    response = _post(client, body=typed, content_warning="Long")
    body = response.content.decode()
    assert response.status_code == 400
    assert "5000" in body and "Le formulaire n'a pas été enregistré" in body
    assert typed.strip()[:200] in body
    assert 'value="Long"' in body
    assert Post.objects.count() == 0 and Event.objects.count() == 0


def test_too_many_and_invalid_images_are_refused(client, member):
    client.force_login(member.user)
    response = _post(
        client, body="Cinq photos", images=[jpeg_with_gps() for _ in range(5)]
    )
    assert response.status_code == 400
    assert "4 images au plus" in response.content.decode()
    fake = SimpleUploadedFile("photo.jpg", b"pas une image", "image/jpeg")
    response = _post(client, body="Une fausse photo", images=[fake])
    body = response.content.decode()
    assert response.status_code == 400
    assert "pas une image lisible" in body and "Une fausse photo" in body
    assert "choisissez de nouveau vos images" in body
    assert Post.objects.count() == 0 and PostImage.objects.count() == 0


def test_an_oversized_image_is_refused(client, member, settings):
    settings.SMARTCITIZEN = {**settings.SMARTCITIZEN, "POST_IMAGE_MAX_BYTES": 1024}
    client.force_login(member.user)
    response = _post(client, body="Trop lourde", images=[jpeg_with_gps()])
    assert response.status_code == 400
    assert "taille maximale" in response.content.decode()
    assert Post.objects.count() == 0


def test_an_unknown_or_foreign_target_is_a_form_error(client, member, stranger):
    client.force_login(member.user)
    foreign = stranger.household.neighbourhood_id
    for where in ("neighbourhood:999999", f"neighbourhood:{foreign}", "challenge:1"):
        response = _post(client, body="Où ça ?", where=where)
        assert response.status_code == 400, where
        assert "Où ça ?" in response.content.decode()
    assert Post.objects.count() == 0


def test_images_are_reencoded_without_exif_with_a_thumbnail(client, member):
    client.force_login(member.user)
    response = _post(client, body="Mon potager", images=[jpeg_with_gps(), png()])
    assert response.status_code == 302
    images = list(PostImage.objects.order_by("position"))
    assert len(images) == 2
    for image in images:
        for field in (image.image, image.thumbnail):
            field.open()
            with Image.open(io.BytesIO(field.read())) as stored:
                assert stored.format == "JPEG"
                assert not stored.getexif()
                assert "exif" not in stored.info
        # The uploaded name (which may say who or where) is not kept.
        assert "chez_moi" not in image.image.name
    assert (images[0].width, images[0].height) == (1200, 900)
    with Image.open(images[0].thumbnail) as thumb:
        assert max(thumb.size) == 480


def test_comment_errors_keep_the_text_and_write_nothing(client, member, neighbour):
    post = post_as(neighbour, "Sujet")
    client.force_login(member.user)
    url = reverse("feeds:comment", args=[post.pk])
    typed = "Un avis " * 300
    response = client.post(url, {"body": typed, "client_key": key()})
    assert response.status_code == 400
    assert typed.strip()[:100] in response.content.decode()
    response = client.post(url, {"body": "Réponse", "client_key": key(), "parent": 99})
    assert response.status_code == 400
    assert "n&#x27;existe plus" in response.content.decode()
    assert Comment.objects.count() == 0


def test_commenting_too_fast_is_refused_in_french(client, member, neighbour):
    member.town.comment_rate = 2  # the town's « Réglages »
    member.town.save(update_fields=["comment_rate"])
    post = post_as(neighbour, "Sujet")
    client.force_login(member.user)
    url = reverse("feeds:comment", args=[post.pk])
    for number in range(2):
        client.post(url, {"body": f"Avis {number}", "client_key": key()})
    response = client.post(url, {"body": "Encore un avis", "client_key": key()})
    body = response.content.decode()
    assert response.status_code == 400
    assert "attendez un peu" in body and "Encore un avis" in body
    assert Comment.objects.count() == 2


def test_an_unknown_reaction_changes_nothing(client, member, neighbour):
    post = post_as(neighbour, "Sujet")
    client.force_login(member.user)
    response = client.post(
        reverse("feeds:react", args=[post.pk]), {"kind": "<b>bof</b>"}, follow=True
    )
    assert "Réaction inconnue" in response.content.decode()
    assert not post.reactions.exists()
