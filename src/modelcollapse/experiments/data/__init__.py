"""Real data for the network experiments of SMC §7: images (§4.1) and text (§4.2)."""

from .images import DATASETS, ImageData, load_image_data, read_idx
from .text import load_documents, shakespeare_documents, story_documents

__all__ = ["DATASETS", "ImageData", "load_documents", "load_image_data", "read_idx",
           "shakespeare_documents", "story_documents"]
