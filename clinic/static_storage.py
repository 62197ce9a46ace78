"""Production static files: whitenoise's compressed, hashed files, with each URL worked out once.

Once the manifest is loaded, the URL of a name never changes for the life of the process, but
`url()` works it out again for every `{% static %}` (manifest lookup, URL quoting and joining:
about a dozen times per page). The answers are kept in a dict per storage object.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name)  # a missing file raises: not kept
            return url
