"""Reading text in pictures: the OCR engine (rapidocr-onnxruntime, models shipped in its wheel),
a process pool that keeps one model per worker, a cache keyed by the picture's SHA-256, the
parser that turns a certificate picture's text into licence fields, and the crop that shows a
case officer where a word was read.

A pure library like `rules/`: it imports neither Scrapy nor pymongo nor the pipelines."""

from ocr.reading import ImageReading, OcrLine

__all__ = ["ImageReading", "OcrLine"]
