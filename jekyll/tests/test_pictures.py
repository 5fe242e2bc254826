"""A Jekyll site's pictures come along: stored once, the posts' text pointed at them, served; what cannot
come is reported by post and path; an export writes them back and importing that again changes nothing."""

import io
import os

import pytest
from django.core.files.storage import default_storage
from PIL import Image as PillowImage

from blog.models import Image, Post
from jekyll import exporter, importer
from jekyll.tests.helpers import outcomes, write

pytestmark = pytest.mark.django_db


def picture(width=900, height=600, kind="JPEG", colour=(180, 140, 120)) -> bytes:
    out = io.BytesIO()
    PillowImage.new("RGB", (width, height), colour).save(out, format=kind)
    return out.getvalue()


BODY = """A post with pictures.

![A window]({{ site.baseurl }}/images/window.jpg)

![The same window, again](/blog/images/window.jpg "with a title")

![A fern][fern]

Some text, then a picture written in HTML: <img src="/images/tea%20cup.png" alt="Tea">

![Beside me](beside.gif)

![Gone](/images/gone.jpg)

![Far away](https://photos.example.net/far.jpg)

![Not a picture](/images/notes.txt.jpg)

![Up and out](../../../../etc/passwd.jpg)

[fern]: <../assets/fern.jpg>
"""


@pytest.fixture
def site(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    root = tmp_path / "site"
    write(root, "_config.yml", "baseurl: /blog\n")
    write(root, "_posts/2024-03-02-pictures.md", f"---\ntitle: Pictures\n---\n{BODY}")
    write(root, "images/window.jpg", picture())
    write(root, "images/tea cup.png", picture(400, 300, "PNG", (90, 120, 100)))
    write(root, "assets/fern.jpg", picture(600, 800, colour=(60, 110, 70)))
    write(root, "_posts/beside.gif", picture(64, 64, "GIF"))
    write(root, "images/notes.txt.jpg", b"not really a picture")
    return root


def test_local_pictures_are_stored_once_and_the_text_points_at_them(site, client):
    report = importer.import_paths([site])
    outcome = outcomes(report)["2024-03-02-pictures.md"]
    assert outcome.outcome == "created"
    post = Post.objects.get(slug="pictures")
    assert Image.objects.count() == 4  # the window once, though the post shows it twice
    window = Image.objects.get(source_path="images/window.jpg")
    assert post.body.count(f"]({window.path}") == 2
    assert f'<img src="{Image.objects.get(source_path="images/tea cup.png").path}" alt="Tea">' in post.body
    assert f"[fern]: <{Image.objects.get(source_path='assets/fern.jpg').path}>" in post.body
    assert f"![Beside me]({Image.objects.get(source_path='_posts/beside.gif').path})" in post.body
    assert all(image.source == "import" for image in Image.objects.all())
    # What could not come is named by path, and stays as written.
    assert "picture not found in the folder: /images/gone.jpg" in outcome.warnings
    assert "picture hosted elsewhere, linked rather than shown: https://photos.example.net/far.jpg" in outcome.warnings
    assert any(w.startswith("picture refused") and "/images/notes.txt.jpg" in w for w in outcome.warnings)
    assert "picture not found in the folder: ../../../../etc/passwd.jpg" in outcome.warnings
    # Served, sized, and the missing one a quiet placeholder.
    page = client.get(post.get_absolute_url()).content.decode()
    assert f'src="{window.path}" alt="A window" width="900" height="600"' in page
    assert '<span class="image-missing">Picture: Gone</span>' in page
    assert client.get(window.path).status_code == 200


def test_importing_again_changes_nothing(site):
    importer.import_paths([site])
    body = Post.objects.get(slug="pictures").body
    again = importer.import_paths([site])
    assert outcomes(again)["2024-03-02-pictures.md"].outcome == "unchanged"
    assert Post.objects.get(slug="pictures").body == body
    assert Image.objects.count() == 4


def test_a_dry_run_stores_no_picture(site):
    report = importer.import_paths([site], dry_run=True)
    assert outcomes(report)["2024-03-02-pictures.md"].outcome == "created"
    assert Image.objects.count() == 0 and Post.objects.count() == 0


def test_a_link_out_of_the_folder_is_not_followed(site, tmp_path):
    outside = tmp_path / "outside.jpg"
    outside.write_bytes(picture(colour=(1, 2, 3)))
    os.symlink(outside, site / "images" / "gone.jpg")
    outcome = outcomes(importer.import_paths([site]))["2024-03-02-pictures.md"]
    assert "picture not found in the folder: /images/gone.jpg" in outcome.warnings
    assert not Image.objects.filter(source_path__contains="gone").exists()


def test_export_writes_the_pictures_back_and_the_round_trip_holds(site, tmp_path):
    importer.import_paths([site])
    post = Post.objects.get(slug="pictures")
    out = tmp_path / "export"
    exporter.export_posts(out)
    exported = (out / "2024-03-02-pictures.md").read_text()
    assert "/media/" not in exported
    window = Image.objects.get(source_path="images/window.jpg")
    copy = out / "assets" / "images" / window.name.rsplit("/", 1)[-1]
    with default_storage.open(window.name, "rb") as stored:
        assert copy.read_bytes() == stored.read()
    assert f"/assets/images/{copy.name}" in exported
    # The export imported into the same site finds every picture it already has: nothing changes.
    again = importer.import_paths([out])
    assert outcomes(again)["2024-03-02-pictures.md"].outcome == "unchanged"
    assert Image.objects.count() == 4
    assert Post.objects.get(pk=post.pk).body == post.body
