"""The upload form: Markdown files or one zip, checked here so that a bad upload is a form error (a 400)."""

from django import forms

from imports.uploads import Upload, UploadRefused, from_markdown, from_zip, is_zip


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern): the cleaned value is a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".zip,.md,.markdown,.html"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            raise forms.ValidationError("Choose the files to import.", code="required")
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="Files to import",
        help_text="Markdown files (.md, .markdown, .html), or one .zip of a Jekyll site with its pictures.",
    )
    # Made when the form is shown: submitting the same form twice finds the first import.
    token = forms.UUIDField(widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        files = cleaned.get("files")
        if not files:
            return cleaned
        try:
            cleaned["upload"] = self._upload(files)
        except UploadRefused as error:
            self.add_error("files", str(error))
        return cleaned

    @staticmethod
    def _upload(files) -> Upload:
        zips = [upload for upload in files if is_zip(upload.name, _head(upload))]
        if zips and len(files) > 1:
            raise UploadRefused("Upload one zip on its own, or Markdown files without a zip.")
        if zips:
            return from_zip(name=zips[0].name, data=_read(zips[0]))
        return from_markdown([(upload.name, _read(upload)) for upload in files])


def _head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    return head


def _read(upload) -> bytes:
    upload.seek(0)
    return upload.read()
