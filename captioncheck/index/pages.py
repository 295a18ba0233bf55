"""Index the article images of a saved page, with their captions and the page's date and address.

This is how an archive of agency or newsroom photos is built from pages saved as "Webpage,
Complete" or MHTML: extraction is helper-owned (`captioncheck.extract`), this only stores.
"""

from __future__ import annotations

from pathlib import Path

from captioncheck._exceptions import CaptionCheckError
from captioncheck.index.photoindex import PhotoIndex, PhotoMeta


def add_page_images(index: PhotoIndex, page: str | Path, *, url: str | None = None,
                    all_images: bool = False) -> tuple[list[int], list[tuple[str, str]]]:
    """Add each article image with a local copy; returns (photo ids, [(image url, why skipped)])."""
    from captioncheck.extract import extract
    from captioncheck.load import load_page

    source = load_page(page, url=url)
    result = extract(source, all_images=all_images, with_text=False)  # only images, their captions and the date
    added: list[int] = []
    skipped: list[tuple[str, str]] = []
    for image in result.images:
        data = source.image_bytes(image)
        if data is None:
            skipped.append((image.url, "no local copy; save the page as 'Webpage, Complete' or MHTML"))
            continue
        meta = PhotoMeta(caption=image.caption or image.alt, credit=image.credit, source_url=image.url,
                         page_url=result.page.url, date=result.page.published).filled_from(PhotoMeta.from_embedded(data))
        try:
            added.append(index.add_photo(data, meta, commit=False))
        except CaptionCheckError as exc:
            skipped.append((image.url, str(exc)))
    index.commit()
    return added, skipped


__all__ = ["add_page_images"]
