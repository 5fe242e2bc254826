"""Zips for the import tests (and the browser test): a small Jekyll site, and hostile ones made by hand."""

import io
import stat
import uuid
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PillowImage


def post_text(title: str, date: str = "", body: str = "A quiet paragraph.", **front) -> str:
    lines = [f'title: "{title}"'] + ([f"date: {date}"] if date else []) + [f"{k}: {v}" for k, v in front.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body + "\n"


def picture() -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", (40, 30), (120, 160, 140)).save(buffer, "PNG")
    return buffer.getvalue()


def zip_bytes(entries: dict[str, bytes | str], *, date_time=(2024, 5, 6, 7, 8, 9)) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name, data in entries.items():
            bundle.writestr(zipfile.ZipInfo(name, date_time=date_time), data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def site_entries() -> dict[str, bytes | str]:
    """A small Jekyll site: two posts (one with a picture), a draft, its configuration and the picture."""
    return {
        "my-site/_config.yml": "title: My old blog\npermalink: /:year/:month/:title/\n",
        "my-site/_posts/2024-01-02-morning-light.md": post_text("Morning light", tags="[Rest, Mornings]"),
        "my-site/_posts/2024-02-03-the-garden.md": post_text(
            "The garden", body="Out among the beans.\n\n![Bean rows](/images/beans.png)"
        ),
        "my-site/_drafts/not-yet.md": post_text("Not yet"),
        "my-site/images/beans.png": picture(),
    }


def site_zip() -> bytes:
    return zip_bytes(site_entries())


def symlink_zip(name: str = "my-site/_posts/2024-01-01-link.md", target: str = "/etc/passwd") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        info = zipfile.ZipInfo(name)
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        bundle.writestr(info, target)
    return buffer.getvalue()


def with_declared_size(data: bytes, size: int) -> bytes:
    """The zip with its (one) entry's unpacked size in the central directory changed to ``size``."""
    at = data.rfind(b"PK\x01\x02")
    return data[: at + 24] + size.to_bytes(4, "little") + data[at + 28 :]


def stored_uploads() -> list[str]:
    """Every file in the private imports storage (its folders stay)."""
    from imports.services import storage

    found, folders = [], [""]
    while folders:
        folder = folders.pop()
        subfolders, files = storage().listdir(folder)
        found += [f"{folder}/{name}".lstrip("/") for name in files]
        folders += [f"{folder}/{name}".lstrip("/") for name in subfolders]
    return found


def upload(client, *files: tuple[str, bytes], token: uuid.UUID | None = None):
    """Post files to the import form as a browser would."""
    sent = [SimpleUploadedFile(name, data) for name, data in files]
    return client.post(reverse("admin:imports_importrun_add"), {"files": sent, "token": str(token or uuid.uuid4())})
