"""Pictures: accepted only when they decode, cleaned, stored once, resized, served safely, shown calmly.

The storage tests run twice: against files under a temporary media folder and against a real S3 API
server (moto's, started on 127.0.0.1); the code under test only knows Django's storage API.
"""

import io
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image as PillowImage

from blog import images
from blog.image_html import present_images
from blog.models import Image
from blog.tests.factories import PostFactory
from blog.tests.media_servers import BUCKET, s3_server, s3_storage_settings

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def s3_endpoint():
    with s3_server() as (endpoint, client):
        yield endpoint, client


# The S3 half starts moto's server: `make test` runs it, `make test-fast` leaves it out.
@pytest.fixture(params=["files", pytest.param("s3", marks=pytest.mark.server)])
def media(request, settings, tmp_path):
    """Media storage for one test: a private folder, or the S3 server's bucket."""
    if request.param == "files":
        settings.MEDIA_ROOT = tmp_path / "media"
        settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    else:
        endpoint, _client = request.getfixturevalue("s3_endpoint")
        settings.STORAGES = {**settings.STORAGES, "default": s3_storage_settings(endpoint)}
    return request.param


def picture(width=1200, height=800, kind="JPEG", **save) -> bytes:
    out = io.BytesIO()
    PillowImage.new("RGB", (width, height), (200, 120, 90)).save(out, format=kind, **save)
    return out.getvalue()


def jpeg_with_gps_and_orientation() -> bytes:
    exif = PillowImage.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPS position
    exif[0x010F] = "Camera maker"
    return picture(1000, 600, exif=exif.tobytes())


