"""Hostile and broken zips are refused before anything is unpacked: a form error (400), never a 500, no run."""

import html
import io
import zipfile

import pytest

from imports import archive
from imports.models import ImportRun
from imports.tests.helpers import site_entries, symlink_zip, upload, with_declared_size, zip_bytes


def many_files(count: int) -> bytes:
    return zip_bytes({f"_posts/2024-01-01-p{n}.md": "" for n in range(count)})


def bomb() -> bytes:
    return zip_bytes({"_posts/2024-01-01-big.md": b"\0" * (3 * 1024 * 1024)})


def non_utf8_flagged() -> bytes:
    data = zip_bytes({"_posts/caf\u00e9.md": "x"})
    # The name is UTF-8 with the UTF-8 flag: spoil its bytes where they are written (local header and directory).
    return data.replace("caf\u00e9".encode(), b"caf\xff\xfe")


# Each zip is made by its test, not when the module is imported: the 10,000 entries and the bomb cost
# every run that collects this module (make test-fast too, which leaves the slow test out).
HOSTILE = {
    "zip-slip": (lambda: zip_bytes({"../../etc/cron.d/evil": "x"}), "climbs out of the zip's folder"),
    "zip-slip-deep": (lambda: zip_bytes({"site/_posts/../../../x.md": "x"}), "climbs out of the zip's folder"),
    "zip-slip-backslash": (lambda: zip_bytes({"..\\..\\evil.md": "x"}), "climbs out of the zip's folder"),
    "absolute": (lambda: zip_bytes({"/etc/passwd": "x"}), "is an absolute path"),
    "drive": (lambda: zip_bytes({"C:/Windows/evil.md": "x"}), "is an absolute path"),
    "symlink": (symlink_zip, "is a link"),
    "bomb": (bomb, "as zip bombs do"),
    "declared 1 GB": (
        lambda: with_declared_size(zip_bytes({"_posts/2024-01-01-a.md": "x"}), 1 << 30),
        "1,073,741,824 bytes",
    ),
    "10,000 files": (lambda: many_files(10_000), "10,000 entries"),
    "not a zip": (lambda: b"PK\x03\x04 this is not really a zip at all" * 10, "not a zip file"),
    "truncated": (lambda: zip_bytes(site_entries())[:-30], "not a zip file"),
    "control character": (lambda: zip_bytes({"_posts/a\x07b.md": "x"}), "control character"),
    "bad UTF-8 name": (non_utf8_flagged, "not a zip file"),
}


@pytest.mark.slow
@pytest.mark.parametrize("make,message", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_or_broken_zip_is_a_form_error_and_starts_nothing(editor_client, settings, make, message):
    response = upload(editor_client, ("site.zip", make()))
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert not ImportRun.objects.exists()
    assert not (settings.STORAGES["imports"]["OPTIONS"]["location"]).exists()


def test_too_large_a_zip_is_a_form_error(editor_client, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    response = upload(editor_client, ("site.zip", zip_bytes(site_entries())))
    assert response.status_code == 400
    assert "uploads may be up to" in html.unescape(response.content.decode())


def test_too_much_unpacked_in_all_is_refused(settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 1000
    with pytest.raises(archive.ArchiveRefused, match="unpacks to over"):
        archive.inspect(io.BytesIO(zip_bytes({"a.md": "x" * 600, "b.md": "y" * 600})))


def test_an_end_record_claiming_too_many_entries_is_refused_before_python_reads_the_directory(settings):
    settings.IMPORT_MAX_FILES = 3
    with pytest.raises(archive.ArchiveRefused, match="4 entries"):
        archive.inspect(io.BytesIO(many_files(4)))


def test_a_file_twice_or_a_file_where_a_folder_is_needed_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle, pytest.warns(UserWarning, match="Duplicate"):
        bundle.writestr("a.md", "1")
        bundle.writestr("a.md", "2")
    with pytest.raises(archive.ArchiveRefused, match="twice"):
        archive.inspect(io.BytesIO(buffer.getvalue()))
    with pytest.raises(archive.ArchiveRefused, match="needs a folder"):
        archive.inspect(io.BytesIO(zip_bytes({"a": "1", "a/b.md": "2"})))


def test_extraction_stops_a_zip_that_unpacks_to_more_than_it_declares(tmp_path):
    honest = zip_bytes({"_posts/2024-01-01-a.md": "x" * 5000})
    (tmp_path / "lying.zip").write_bytes(with_declared_size(honest, 10))
    (tmp_path / "out").mkdir()
    with pytest.raises(archive.ArchiveRefused):
        archive.extract(tmp_path / "lying.zip", tmp_path / "out")


def test_names_that_are_not_utf8_are_read_as_the_zip_format_says_and_extracted_inside(tmp_path):
    data = zip_bytes({"_posts/2024-01-01-cafX.md": "x"}).replace(b"cafX", b"caf\xe9")
    (tmp_path / "old.zip").write_bytes(data)
    (tmp_path / "out").mkdir()
    listing = archive.extract(tmp_path / "old.zip", tmp_path / "out")
    [entry] = listing.files
    assert entry.path.name == "2024-01-01-caf\u0398.md"  # code page 437's reading of byte 0xE9
    assert (tmp_path / "out" / "_posts" / "2024-01-01-caf\u0398.md").read_text() == "x"


def test_nested_zips_and_macos_copies_are_never_extracted(tmp_path):
    inner = zip_bytes({"_posts/2024-01-01-inner.md": "x"})
    data = zip_bytes({"_posts/2024-01-01-a.md": "x", "old/site.zip": inner, "__MACOSX/_posts/._a.md": "x"})
    (tmp_path / "z.zip").write_bytes(data)
    (tmp_path / "out").mkdir()
    listing = archive.extract(tmp_path / "z.zip", tmp_path / "out")
    assert listing.skipped == ["old/site.zip"]
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.*")) == [
        "_posts/2024-01-01-a.md"
    ]
