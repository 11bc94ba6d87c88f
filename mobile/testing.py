"""Helpers for the phone app's tests and benchmarks."""

import io

import numpy as np
from PIL import Image


def camera_jpeg(width: int = 4000, height: int = 3000, *, seed: int = 7, quality: int = 92) -> bytes:
    """A JPEG that compresses like a phone camera's photo of a street (several MB at 4000×3000):
    smooth light, large shapes with edges, and sensor noise — not a flat colour that compresses to
    nothing."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    image = np.empty((height, width, 3), dtype=np.float32)
    image[..., 0] = 120 + 60 * np.sin(x / 370) * np.cos(y / 290)
    image[..., 1] = 110 + 50 * np.cos(x / 510 + 1) + 20 * np.sin(y / 130)
    image[..., 2] = 100 + 70 * np.sin((x + y) / 640)
    for _ in range(60):  # kerbs, walls, cars: blocks with hard edges
        x0, y0 = rng.integers(0, width), rng.integers(0, height)
        w, h = rng.integers(80, 900), rng.integers(80, 700)
        image[y0 : y0 + h, x0 : x0 + w] = rng.integers(20, 235, 3)
    texture = rng.normal(0, 1, (height // 4 + 1, width // 4 + 1, 3)).astype(np.float32)
    image += 18 * np.kron(texture, np.ones((4, 4, 1), dtype=np.float32))[:height, :width]  # asphalt, leaves
    image += rng.normal(0, 6, image.shape).astype(np.float32)  # sensor noise
    buffer = io.BytesIO()
    Image.fromarray(np.clip(image, 0, 255).astype(np.uint8)).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()