def png_bomb_header(width=50_000, height=50_000) -> bytes:
    """A tiny PNG that claims 50,000 × 50,000 pixels (2.5 gigapixels once decoded)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 100_000, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def many_frames_gif(frames=400) -> bytes:
    out = io.BytesIO()
    first, *rest = [PillowImage.new("RGB", (4, 4), (n % 256, n // 256 * 60, 0)) for n in range(frames)]
    first.save(out, format="GIF", save_all=True, append_images=rest)
    return out.getvalue()


def read_back(name: str) -> PillowImage.Image:
    with default_storage.open(name, "rb") as handle:
        image = PillowImage.open(io.BytesIO(handle.read()))
        image.load()
        return image


class TestStoring:
    def test_metadata_is_stripped_and_orientation_applied(self, media):
        stored = images.store_image(data=jpeg_with_gps_and_orientation(), alt_text="A field")
        assert (stored.width, stored.height) == (600, 1000)  # turned upright
        back = read_back(stored.name)
        assert back.size == (600, 1000)
        exif = back.getexif()
        assert 0x8825 not in exif and 0x010F not in exif and 0x0112 not in exif
        assert "exif" not in back.info

    def test_resized_copies_for_common_widths_never_upscaled(self, media):
        wide = images.store_image(data=picture(2000, 1000))
        assert wide.widths == [480, 960, 1600]
        for width in wide.widths:
            assert read_back(wide.rendition_name(width)).size == (width, width // 2)
        small = images.store_image(data=picture(700, 400))
        assert small.widths == [480]
        tiny = images.store_image(data=picture(300, 200, kind="PNG"))
        assert tiny.widths == [] and tiny.format == "png"

    def test_the_same_picture_is_stored_once(self, media):
        data = picture(600, 400)
        first = images.store_image(data=data, alt_text="Once")
        again = images.store_image(data=data, alt_text="Twice")
        assert again.pk == first.pk and Image.objects.count() == 1
        assert first.name.startswith(f"images/{first.sha256[:2]}/{first.sha256[:24]}")

    # Each file is made by its test, not when the module is imported (the 400-frame GIF took a tenth of a
    # second of every test process's collection).
    @pytest.mark.parametrize(
        "make, reason",
        [
            (lambda: b"<?php system($_GET['c']); ?>", "not an image we can read"),
            (lambda: picture()[:2000], "damaged"),
            (png_bomb_header, "40 megapixels"),
            (
                lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                "not an image we can read",
            ),
            (many_frames_gif, "frames"),
            (lambda: picture(kind="BMP"), "not accepted"),
            (lambda: b"", "empty"),
        ],
        ids=["php-named-jpg", "truncated-jpeg", "png-bomb", "svg-with-script", "gif-many-frames", "bmp", "empty"],
    )
    def test_hostile_files_are_refused_with_a_reason_and_nothing_is_stored(self, media, make, reason):
        data = make()
        with pytest.raises(images.ImageRejected, match=reason):
            images.store_image(data=data)
        assert Image.objects.count() == 0

    def test_more_than_twenty_megabytes_is_refused_before_decoding(self, media):
        with pytest.raises(images.ImageRejected, match="up to 20 MB"):
            images.store_image(data=b"\xff\xd8" + b"\0" * (images.MAX_BYTES + 1))


class TestServing:
    def test_a_stored_picture_is_served_immutable_with_its_type_and_etag(self, media, client):
        stored = images.store_image(data=picture(), alt_text="Served")
        response = client.get(stored.path)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "immutable" in response["Cache-Control"] and "max-age=31536000" in response["Cache-Control"]
        body = b"".join(response.streaming_content)
        assert PillowImage.open(io.BytesIO(body)).size == (1200, 800)
        again = client.get(stored.path, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304
        assert client.get(f"/media/{stored.rendition_name(960)}").status_code == 200

    @pytest.mark.slow
    @pytest.mark.parametrize(
        "path",
        [
            "/media/../config/settings.py",
            "/media/images/../../db.sqlite3",
            "/media/%2e%2e/%2e%2e/etc/passwd",
            "/media/images/",
            "/media/",
            "/media/images/ab/notahash.jpg",
            "/media/images/ab/0123456789abcdef01234567.php",
            "/media/images/ab/0123456789abcdef01234567.jpg",  # well formed, but nothing stored
        ],
    )
    def test_nothing_outside_the_stored_pictures_is_reachable(self, media, client, path):
        images.store_image(data=picture())
        assert client.get(path).status_code == 404

    def test_only_get_and_head(self, media, client):
        stored = images.store_image(data=picture(600, 400))
        assert client.post(stored.path).status_code == 405


class TestOnThePage:
    def test_a_stored_picture_gets_its_size_srcset_and_lazy_loading_after_the_first(self, media):
        first = images.store_image(data=picture(2000, 1000), alt_text="Stored alt")
        second = images.store_image(data=picture(800, 600, kind="PNG"), alt_text="From the library")
        post = PostFactory(body=f"![A garden]({first.path})\n\nText.\n\n![]({second.path})")
        assert f'src="{first.path}"' in post.body_html
        assert 'alt="A garden" width="2000" height="1000"' in post.body_html
        assert f"{first.rendition_name(480).join(['/media/', ''])} 480w" in post.body_html
        assert f"/media/{first.name} 2000w" in post.body_html
        assert 'sizes="(min-width: 48em) 700px, 100vw" loading="eager"' in post.body_html
        assert f'src="{second.path}" alt="From the library" width="800"' in post.body_html  # alt kept with the image
        assert post.body_html.count('loading="lazy"') == 1

    def test_a_missing_local_picture_shows_its_alt_text_quietly(self, media):
        post = PostFactory(body="![The old lighthouse](/img/lighthouse.jpg)")
        assert "<img" not in post.body_html
        assert '<span class="image-missing">Picture: The old lighthouse</span>' in post.body_html

    def test_a_picture_elsewhere_is_a_link_unless_its_host_is_allowed(self, media, settings):
        post = PostFactory(body="![Sea](https://photos.example.net/sea.jpg)")
        assert "<img" not in post.body_html
        assert (
            'href="https://photos.example.net/sea.jpg" rel="nofollow noopener noreferrer">Picture: Sea<'
            in post.body_html
        )
        settings.IMAGE_ALLOWED_HOSTS = ["photos.example.net"]
        post.save()
        assert '<img src="https://photos.example.net/sea.jpg" alt="Sea"' in post.body_html

    def test_hostile_alt_and_src_stay_inert(self, media):
        html = present_images(
            '<img src="/img/x&quot;onerror=&quot;alert(1).png" alt="&lt;script&gt;alert(1)&lt;/script&gt;">'
        )
        assert "<script" not in html and 'onerror="' not in html

    @pytest.mark.parametrize(
        "raw",
        [
            "<img src='{path}' alt='single \"quoted\" > alt'>",
            "<img src={path} alt=unquoted>",
            '<IMG ALT="a > b" SRC="{path}" onerror="alert(1)">',
            '<img alt="first" src="{path}" alt="second">',
        ],
    )
    def test_pictures_written_as_raw_html_are_found_however_they_were_quoted(self, media, raw):
        # present_images reads tags with a pattern that relies on the sanitiser writing every attribute in
        # double quotes: raw HTML in a post written any other way must still come out whole and inert.
        stored = images.store_image(data=picture(640, 480))
        post = PostFactory(body=raw.format(path=stored.path))
        assert f'src="{stored.path}"' in post.body_html
        assert 'width="640" height="480"' in post.body_html
        assert "onerror" not in post.body_html and "alert" not in post.body_html
        assert post.body_html.count("<img") == 1 and post.body_html.startswith("<p><img ")

    def test_the_public_media_url_is_used_when_set(self, media, settings):
        settings.MEDIA_PUBLIC_URL = "https://cdn.example.org/m"
        stored = images.store_image(data=picture(600, 400))
        post = PostFactory(body=f"![Cup]({stored.path})")
        assert f'src="https://cdn.example.org/m/{stored.name}"' in post.body_html


@pytest.mark.server
def test_the_s3_bucket_holds_the_files(s3_endpoint, settings):
    endpoint, client = s3_endpoint
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage_settings(endpoint)}
    stored = images.store_image(data=picture(1000, 500))
    keys = {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}
    assert {stored.name, stored.rendition_name(480), stored.rendition_name(960)} <= keys


class TestAdmin:
    @pytest.fixture
    def staff_client(self, client, django_user_model):
        client.force_login(django_user_model.objects.create_superuser(email="staff@example.org", password="pw"))
        return client

    def test_upload_with_alt_text_then_see_preview_and_use(self, media, staff_client):
        upload = io.BytesIO(picture(600, 400))
        upload.name = "garden.jpg"
        response = staff_client.post(reverse("admin:blog_image_add"), {"upload": upload, "alt_text": "A garden"})
        assert response.status_code == 302
        stored = Image.objects.get()
        assert (stored.alt_text, stored.source, stored.source_path) == ("A garden", "upload", "garden.jpg")
        post = PostFactory(title="The garden essay", body=f"![A garden]({stored.path})")
        page = staff_client.get(reverse("admin:blog_image_change", args=[stored.pk])).content.decode()
        assert f"![A garden]({stored.path})" in page and post.title in page

    def test_a_hostile_upload_is_a_form_error(self, media, staff_client):
        upload = io.BytesIO(b"<?php echo 1; ?>")
        upload.name = "shell.jpg"
        response = staff_client.post(reverse("admin:blog_image_add"), {"upload": upload, "alt_text": ""})
        assert response.status_code == 200
        assert "This file cannot be used" in response.content.decode()
        assert Image.objects.count() == 0

    def test_deleting_a_picture_in_use_is_refused_naming_the_essay(self, media, staff_client):
        stored = images.store_image(data=picture(600, 400))
        PostFactory(title="Still uses it", body=f"![x]({stored.path})")
        url = reverse("admin:blog_image_delete", args=[stored.pk])
        page = staff_client.get(url).content.decode()
        assert "Still uses it" in page
        staff_client.post(url, {"post": "yes"})
        assert Image.objects.filter(pk=stored.pk).exists()
        unused = images.store_image(data=picture(640, 480))
        staff_client.post(reverse("admin:blog_image_delete", args=[unused.pk]), {"post": "yes"})
        assert not Image.objects.filter(pk=unused.pk).exists()


def test_a_pictures_stand_in_never_becomes_the_excerpt(media):
    post = PostFactory(
        body="![The old lighthouse](/img/lighthouse.jpg)\n\nThe sea was calm. ![Sea](https://x.example/s.jpg)"
    )
    assert post.excerpt == "The sea was calm."


def test_a_linked_picture_elsewhere_becomes_words_inside_the_link(media):
    post = PostFactory(body="[![foo](https://photos.example.net/a.jpg)](https://example.net/album)")
    assert '<a href="https://example.net/album"' in post.body_html
    assert '<span class="image-elsewhere">Picture: foo</span></a>' in post.body_html
    assert post.body_html.count("<a ") == 1


def test_the_sites_own_static_pictures_are_shown_as_written(media):
    post = PostFactory(body="![A circle](/static/img/favicon.svg){width=360 height=360}\n\n![Later](/static/img/b.png)")
    first = '<img src="/static/img/favicon.svg" alt="A circle" width="360" height="360" loading="eager"'
    assert first in post.body_html
    assert '<img src="/static/img/b.png" alt="Later" loading="lazy"' in post.body_html
