"""Fetching a signal from a URL: a timeout and a size cap, never a hang."""

import requests
from django.utils.translation import gettext as _

from gridalerts.ecowatt import MAX_BYTES, EcowattError

TIMEOUT_SECONDS = 10


def fetch_signal(url: str) -> bytes:
    """The body at `url` (http or https), at most MAX_BYTES; EcowattError otherwise."""
    if not url.startswith(("https://", "http://")):
        raise EcowattError([_("Adresse http(s) attendue : %(url)s") % {"url": url}])
    try:
        with requests.get(url, timeout=TIMEOUT_SECONDS, stream=True) as answer:
            answer.raise_for_status()
            body = b""
            for chunk in answer.iter_content(chunk_size=16384):
                body += chunk
                if len(body) > MAX_BYTES:
                    raise EcowattError([_("Fichier trop gros (512 Ko au plus).")])
    except requests.RequestException as error:
        raise EcowattError(
            [_("Signal injoignable : %(error)s") % {"error": error}]
        ) from None
    return body
