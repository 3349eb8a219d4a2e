import io

from axes.models import AccessAttempt
from django.urls import reverse
from PIL import Image

from tests.factories import PASSWORD, NeighbourhoodFactory, make_member, make_town

LOGIN_URL = reverse("login")


def test_a_member_logs_in_with_their_email_and_out_again(client, member):
    response = client.post(
        LOGIN_URL, {"username": member.user.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("profile")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("profile")).status_code == 302


def test_a_wrong_password_says_so(client, member):
    response = client.post(LOGIN_URL, {"username": member.user.email, "password": "x"})
    assert "Adresse e-mail ou mot de passe incorrect" in response.content.decode()


def test_repeated_failures_lock_the_account_for_a_while(client, member, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN_URL, {"username": member.user.email, "password": "mauvais"})
    # Even the right password is refused while the lock lasts.
    response = client.post(
        LOGIN_URL, {"username": member.user.email, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "Connexion bloquée" in response.content.decode()
    assert client.get(reverse("profile")).status_code == 302


def test_a_member_of_another_town_cannot_log_in_here(client, town):
    elsewhere = make_town("Autreville", hostname="autreville.test")
    stranger = make_member(
        elsewhere, neighbourhood=NeighbourhoodFactory(town=elsewhere)
    )
    response = client.post(
        LOGIN_URL, {"username": stranger.user.email, "password": PASSWORD}
    )
    assert "Ce compte appartient à une autre commune" in response.content.decode()


def test_password_reset_sends_a_link_that_works(client, member, mailoutbox):
    client.post(reverse("password_reset"), {"email": member.user.email})
    assert len(mailoutbox) == 1
    link = next(
        line
        for line in mailoutbox[0].body.splitlines()
        if "/compte/mot-de-passe/" in line
    )
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    new_password = "un-autre-mot-de-passe-solide"
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    member.user.refresh_from_db()
    assert member.user.check_password(new_password)


def photo_with_gps(size=(1200, 800)) -> io.BytesIO:
    image = Image.new("RGB", size, (30, 120, 60))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    out.name = "IMG_0001.jpg"
    out.seek(0)
    return out


def test_a_profile_photo_is_resized_and_stripped_of_its_exif(client, member):
    client.force_login(member.user)
    upload = photo_with_gps()
    assert Image.open(upload).getexif()  # the fixture really carries EXIF
    upload.seek(0)

    response = client.post(
        reverse("profile"),
        {"display_name": "Anne Bis", "preferred_language": "fr", "avatar": upload},
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name == "Anne Bis"
    with member.avatar.open("rb") as stored, Image.open(stored) as image:
        assert image.size == (256, 256)
        assert not image.getexif()
        assert "exif" not in image.info
    assert "IMG_0001" not in member.avatar.name


def test_a_file_that_is_not_a_picture_changes_nothing(client, member):
    client.force_login(member.user)
    fake = io.BytesIO(b"%PDF-1.4 not a picture at all")
    fake.name = "photo.jpg"
    response = client.post(
        reverse("profile"),
        {"display_name": "Nouveau nom", "preferred_language": "fr", "avatar": fake},
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    member.refresh_from_db()
    assert member.display_name != "Nouveau nom"
    assert not member.avatar


def test_a_name_too_long_for_the_lockout_table_is_a_failed_login(client, member):
    # Django's AuthenticationForm (Wagtail's `_util/login/`, the admin's login)
    # checks no length: a name past axes' varchar(255) column was a 500.
    response = client.post(
        reverse("wagtailcore_login"), {"username": "é" * 300, "password": "x"}
    )
    assert response.status_code == 200
    assert "et un mot de passe valides" in response.content.decode()
    assert client.get(reverse("profile")).status_code == 302
    # Counted under the name cut to the column, like any failed login.
    assert [len(a.username) for a in AccessAttempt.objects.all()] == [255]


def test_our_login_refuses_a_name_too_long_in_french(client, member):
    response = client.post(LOGIN_URL, {"username": "a" * 10_000, "password": "x"})
    assert response.status_code == 200
    assert "au plus 150 caractères" in response.content.decode()
    # The form refused it before any authentication: nothing was recorded.
    assert not AccessAttempt.objects.exists()
